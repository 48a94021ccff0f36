//! `GET /{media}/insights?metric`: lifetime metrics, valid per media kind.

use serde_json::{json, Map, Value};

use super::super::access::Caller;
use super::super::engage::insights_scope;
use super::super::error::{GraphError, GraphResult};
use super::super::graph::GraphReq;
use super::super::world::Login;
use super::super::world::{Media, World};
use super::metrics::{self, hash, FACEBOOK_LOGIN_ONLY, MEDIA};
use super::{list_param, unknown_metric};

/// Stories with fewer viewers than this have no insights (code 10).
pub(crate) const MIN_STORY_VIEWERS: u64 = 5;

/// Code 10 for a story older than 24 h.
pub(crate) fn expired_story_error() -> GraphError {
    GraphError::oauth(
        10,
        "(#10) Insights for stories are only available for 24 hours after they are posted",
    )
}

fn kind_of(m: &Media) -> &'static str {
    match m.media_product_type.as_str() {
        "STORY" => "story",
        "REELS" => "reel",
        _ => "feed",
    }
}

/// A story's viewers: seeded, or derived from its id (always 5 or more).
pub(crate) fn story_viewers(w: &World, id: &str) -> u64 {
    w.engage
        .story_viewers
        .get(id)
        .copied()
        .unwrap_or_else(|| 20 + hash(&[id, "viewers"], 0) % 180)
}

fn value(w: &World, m: &Media, metric: &str) -> u64 {
    let h = |k: &str, modulo: u64| hash(&[&m.id, k], 0) % modulo.max(1);
    if kind_of(m) == "story" {
        let viewers = story_viewers(w, &m.id);
        return match metric {
            "reach" => viewers,
            "views" => viewers + viewers / 3,
            "replies" => h("replies", 5),
            "navigation" => viewers * 2 + h("nav", 10),
            "shares" => h("shares", 4),
            "follows" => h("follows", 3),
            "profile_visits" => h("visits", 8),
            "profile_activity" => h("activity", 6),
            "total_interactions" => h("replies", 5) + h("shares", 4),
            _ => 0,
        };
    }
    let likes = m.like_count;
    let reach = likes * 8 + h("reach", 100);
    match metric {
        "likes" => likes,
        "comments" => m.comments_count,
        "saved" => h("saved", 20),
        "shares" => h("shares", 15),
        "reach" => reach,
        "views" => reach * 2 + h("views", 50),
        "total_interactions" => likes + m.comments_count + h("saved", 20) + h("shares", 15),
        "follows" => h("follows", 6),
        "profile_visits" => h("visits", 30),
        "profile_activity" => h("activity", 12),
        "ig_reels_avg_watch_time" => 3_000 + h("watch", 9_000),
        "ig_reels_video_view_total_time" => (reach * 2) * (3_000 + h("watch", 9_000)),
        "reposts" => h("reposts", 8),
        // The seeded reels are crossposted: some of their views happened on Facebook.
        "facebook_views" => reach / 2 + h("fb_views", 40),
        "crossposted_views" => reach * 2 + h("views", 50) + reach / 2 + h("fb_views", 40),
        // Ads and boosts add to the organic counts.
        "total_likes" => likes + h("ad_likes", 30),
        "total_comments" => m.comments_count + h("ad_comments", 5),
        "total_views" => reach * 2 + h("views", 50) + h("ad_views", 400),
        _ => 0,
    }
}

/// The JSON value of a metric: a percentage with two decimals for `reels_skip_rate`, else the
/// count.
fn json_value(m: &Media, metric: &str, count: u64) -> Value {
    if metric == "reels_skip_rate" {
        let basis_points = hash(&[&m.id, "skip"], 0) % 9_000 + 500;
        return json!(basis_points as f64 / 100.0);
    }
    json!(count)
}

/// `GET /{media}/insights?metric[&breakdown]`.
pub(crate) fn media(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    id: &str,
) -> GraphResult<Value> {
    caller.require(insights_scope(caller), 10)?;
    let m = w
        .media
        .get(id)
        .cloned()
        .ok_or_else(|| GraphError::unsupported("GET", id))?;
    if m.parent.is_some() {
        return Err(GraphError::invalid_param(
            "Insights are not available for carousel children: ask the carousel album",
        ));
    }
    let kind = kind_of(&m);
    if kind == "story" && story_viewers(w, id) < MIN_STORY_VIEWERS {
        return Err(GraphError::oauth(
            10,
            "(#10) Not enough viewers for the media to show insights",
        )
        .user(
            "Not enough viewers",
            "Story insights are shown once 5 or more people viewed the story.",
        ));
    }
    let names = list_param(req, "metric");
    if names.is_empty() {
        return Err(GraphError::param_required("metric"));
    }
    if let Some(p) = req
        .param("period")
        .filter(|p| !p.is_empty() && *p != "lifetime")
    {
        return Err(GraphError::invalid_param(format!(
            "Incompatible period {p}: media insights support period lifetime only"
        )));
    }
    let breakdown = list_param(req, "breakdown");
    let valid: Vec<&str> = MEDIA.iter().map(|(n, _, _)| *n).collect();
    let mut data = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if let Some(e) = metrics::removed_error(name) {
            return Err(e);
        }
        let (_, title, kinds) = MEDIA
            .iter()
            .find(|(n, _, _)| n == name)
            .ok_or_else(|| unknown_metric(i, &valid))?;
        if FACEBOOK_LOGIN_ONLY.contains(name) && caller.login() == Login::Instagram {
            return Err(GraphError::invalid_param(format!(
                "The {name} metric is not supported with Instagram Login"
            )));
        }
        if !kinds.contains(&kind) {
            return Err(GraphError::invalid_param(format!(
                "The Media Insights API does not support the {name} metric for this media \
                 product type ({})",
                m.media_product_type
            )));
        }
        let v = value(w, &m, name);
        let mut item = Map::new();
        item.insert("name".into(), json!(name));
        item.insert("period".into(), json!("lifetime"));
        item.insert(
            "values".into(),
            json!([{ "value": json_value(&m, name, v) }]),
        );
        if !breakdown.is_empty() {
            let dim = metrics::media_breakdown(name)
                .filter(|(d, _)| breakdown.iter().all(|b| b == d))
                .ok_or_else(|| {
                    GraphError::invalid_param(format!(
                        "Invalid breakdown {} for metric {name}",
                        breakdown.join(",")
                    ))
                })?;
            let results: Vec<Value> = split_media(id, name, dim.1, v);
            item.insert(
                "total_value".into(),
                json!({ "value": v, "breakdowns": [{ "dimension_keys": [dim.0], "results": results }] }),
            );
        }
        item.insert("title".into(), json!(title));
        item.insert(
            "description".into(),
            json!(format!("{title} of this media (sandbox data)")),
        );
        item.insert("id".into(), json!(format!("{id}/insights/{name}/lifetime")));
        data.push(Value::Object(item));
    }
    Ok(json!({ "data": data }))
}

fn split_media(id: &str, metric: &str, values: &[&str], total: u64) -> Vec<Value> {
    let weights: Vec<u64> = values
        .iter()
        .map(|v| 1 + hash(&[id, metric, v], 0) % 10)
        .collect();
    let sum: u64 = weights.iter().sum::<u64>().max(1);
    let mut parts: Vec<u64> = weights.iter().map(|w| total * w / sum).collect();
    let rest = total - parts.iter().sum::<u64>();
    if let Some(first) = parts.first_mut() {
        *first += rest;
    }
    values
        .iter()
        .zip(parts)
        .map(|(v, n)| json!({ "dimension_values": [v], "value": n }))
        .collect()
}
