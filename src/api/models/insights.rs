//! Insights (`/{ig-user-id}/insights`, `/{ig-media-id}/insights`).
//!
//! Both `metric_type=time_series` (`values`) and `metric_type=total_value` (`total_value`, with
//! breakdowns) answers decode into [`Insight`]. Values stay JSON values because some metrics send
//! maps (`online_followers`: hour → count; older demographics: key → count) rather than numbers;
//! [`InsightValue::as_u64`] and friends read the common numeric case.

use serde::{Deserialize, Serialize};

graph_enum! {
    /// The `period` of an insight.
    pub enum InsightPeriod {
        /// One day.
        Day => "day",
        /// One week.
        Week => "week",
        /// 28 days.
        Days28 => "days_28",
        /// One month.
        Month => "month",
        /// The lifetime of the object (media insights, demographics).
        Lifetime => "lifetime",
        /// The whole `since`…`until` range.
        TotalOverRange => "total_over_range",
    }
}

/// One metric of an insights answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Insight {
    /// The metric name, e.g. `reach`.
    #[serde(default)]
    pub name: String,
    /// The period the values cover.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<InsightPeriod>,
    /// Time-series values (absent for `metric_type=total_value` answers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<InsightValue>,
    /// The total, with breakdowns when asked (`metric_type=total_value`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_value: Option<TotalValue>,
    /// Human-readable title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Human-readable description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `"<object-id>/insights/<metric>/<period>"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Insight {
    /// The metric's single number: `total_value.value` if present, else the last time-series
    /// value, when it is numeric.
    pub fn number(&self) -> Option<f64> {
        self.total_value
            .as_ref()
            .and_then(|t| value_as_f64(&t.value))
            .or_else(|| self.values.last().and_then(|v| v.as_f64()))
    }
}

/// One point of a time series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InsightValue {
    /// The value: usually a number, a map for `online_followers` and older demographic metrics.
    #[serde(default)]
    pub value: serde_json::Value,
    /// End of the period this value covers, as sent (absent for lifetime media metrics).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl InsightValue {
    /// The value as an unsigned integer, when it is one (a numeric string counts).
    pub fn as_u64(&self) -> Option<u64> {
        value_as_u64(&self.value)
    }

    /// The value as a float, when it is numeric (a numeric string counts).
    pub fn as_f64(&self) -> Option<f64> {
        value_as_f64(&self.value)
    }

    /// [`InsightValue::end_time`] parsed.
    pub fn end_time_parsed(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.end_time
            .as_deref()
            .and_then(super::common::parse_graph_time)
    }
}

/// `total_value` of a `metric_type=total_value` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TotalValue {
    /// The total (a number for the metrics known today).
    #[serde(default)]
    pub value: serde_json::Value,
    /// Breakdowns, when the request asked for `breakdown=…`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub breakdowns: Vec<Breakdown>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl TotalValue {
    /// The total as an unsigned integer, when it is one.
    pub fn as_u64(&self) -> Option<u64> {
        value_as_u64(&self.value)
    }
}

/// One breakdown of a total: the dimensions and one result per combination of their values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Breakdown {
    /// The dimensions, e.g. `["media_product_type","follow_type"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dimension_keys: Vec<String>,
    /// One result per combination.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<BreakdownResult>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// One combination of dimension values and its value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakdownResult {
    /// Values of the dimensions, in the order of `dimension_keys`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dimension_values: Vec<String>,
    /// The value for that combination.
    #[serde(default)]
    pub value: serde_json::Value,
    /// End of the period, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl BreakdownResult {
    /// The value as an unsigned integer, when it is one.
    pub fn as_u64(&self) -> Option<u64> {
        value_as_u64(&self.value)
    }
}

fn value_as_u64(v: &serde_json::Value) -> Option<u64> {
    match v {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn value_as_f64(v: &serde_json::Value) -> Option<f64> {
    match v {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_can_be_numbers_strings_or_maps() {
        let i: Insight = serde_json::from_str(
            r#"{"name":"online_followers","period":"lifetime","values":[{"value":{"0":12,"1":9}},{"value":"5"}]}"#,
        )
        .unwrap();
        assert_eq!(i.period, Some(InsightPeriod::Lifetime));
        assert_eq!(i.values[0].as_u64(), None);
        assert_eq!(i.values[0].value["1"], 9);
        assert_eq!(i.values[1].as_u64(), Some(5));
        assert_eq!(i.number(), Some(5.0));
    }
}
