//! Merging the answers of the windows a long range was split into: one insight per metric and
//! period, time-series values in `end_time` order without duplicates, totals summed.

use std::collections::HashSet;

use crate::api::models::{Breakdown as BreakdownResult, Insight, TotalValue};

/// Merges per-window answers (given in window order) into one insight per (metric, period).
pub(crate) fn merge_windows(windows: Vec<Vec<Insight>>) -> Vec<Insight> {
    let mut merged: Vec<Insight> = Vec::new();
    for window in windows {
        for insight in window {
            let slot = merged
                .iter_mut()
                .find(|m| m.name == insight.name && m.period == insight.period);
            match slot {
                None => merged.push(insight),
                Some(existing) => absorb(existing, insight),
            }
        }
    }
    for insight in &mut merged {
        dedupe_and_sort(insight);
    }
    merged
}

fn absorb(into: &mut Insight, from: Insight) {
    into.values.extend(from.values);
    into.total_value = match (into.total_value.take(), from.total_value) {
        (Some(a), Some(b)) => Some(add_totals(a, b)),
        (a, b) => a.or(b),
    };
}

/// Windows share their boundary day on some API versions: the first occurrence of an
/// `end_time` wins, then values are put in time order (values without a readable `end_time`
/// keep their place after the dated ones).
fn dedupe_and_sort(insight: &mut Insight) {
    let mut seen = HashSet::new();
    insight.values.retain(|v| match &v.end_time {
        Some(t) => seen.insert(
            v.end_time_parsed()
                .map(|p| p.timestamp().to_string())
                .unwrap_or_else(|| t.clone()),
        ),
        None => true,
    });
    insight.values.sort_by_key(|v| match v.end_time_parsed() {
        Some(t) => (0, t.timestamp()),
        None => (1, 0),
    });
}

fn add_totals(mut a: TotalValue, b: TotalValue) -> TotalValue {
    a.value = add_values(&a.value, &b.value);
    for breakdown in b.breakdowns {
        match a
            .breakdowns
            .iter_mut()
            .find(|x| x.dimension_keys == breakdown.dimension_keys)
        {
            Some(existing) => add_breakdown(existing, breakdown),
            None => a.breakdowns.push(breakdown),
        }
    }
    a
}

fn add_breakdown(into: &mut BreakdownResult, from: BreakdownResult) {
    for result in from.results {
        match into
            .results
            .iter_mut()
            .find(|r| r.dimension_values == result.dimension_values)
        {
            Some(existing) => existing.value = add_values(&existing.value, &result.value),
            None => into.results.push(result),
        }
    }
}

/// Adds two JSON numbers, exactly when both are integers; a non-number keeps the left side.
pub(crate) fn add_values(a: &serde_json::Value, b: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if let (Some(x), Some(y)) = (x.as_i64(), y.as_i64()) {
                if let Some(sum) = x.checked_add(y) {
                    return Value::from(sum);
                }
            }
            match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) => serde_json::Number::from_f64(x + y)
                    .map(Value::Number)
                    .unwrap_or(Value::Null),
                _ => a.clone(),
            }
        }
        (Value::Null, other) => other.clone(),
        _ => a.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn insight(v: serde_json::Value) -> Insight {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn boundary_duplicates_are_dropped_and_order_restored() {
        let w1 = insight(json!({"name":"reach","period":"day","values":[
            {"value":1,"end_time":"2026-01-02T08:00:00+0000"},
            {"value":2,"end_time":"2026-01-03T08:00:00+0000"}]}));
        let w2 = insight(json!({"name":"reach","period":"day","values":[
            {"value":9,"end_time":"2026-01-03T08:00:00+0000"},
            {"value":3,"end_time":"2026-01-04T08:00:00+0000"}]}));
        let merged = merge_windows(vec![vec![w2], vec![w1]]);
        assert_eq!(merged.len(), 1);
        let values: Vec<u64> = merged[0].values.iter().filter_map(|v| v.as_u64()).collect();
        // The later window came first, so its copy of the shared day won.
        assert_eq!(values, vec![1, 9, 3]);
    }

    #[test]
    fn totals_and_breakdowns_add_up() {
        let a = insight(
            json!({"name":"likes","period":"day","total_value":{"value":5,
            "breakdowns":[{"dimension_keys":["media_product_type"],"results":[
                {"dimension_values":["REEL"],"value":3},{"dimension_values":["POST"],"value":2}]}]}}),
        );
        let b = insight(
            json!({"name":"likes","period":"day","total_value":{"value":7,
            "breakdowns":[{"dimension_keys":["media_product_type"],"results":[
                {"dimension_values":["REEL"],"value":7}]}]}}),
        );
        let merged = merge_windows(vec![vec![a], vec![b]]);
        let total = merged[0].total_value.as_ref().unwrap();
        assert_eq!(total.as_u64(), Some(12));
        let results = &total.breakdowns[0].results;
        assert_eq!(results[0].as_u64(), Some(10));
        assert_eq!(results[1].as_u64(), Some(2));
    }
}
