//! Insights: `GET /{ig-user}/insights` and `GET /{media}/insights`, with Meta's shape and
//! rules. Values are deterministic per account (or media), metric and day, so a test can ask
//! twice and compare.
//!
//! Account insights: `metric` (comma-separated), `period` (`day`; `lifetime` for
//! `online_followers` and the demographics; defaulted when absent), `metric_type`
//! (`time_series`, the default, or `total_value`: every day metric but `reach` and
//! `follower_count` needs `total_value`, as Meta answers), `breakdown` (total values only),
//! `timeframe` (`this_week|this_month`, demographics only and required), `since`/`until`
//! (unix seconds or dates; default the last 2 days; more than 30 days apart → code 100). A day's
//! `end_time` is the next day at 07:00 UTC. Days older than 90 days (or not over yet) have no
//! data: a metric without data is left out, so an old range answers `{"data":[]}`. Removed
//! metrics (`impressions`, `plays`, `video_views`, `profile_views`, `website_clicks`,
//! `email_contacts`, `clips_replays_count`, `ig_reels_aggregated_all_plays_count`, …) answer
//! code 100 naming the version that removed them and the replacement.
//!
//! Media insights are `lifetime` and valid per kind (feed image or carousel, reel, story);
//! another kind's metric answers code 100. Stories answer only while live (24 h by the
//! sandbox clock; after that code 10) and only with 5 viewers or more (else code 10).

mod media;
pub(crate) mod metrics;

pub(crate) use media::{expired_story_error, media, story_viewers};

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Map, Value};

use super::access::Caller;
use super::engage::insights_scope;
use super::error::{GraphError, GraphResult};
use super::graph::{time_param, GraphReq};
use super::world::{meta_time, World};
use metrics::{Metric, Shape, ACCOUNT};

const DAY: i64 = 86_400;
const MAX_RANGE: i64 = 30 * DAY;

pub(crate) fn unknown_metric(index: usize, valid: &[&str]) -> GraphError {
    GraphError::invalid_param(format!(
        "metric[{index}] must be one of the following values: {}",
        valid.join(", ")
    ))
}

/// The comma-separated items of a parameter.
pub(crate) fn list_param<'a>(req: &'a GraphReq<'_>, name: &str) -> Vec<&'a str> {
    req.param(name)
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// The end of day `d` (days since the epoch) as Meta reports it: 07:00 UTC the next day.
fn day_end(d: i64) -> i64 {
    (d + 1) * DAY + 7 * 3600
}

fn time_of(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
}

/// Days whose end lies in `(since, until]`, ended already, and at most 90 days ago.
fn days_in(since: i64, until: i64, now: i64) -> Vec<i64> {
    let first = since.div_euclid(DAY) - 1;
    let last = until.div_euclid(DAY) + 1;
    (first..=last)
        .filter(|d| {
            let end = day_end(*d);
            end > since && end <= until && end <= now && end >= now - 90 * DAY
        })
        .collect()
}

struct Ask<'a> {
    metric_type: Option<&'a str>,
    period: Option<&'a str>,
    breakdown: Vec<&'a str>,
    timeframe: Option<&'a str>,
}

