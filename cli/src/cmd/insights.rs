//! `instagraph insights`: the core's account insights (windows split and merged, rolled up by
//! day, week or month), as a line chart per metric, or CSV.

use chrono::{TimeDelta, Utc};
use instagraph::api::insights::{Granularity, Metric, MetricType, Period, RolledUpMetric};
use serde_json::json;
use textplots::{Chart, Plot, Shape};

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
    let insights = access
        .graph(&context.client)
        .ig_user(account.clone())
        .insights()
        .metrics(metrics)
        .period(Period::Day)
        .metric_type(MetricType::TimeSeries)
        .since(since)
        .until(until)
        .send()
        .await?;
    let rolled = insights.rollup(granularity);
    if args.csv && !global.json {
        print!("{}", csv(&rolled));
        return Ok(());
    }
    let doc = json!({
        "account": account.as_str(),
        "since": since,
        "until": until,
        "metrics": rolled,
    });
    output::emit(global.json, &doc, || charts(&rolled));
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
        let mut chart = Chart::new(120, 40, 0.0, xmax);
        let chart = chart.lineplot(&shape);
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
