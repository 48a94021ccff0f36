//! `instagraph insights`: the core's account insights (windows split and merged, rolled up by
//! day, week or month), as a line chart per metric, or CSV.

use chrono::{NaiveDate, TimeDelta, Utc};
use instagraph::api::insights::{Granularity, Metric, MetricType, Period, RolledUpMetric};
use serde_json::json;
use textplots::{Chart, LabelBuilder, LabelFormat, Plot, Shape};

use crate::args::{ByArg, Global, InsightsArgs};
use crate::context::Context;
use crate::output::{self, Failure};

/// Reads the metrics over the last `--days` and draws them.
pub async fn run(global: &Global, args: InsightsArgs) -> Result<(), Failure> {
    let metrics = args
        .metric
        .iter()
        .map(|m| Metric::parse(m.trim()))
        .collect::<Result<Vec<_>, _>>()?;
    let account = super::account_id(&args.account)?;
    let granularity = match args.by {
        ByArg::Day => Granularity::Daily,
        ByArg::Week => Granularity::Weekly,
        ByArg::Month => Granularity::Monthly,
    };
    let until = Utc::now();
    let since = until - TimeDelta::days(args.days);
    // Meta serves only some metrics day by day; the others are one total over the range.
    let (series, totals): (Vec<Metric>, Vec<Metric>) =
        metrics.into_iter().partition(Metric::has_time_series);
    let context = Context::open(global).await?;
    let access = context.accounts.access(&context.company, &account).await?;
    let graph = access.graph(&context.client);
    let request = |metrics: Vec<Metric>, metric_type: MetricType| {
        graph
            .ig_user(account.clone())
            .insights()
            .metrics(metrics)
            .period(Period::Day)
            .metric_type(metric_type)
            .since(since)
            .until(until)
            .send()
    };
    let rolled = if series.is_empty() {
        Vec::new()
    } else {
        request(series, MetricType::TimeSeries)
            .await?
            .rollup(granularity)
    };
    let totals: Vec<(String, f64)> = if totals.is_empty() {
        Vec::new()
    } else {
        request(totals, MetricType::TotalValue)
            .await?
            .metrics
            .iter()
            .map(|i| {
                let value = i.total_value.as_ref().and_then(|t| t.value.as_f64());
                (i.name.clone(), value.unwrap_or(0.0))
            })
            .collect()
    };
    let range = (since.date_naive(), until.date_naive());
    if args.csv && !global.json {
        print!("{}", csv(&rolled, &totals, range));
        return Ok(());
    }
    let doc = json!({
        "account": account.as_str(),
        "since": since,
        "until": until,
        "metrics": rolled,
        "totals": totals.iter().map(|(name, value)| json!({ "name": name, "value": value })).collect::<Vec<_>>(),
    });
    output::emit(global.json, &doc, || {
        let mut text = charts(&rolled);
        for (name, value) in &totals {
            text.push_str(&format!(
                "{name}: {value} in all from {} to {} (Meta gives no day-by-day series of it)\n",
                range.0, range.1
            ));
        }
        text
    });
    Ok(())
}

/// `start,end,metric,value`, one row per point, then one per total over the range.
fn csv(
    metrics: &[RolledUpMetric],
    totals: &[(String, f64)],
    range: (NaiveDate, NaiveDate),
) -> String {
    let mut out = String::from("start,end,metric,value\n");
    for metric in metrics {
        for p in &metric.points {
            out.push_str(&format!(
                "{},{},{},{}\n",
                p.start, p.end, metric.name, p.value
            ));
        }
    }
    for (name, value) in totals {
        out.push_str(&format!("{},{},{name},{value}\n", range.0, range.1));
    }
    out
}

/// One line chart per metric, with its range of dates and its total.
fn charts(metrics: &[RolledUpMetric]) -> String {
    let mut out = String::new();
    for metric in metrics {
        let (Some(first), Some(last)) = (metric.points.first(), metric.points.last()) else {
            out.push_str(&format!("{}: no data\n", metric.name));
            continue;
        };
        let points: Vec<(f32, f32)> = metric
            .points
            .iter()
            .enumerate()
            .map(|(i, p)| (i as f32, p.value as f32))
            .collect();
        let xmax = (points.len().max(2) - 1) as f32;
        let shape = Shape::Lines(&points);
        // The x axis is the points' order; its labels are their first days.
        let starts: Vec<_> = metric.points.iter().map(|p| p.start).collect();
        let day = move |x: f32| {
            let i = (x.round().max(0.0) as usize).min(starts.len() - 1);
            starts[i].format("%Y-%m-%d").to_string()
        };
        let mut chart = Chart::new(120, 40, 0.0, xmax);
        let chart = chart
            .x_label_format(LabelFormat::Custom(Box::new(day)))
            .lineplot(&shape);
        chart.axis();
        chart.figures();
        let total: f64 = metric.points.iter().map(|p| p.value).sum();
        out.push_str(&format!(
            "{} ({} points, {} to {}; sum {total})\n{chart}\n",
            metric.name,
            metric.points.len(),
            first.start,
            last.end,
        ));
    }
    out
}
