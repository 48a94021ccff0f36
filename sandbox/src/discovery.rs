//! Business discovery: `GET /{ig-user}?fields=business_discovery.username(NAME){…}` on
//! graph.facebook.com, another professional account's public profile and media.
//!
//! The username is matched case-insensitively among the professional accounts of the world.
//! Anything else (an unknown name, a commenter's personal account) answers Meta's code 110,
//! subcode 2207013. The nested media pages with `media.limit(N)`, `media.after(CURSOR)` and
//! `media.before(CURSOR)`; pages carry cursors but no `next` link, as Meta's recorded answers
//! (the SDK's fixtures `instagram/apidata/discovery/medias_p*.json`) show.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::access::Caller;
use super::error::{GraphError, GraphResult};
use super::fields::Field;
use super::nodes;
use super::paging;
use super::world::World;

/// The IG user fields another account may read about a discovered one.
const PUBLIC_FIELDS: &[&str] = &[
    "id",
    "ig_id",
    "username",
    "name",
    "biography",
    "website",
    "profile_picture_url",
    "followers_count",
    "follows_count",
    "media_count",
];

fn cannot_find(username: &str) -> GraphError {
    GraphError::oauth(110, "Invalid user id")
        .subcode(2207013)
        .user(
            "Cannot find User",
            format!("The user with username: {username} cannot be found."),
        )
}

/// The `business_discovery.username(NAME){…}` field of an IG user.
pub(crate) fn business_discovery(w: &mut World, caller: &Caller, f: &Field) -> GraphResult<Value> {
    // Meta documents instagram_manage_insights beside instagram_basic; the sandbox asks only
    // for the latter (tolerant: a client Meta accepts is never refused here).
    caller.require(caller.basic_scope(), 10)?;
    let username = f
        .modifier("username")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| GraphError::param_required("username"))?
        .to_lowercase();
    let Some(account) = w
        .ig_accounts
        .values()
        .find(|a| a.username.to_lowercase() == username)
        .cloned()
    else {
        return Err(cannot_find(&username));
    };
    let sub = match &f.sub {
        Some(s) if !s.is_empty() => s.clone(),
        _ => vec![Field::plain("id")],
    };
    let mut out = Map::new();
    out.insert("id".into(), json!(account.id));
    for field in &sub {
        let value = match field.name.as_str() {
            "id" => continue,
            "ig_id" => json!(account.ig_id),
            "username" => json!(account.username),
            "name" => json!(account.name),
            "biography" => json!(account.biography),
            "website" => json!(account.website),
            "profile_picture_url" => json!(account.profile_picture_url),
            "followers_count" => json!(account.followers_count),
            "follows_count" => json!(account.follows_count),
            "media_count" => json!(account.media.len()),
            "media" => media(w, &account.media, field)?,
            "stories" => {
                return Err(GraphError::oauth(
                    10,
                    "(#10) Application does not have permission for this action",
                ))
            }
            other => {
                return Err(GraphError::invalid_param(format!(
                    "Tried accessing nonexisting field ({other}) on business discovery; public fields are {} and media",
                    PUBLIC_FIELDS.join(", ")
                )))
            }
        };
        out.insert(field.name.clone(), value);
    }
    Ok(Value::Object(out))
}

/// One page of the discovered account's media, chosen by the nested call's modifiers.
fn media(w: &mut World, ids: &[String], f: &Field) -> GraphResult<Value> {
    let params: BTreeMap<String, String> = ["limit", "after", "before"]
        .iter()
        .filter_map(|k| f.modifier(k).map(|v| ((*k).to_owned(), v.to_owned())))
        .collect();
    let window = paging::window(
        ids,
        &params,
        w.config.default_page_size,
        w.config.max_page_size,
    )?;
    let sub = f.sub.clone().unwrap_or_else(|| vec![Field::plain("id")]);
    let page = &ids[window.start..window.end];
    let mut data = Vec::with_capacity(page.len());
    for id in page {
        data.push(nodes::media(w, id, &sub)?);
    }
    let (Some(first), Some(last)) = (page.first(), page.last()) else {
        return Ok(json!({ "data": [] }));
    };
    // As the recorded answers: the first page carries only `after`, later ones both cursors.
    let mut cursors = Map::new();
    if window.start > 0 {
        cursors.insert("before".into(), json!(paging::cursor(window.start, first)));
    }
    cursors.insert("after".into(), json!(paging::cursor(window.end - 1, last)));
    Ok(json!({ "data": data, "paging": { "cursors": cursors } }))
}
