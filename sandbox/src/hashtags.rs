//! Hashtags: `GET /ig_hashtag_search?user_id&q`, `GET /{hashtag}`,
//! `GET /{hashtag}/top_media|recent_media?user_id&fields` (at most 50 a page) and
//! `GET /{ig-user}/recently_searched_hashtags`.
//!
//! Any well-formed hashtag gets an id (unknown ones join the index with no media, as Meta
//! answers ids for every hashtag). Each account may query `hashtag_budget` (default 30)
//! unique hashtags per rolling 7 days by the sandbox clock; querying one already counted is
//! free. The next new one answers **code 18** (no subcode): Meta documents the limit but not
//! its error, so this is the sandbox's choice, also shown in `GET /__sandbox/config`
//! (`errors.hashtag_budget`). `recent_media` holds media of the last 24 h by the sandbox
//! clock, newest first; `top_media` the most liked first.

use chrono::Duration;
use serde_json::{json, Map, Value};

use super::access::{Caller, NodeKind};
use super::comments::MAX_PAGE;
use super::engage::{list_capped, Hashtag};
use super::error::{GraphError, GraphResult};
use super::fields::Field;
use super::graph::GraphReq;
use super::nodes;
use super::world::World;

/// The code answered past the 30-hashtags-per-7-days budget.
pub(crate) const BUDGET_CODE: i64 = 18;

/// Media fields Meta serves on hashtag media (others are refused).
const MEDIA_FIELDS: [&str; 10] = [
    "id",
    "caption",
    "children",
    "comments_count",
    "like_count",
    "media_type",
    "media_product_type",
    "media_url",
    "permalink",
    "timestamp",
];

pub(crate) fn budget_error(limit: u32) -> GraphError {
    GraphError::oauth(
        BUDGET_CODE,
        format!(
            "(#{BUDGET_CODE}) You have reached the maximum number of hashtags: an Instagram \
             account can query at most {limit} unique hashtags within a rolling 7 day period."
        ),
    )
    .user(
        "Hashtag limit reached",
        "This account searched too many different hashtags this week. Try again later.",
    )
}

/// `user_id`: an IG account the token can act for.
fn user_param(w: &World, req: &GraphReq<'_>, caller: &Caller) -> GraphResult<String> {
    let id = req
        .param("user_id")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| GraphError::param_required("user_id"))?;
    let id = if id == "me" { caller.me() } else { id };
    if caller.ig_accounts(w).iter().any(|a| a == id) {
        Ok(id.to_owned())
    } else {
        Err(GraphError::invalid_param(format!(
            "Param user_id {id} is not an Instagram account this token can act for"
        )))
    }
}

fn normalise(q: &str) -> GraphResult<String> {
    let name = q.trim().trim_start_matches('#').to_lowercase();
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Err(GraphError::invalid_param(
            "Param q must be a single hashtag (letters, digits and underscores)",
        ));
    }
    Ok(name)
}

/// A stable id for a hashtag outside the seeded index.
fn id_for(w: &World, name: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let mut n = 17_844_000_000_000_000 + h % 1_000_000_000_000;
    while w
        .engage
        .hashtags
        .get(&n.to_string())
        .is_some_and(|t| t.name != name)
    {
        n += 1;
    }
    n.to_string()
}

/// `GET /ig_hashtag_search?user_id&q` → `{"data":[{"id"}]}`.
pub(crate) fn search(w: &mut World, req: &GraphReq<'_>, caller: &Caller) -> GraphResult<Value> {
    caller.require(caller.basic_scope(), 10)?;
    let user = user_param(w, req, caller)?;
    let name = normalise(
        req.param("q")
            .ok_or_else(|| GraphError::param_required("q"))?,
    )?;
    let existing = w
        .engage
        .hashtags
        .values()
        .find(|t| t.name == name)
        .map(|t| t.id.clone());
    let id = existing.unwrap_or_else(|| id_for(w, &name));
    let now = w.now();
    let limit = w.config.hashtag_budget;
    let log = w.engage.hashtag_queries.entry(user).or_default();
    log.retain(|(t, _)| now - *t < Duration::days(7));
    if !log.iter().any(|(_, h)| *h == id) {
        if limit > 0 && log.len() >= limit as usize {
            return Err(budget_error(limit));
        }
        log.push((now, id.clone()));
    }
    w.engage
        .hashtags
        .entry(id.clone())
        .or_insert_with(|| Hashtag {
            id: id.clone(),
            name: name.clone(),
            media: Vec::new(),
        });
    let fields = req.fields("id")?;
    Ok(json!({ "data": [render(w, &id, &fields)?] }))
}

/// A hashtag node: `id`, `name`.
pub(crate) fn render(w: &mut World, id: &str, fields: &[Field]) -> GraphResult<Value> {
    let t = w
        .engage
        .hashtags
        .get(id)
        .ok_or_else(|| GraphError::unsupported("GET", id))?;
    let mut out = Map::new();
    out.insert("id".into(), json!(t.id));
    for f in fields {
        match f.name.as_str() {
            "id" => {}
            "name" => {
                out.insert("name".into(), json!(t.name));
            }
            other => {
                return Err(GraphError::nonexisting_field(
                    other,
                    NodeKind::Hashtag.type_name(),
                ))
            }
        }
    }
    Ok(Value::Object(out))
}

/// `GET /{hashtag}/top_media|recent_media?user_id&fields`.
pub(crate) fn media(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    hashtag: &str,
    recent: bool,
) -> GraphResult<Value> {
    caller.require(caller.basic_scope(), 10)?;
    user_param(w, req, caller)?;
    for f in req.fields("id")? {
        if !MEDIA_FIELDS.contains(&f.name.as_str()) {
            return Err(GraphError::nonexisting_field(&f.name, "ShadowIGHashtag"));
        }
    }
    let mut ids = w
        .engage
        .hashtags
        .get(hashtag)
        .map(|t| t.media.clone())
        .unwrap_or_default();
    let now = w.now();
    ids.retain(|id| w.media.contains_key(id));
    if recent {
        ids.retain(|id| {
            w.media
                .get(id)
                .is_some_and(|m| m.timestamp <= now && now - m.timestamp <= Duration::hours(24))
        });
    } else {
        ids.sort_by_key(|id| std::cmp::Reverse(w.media.get(id).map_or(0, |m| m.like_count)));
    }
    list_capped(w, req, ids, "id", MAX_PAGE, nodes::media)
}

/// `GET /{ig-user}/recently_searched_hashtags`: the hashtags counted in the 7-day window.
pub(crate) fn recently_searched(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    ig: &str,
) -> GraphResult<Value> {
    caller.require(caller.basic_scope(), 10)?;
    let now = w.now();
    let ids: Vec<String> = w
        .engage
        .hashtag_queries
        .get(ig)
        .map(|log| {
            log.iter()
                .filter(|(t, _)| now - *t < Duration::days(7))
                .map(|(_, h)| h.clone())
                .collect()
        })
        .unwrap_or_default();
    let max = w.config.max_page_size;
    list_capped(w, req, ids, "id,name", max, render)
}