fn check_ask(spec: &Metric, ask: &Ask<'_>) -> GraphResult<&'static str> {
    let period = match spec.shape {
        Shape::OnlineFollowers | Shape::Demographics => "lifetime",
        _ => "day",
    };
    if let Some(p) = ask.period.filter(|p| *p != period) {
        return Err(GraphError::invalid_param(format!(
            "Incompatible period {p} for metric {}: it supports period {period} only",
            spec.name
        )));
    }
    let total = match (spec.shape, ask.metric_type) {
        (Shape::DayTotal, Some("total_value")) | (Shape::DayEither, Some("total_value")) => true,
        (Shape::Demographics, None | Some("total_value")) => true,
        (Shape::DayTotal, _) => {
            return Err(GraphError::invalid_param(format!(
                "The following metrics ({}) should be specified with parameter \
                 metric_type=total_value",
                spec.name
            )))
        }
        (_, Some("total_value")) => {
            return Err(GraphError::invalid_param(format!(
                "metric {} does not support metric_type=total_value",
                spec.name
            )))
        }
        _ => false,
    };
    if !ask.breakdown.is_empty() && !total {
        return Err(GraphError::invalid_param(
            "breakdown is only supported with metric_type=total_value",
        ));
    }
    if let Some(bad) = ask.breakdown.iter().find(|b| !spec.breakdowns.contains(*b)) {
        return Err(GraphError::invalid_param(format!(
            "Invalid breakdown {bad} for metric {}; valid breakdowns: {}",
            spec.name,
            if spec.breakdowns.is_empty() {
                "none".to_owned()
            } else {
                spec.breakdowns.join(", ")
            }
        )));
    }
    if spec.shape == Shape::Demographics {
        if ask.breakdown.is_empty() {
            return Err(GraphError::param_required("breakdown"));
        }
        match ask.timeframe {
            Some("this_week" | "this_month") => {}
            Some(t @ ("last_14_days" | "last_30_days" | "last_90_days" | "prev_month")) => {
                return Err(GraphError::invalid_param(format!(
                    "timeframe {t} is no longer supported since v20.0; use this_week or \
                     this_month"
                )))
            }
            Some(t) => {
                return Err(GraphError::invalid_param(format!(
                    "timeframe must be one of the following values: this_week, this_month \
                     (got {t})"
                )))
            }
            None => return Err(GraphError::param_required("timeframe")),
        }
    }
    Ok(period)
}

/// `GET /{ig-user}/insights`.
pub(crate) fn account(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    ig: &str,
) -> GraphResult<Value> {
    caller.require(insights_scope(caller), 10)?;
    let names = list_param(req, "metric");
    if names.is_empty() {
        return Err(GraphError::param_required("metric"));
    }
    let valid: Vec<&str> = ACCOUNT.iter().map(|m| m.name).collect();
    let mut specs = Vec::new();
    for (i, n) in names.iter().enumerate() {
        if let Some(e) = metrics::removed_error(n) {
            return Err(e);
        }
        specs.push(
            ACCOUNT
                .iter()
                .find(|m| m.name == *n)
                .ok_or_else(|| unknown_metric(i, &valid))?,
        );
    }
    let metric_type = req.param("metric_type").filter(|s| !s.is_empty());
    if let Some(t) = metric_type.filter(|t| !matches!(*t, "time_series" | "total_value")) {
        return Err(GraphError::invalid_param(format!(
            "metric_type must be one of the following values: time_series, total_value (got {t})"
        )));
    }
    let ask = Ask {
        metric_type,
        period: req.param("period").filter(|s| !s.is_empty()),
        breakdown: list_param(req, "breakdown"),
        timeframe: req.param("timeframe").filter(|s| !s.is_empty()),
    };
    let now = w.now().timestamp();
    let since_p = time_param(req, "since")?;
    let until_p = time_param(req, "until")?;
    let until = until_p.unwrap_or_else(|| since_p.map_or(now, |s| s + 2 * DAY));
    let since = since_p.unwrap_or(until - 2 * DAY);
    if since > until {
        return Err(GraphError::invalid_param(
            "since must be earlier than until",
        ));
    }
    if until - since > MAX_RANGE {
        return Err(GraphError::invalid_param(format!(
            "There cannot be more than 30 days ({MAX_RANGE} s) between since and until"
        )));
    }
    let followers = w.ig_accounts.get(ig).map_or(0, |a| a.followers_count);
    let days = days_in(since, until, now);
    let mut data = Vec::new();
    let mut ranged = false;
    for spec in specs {
        let period = check_ask(spec, &ask)?;
        let mut item = Map::new();
        item.insert("name".into(), json!(spec.name));
        item.insert("period".into(), json!(period));
        let total = ask.metric_type == Some("total_value");
        match spec.shape {
            Shape::Demographics => {
                let base = if spec.name == "follower_demographics" {
                    followers
                } else {
                    let span = if ask.timeframe == Some("this_week") {
                        7
                    } else {
                        30
                    };
                    let engaged = ACCOUNT.iter().find(|m| m.name == "accounts_engaged");
                    let today = now.div_euclid(DAY);
                    engaged.map_or(0, |m| {
                        (1..=span)
                            .map(|k| metrics::day_value(ig, followers, m, today - k))
                            .sum()
                    })
                };
                let breakdown = metrics::split(ig, spec.name, &ask.breakdown, base);
                item.insert("total_value".into(), json!({ "breakdowns": [breakdown] }));
            }
            _ if days.is_empty() => continue,
            Shape::OnlineFollowers => {
                ranged = true;
                let values: Vec<Value> = days
                    .iter()
                    .map(|d| {
                        let hours: Map<String, Value> = (0..24)
                            .map(|h| {
                                let v = spec.base * (followers + 2_000) / 40_000
                                    + metrics::hash(&[ig, "online", &h.to_string()], *d) % 50;
                                (h.to_string(), json!(v))
                            })
                            .collect();
                        json!({ "value": hours, "end_time": meta_time(time_of(day_end(*d))) })
                    })
                    .collect();
                item.insert("values".into(), Value::Array(values));
            }
            _ if total => {
                ranged = true;
                let sum: u64 = days
                    .iter()
                    .map(|d| metrics::day_value(ig, followers, spec, *d))
                    .sum();
                let mut tv = Map::new();
                tv.insert("value".into(), json!(sum));
                if !ask.breakdown.is_empty() {
                    tv.insert(
                        "breakdowns".into(),
                        json!([metrics::split(ig, spec.name, &ask.breakdown, sum)]),
                    );
                }
                item.insert("total_value".into(), Value::Object(tv));
            }
            _ => {
                ranged = true;
                let values: Vec<Value> = days
                    .iter()
                    .map(|d| {
                        json!({
                            "value": metrics::day_value(ig, followers, spec, *d),
                            "end_time": meta_time(time_of(day_end(*d))),
                        })
                    })
                    .collect();
                item.insert("values".into(), Value::Array(values));
            }
        }
        item.insert("title".into(), json!(spec.title));
        item.insert("description".into(), json!(spec.description));
        item.insert(
            "id".into(),
            json!(format!("{ig}/insights/{}/{period}", spec.name)),
        );
        data.push(Value::Object(item));
    }
    if data.is_empty() {
        return Ok(json!({ "data": [] }));
    }
    let mut out = json!({ "data": data });
    if ranged {
        let span = (until - since).max(DAY);
        out["paging"] = json!({
            "previous": range_link(req, since - span, since),
            "next": range_link(req, until, until + span),
        });
    }
    Ok(out)
}

/// The same request over another `since`/`until` range.
fn range_link(req: &GraphReq<'_>, since: i64, until: i64) -> String {
    let links = req.links();
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &links.query {
        if !matches!(k.as_str(), "since" | "until") {
            ser.append_pair(k, v);
        }
    }
    ser.append_pair("since", &since.to_string());
    ser.append_pair("until", &until.to_string());
    format!("{}?{}", links.url, ser.finish())
}
