//! `instagraph insights`: the core's series of each account metric by day, week or month
//! (`send_series`), as a line chart per metric, or CSV.

use chrono::{TimeDelta, Utc};
use instagraph::api::insights::{Aggregation, Granularity, Metric, RolledUpMetric};
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
    let context = Context::open(global).await?;
    let access = context.accounts.access(&context.company, &account).await?;
    // The core builds every series: reach and followers from Meta's day values, the metrics
    // Meta serves only as totals (views, accounts engaged, ...) one total per day, week or month.
    let series = access
        .graph(&context.client)
        .ig_user(account.clone())
        .insights()
        .metrics(metrics)
        .since(since)
        .until(until)
        .send_series(granularity)
        .await?;
    if args.csv && !global.json {
        print!("{}", csv(&series));
        return Ok(());
    }
    let doc = json!({
        "account": account.as_str(),
        "since": since,
        "until": until,
        "metrics": series,
    });
    output::emit(global.json, &doc, || charts(&series));
    Ok(())
}

/// `start,end,metric,value`, one row per point.
fn csv(metrics: &[RolledUpMetric]) -> String {
    let mut out = String::from("start,end,metric,value\n");
    for metric in metrics {
        for p in &metric.points {
            out.push_str(&format!(
                "{},{},{},{}\n",
                p.start, p.end, metric.name, p.value
            ));
        }
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
        // A sum of unique accounts over periods is no total: say what each point is instead.
        let summary = match Metric::from(metric.name.as_str()).aggregation() {
            Aggregation::Sum => {
                format!("sum {}", metric.points.iter().map(|p| p.value).sum::<f64>())
            }
            Aggregation::Last => "each point the period's last day".to_owned(),
            _ => "each point the period's unique accounts".to_owned(),
        };
        out.push_str(&format!(
            "{} ({} points, {} to {}; {summary})\n{chart}\n",
            metric.name,
            metric.points.len(),
            first.start,
            last.end,
        ));
    }
    out
}
