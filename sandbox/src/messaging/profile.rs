//! The Messenger Profile (`GET|POST|DELETE /{ig-id|page-id|me}/messenger_profile`: ice
//! breakers and persistent menu, per account and platform) and the User Profile API
//! (`GET /{igsid}`).
//!
//! - `POST` takes `ice_breakers` and/or `persistent_menu` (JSON text in a form, or JSON) and
//!   answers `{"result":"success"}`; the values are kept and read back by `GET ?fields=`.
//!   Ice breakers come in the localized form (`[{"call_to_actions":[{question,payload}],
//!   "locale"}]`, `default` required) or the older one (`[{question,payload}]`); at most 4
//!   questions per locale. The menu: `[{"locale","call_to_actions":[…]}]`, `default` required,
//!   at most 20 `web_url`/`postback` items of at most 30 characters per locale. Breaking a
//!   limit answers code 100.
//! - `GET ?fields=ice_breakers` answers `{"data":[…the locales…]}` (Instagram's documented
//!   shape); other fields answer `{"data":[{"<field>":[…]}]}`; nothing set: `{"data":[]}`.
//! - `DELETE` with `fields` (`["ice_breakers"]` or a comma list) removes them.
//! - `GET /{igsid}` answers the person's profile once they have consented (sent the account a
//!   message or a postback); a person who only commented gets code 230 "User consent is
//!   required to access user profile" (the code is the sandbox's choice).

use serde_json::{json, Map, Value};

use super::super::access::{Caller, NodeKind};
use super::super::engage::messages_scope;
use super::super::error::{GraphError, GraphResult};
use super::super::fields;
use super::super::graph::GraphReq;
use super::super::world::World;
use super::account_of;

const ICE_BREAKERS: &str = "ice_breakers";
const PERSISTENT_MENU: &str = "persistent_menu";
const PROPERTIES: [&str; 2] = [ICE_BREAKERS, PERSISTENT_MENU];
const MAX_QUESTIONS: usize = 4;
const MAX_MENU_ITEMS: usize = 20;
const MAX_MENU_TITLE: usize = 30;

/// Which profile: the account and the platform (`instagram` unless a Page asks without one).
fn profile_key(req: &GraphReq<'_>, kind: NodeKind, ig: &str) -> String {
    let platform = req
        .param("platform")
        .filter(|p| !p.is_empty())
        .map(str::to_ascii_lowercase)
        .unwrap_or_else(|| match kind {
            NodeKind::Page => "messenger".to_owned(),
            _ => "instagram".to_owned(),
        });
    format!("{ig}:{platform}")
}

/// `GET|POST|DELETE /{ig-id|page-id|me}/messenger_profile`.
pub(crate) fn messenger_profile(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    kind: NodeKind,
    id: &str,
) -> GraphResult<Value> {
    caller.require(messages_scope(caller), 10)?;
    let ig = account_of(w, caller, kind, id)?;
    let key = profile_key(req, kind, &ig);
    match req.method() {
        "GET" => {
            let wanted = fields::parse(
                req.param("fields")
                    .filter(|f| !f.trim().is_empty())
                    .ok_or_else(|| GraphError::param_required("fields"))?,
            )?;
            let stored = w.engage.messenger_profiles.get(&key);
            let mut out = Map::new();
            for f in &wanted {
                if !PROPERTIES.contains(&f.name.as_str()) {
                    return Err(GraphError::invalid_param(format!(
                        "Param fields[{}] must be one of {{{}}}",
                        f.name,
                        PROPERTIES.join(", ")
                    )));
                }
                if let Some(v) = stored.and_then(|s| s.get(&f.name)) {
                    out.insert(f.name.clone(), v.clone());
                }
            }
            if out.is_empty() {
                return Ok(json!({ "data": [] }));
            }
            if wanted.len() == 1 && wanted[0].name == ICE_BREAKERS {
                return Ok(json!({ "data": out.remove(ICE_BREAKERS) }));
            }
            Ok(json!({ "data": [Value::Object(out)] }))
        }
        "POST" => {
            let mut set = Map::new();
            if let Some(v) = array_param(req, ICE_BREAKERS)? {
                check_ice_breakers(&v)?;
                set.insert(ICE_BREAKERS.to_owned(), Value::Array(v));
            }
            if let Some(v) = array_param(req, PERSISTENT_MENU)? {
                check_menu(&v)?;
                set.insert(PERSISTENT_MENU.to_owned(), Value::Array(v));
            }
            if set.is_empty() {
                return Err(GraphError::invalid_param(
                    "Requires one of the params: ice_breakers, persistent_menu",
                ));
            }
            w.engage
                .messenger_profiles
                .entry(key)
                .or_default()
                .extend(set);
            Ok(json!({ "result": "success" }))
        }
        "DELETE" => {
            let raw = req
                .param("fields")
                .filter(|f| !f.trim().is_empty())
                .ok_or_else(|| GraphError::param_required("fields"))?;
            let names: Vec<String> = match serde_json::from_str::<Vec<String>>(raw) {
                Ok(list) => list,
                Err(_) => raw.split(',').map(|s| s.trim().to_owned()).collect(),
            };
            for n in &names {
                if !PROPERTIES.contains(&n.as_str()) {
                    return Err(GraphError::invalid_param(format!(
                        "Param fields must be one of {{{}}} - got \"{n}\"",
                        PROPERTIES.join(", ")
                    )));
                }
            }
            if let Some(p) = w.engage.messenger_profiles.get_mut(&key) {
                for n in &names {
                    p.remove(n);
                }
            }
            Ok(json!({ "result": "success" }))
        }
        other => Err(GraphError::unsupported(other, id)),
    }
}

/// A JSON array parameter (JSON text in a form or a JSON body).
fn array_param(req: &GraphReq<'_>, name: &str) -> GraphResult<Option<Vec<Value>>> {
    let Some(raw) = req.param(name).filter(|s| !s.trim().is_empty()) else {
        return Ok(None);
    };
    match serde_json::from_str::<Value>(raw) {
        Ok(Value::Array(items)) => Ok(Some(items)),
        _ => Err(GraphError::invalid_param(format!(
            "Param {name} must be an array"
        ))),
    }
}

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// The locales of a localized list: `default` among them, each once.
fn check_locales(name: &str, items: &[Value]) -> GraphResult<()> {
    let mut seen: Vec<&str> = Vec::new();
    for item in items {
        let locale = str_field(item, "locale")
            .ok_or_else(|| GraphError::param_required(&format!("{name}[locale]")))?;
        if seen.contains(&locale) {
            return Err(GraphError::invalid_param(format!(
                "{name}: locale {locale} is given more than once"
            )));
        }
        seen.push(locale);
    }
    if !seen.contains(&"default") {
        return Err(GraphError::invalid_param(format!(
            "{name} must include the \"default\" locale"
        )));
    }
    Ok(())
}

fn check_questions(questions: &[Value]) -> GraphResult<()> {
    if questions.len() > MAX_QUESTIONS {
        return Err(GraphError::invalid_param(format!(
            "A maximum of {MAX_QUESTIONS} ice breakers can be set; got {}",
            questions.len()
        )));
    }
    for q in questions {
        if str_field(q, "question").is_none() || str_field(q, "payload").is_none() {
            return Err(GraphError::invalid_param(
                "Each ice breaker needs a question and a payload",
            ));
        }
    }
    Ok(())
}

fn check_ice_breakers(items: &[Value]) -> GraphResult<()> {
    let localized = items.iter().any(|i| i.get("call_to_actions").is_some());
    if !localized {
        return check_questions(items);
    }
    if items.iter().any(|i| i.get("call_to_actions").is_none()) {
        return Err(GraphError::invalid_param(
            "ice_breakers: one request can use the localized format or the older one, not both",
        ));
    }
    check_locales(ICE_BREAKERS, items)?;
    for item in items {
        let questions = item
            .get("call_to_actions")
            .and_then(Value::as_array)
            .ok_or_else(|| GraphError::invalid_param("call_to_actions must be an array"))?;
        check_questions(questions)?;
    }
    Ok(())
}

fn check_menu(items: &[Value]) -> GraphResult<()> {
    check_locales(PERSISTENT_MENU, items)?;
    for item in items {
        let buttons = item
            .get("call_to_actions")
            .and_then(Value::as_array)
            .ok_or_else(|| GraphError::param_required("persistent_menu[call_to_actions]"))?;
        if buttons.len() > MAX_MENU_ITEMS {
            return Err(GraphError::invalid_param(format!(
                "persistent_menu: at most {MAX_MENU_ITEMS} call_to_actions per locale; got {}",
                buttons.len()
            )));
        }
        for b in buttons {
            check_button(b, MAX_MENU_TITLE)?;
        }
    }
    Ok(())
}

/// A `web_url` or `postback` button, its title at most `max_title` characters.
pub(crate) fn check_button(b: &Value, max_title: usize) -> GraphResult<()> {
    let title = str_field(b, "title").ok_or_else(|| GraphError::param_required("title"))?;
    if title.chars().count() > max_title {
        return Err(GraphError::invalid_param(format!(
            "Button title has {} characters; the limit is {max_title}",
            title.chars().count()
        )));
    }
    match str_field(b, "type") {
        Some("web_url") => {
            let url = str_field(b, "url").unwrap_or_default();
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(GraphError::invalid_param(
                    "A web_url button needs an http(s) url",
                ));
            }
        }
        Some("postback") => {
            if str_field(b, "payload").is_none() {
                return Err(GraphError::param_required("payload"));
            }
        }
        other => {
            return Err(GraphError::invalid_param(format!(
                "Button type must be web_url or postback (got {})",
                other.unwrap_or("nothing")
            )))
        }
    }
    Ok(())
}

/// A number derived from an id, for the profile fields the sandbox has no data for.
fn spread(id: &str) -> u64 {
    id.bytes()
        .fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
}

/// `GET /{igsid}`: `None` when `id` is nobody the caller's accounts know (the caller answers
/// "unsupported get").
pub(crate) fn user_profile(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    id: &str,
) -> Option<GraphResult<Value>> {
    let reachable = caller.ig_accounts(w);
    let conv = w
        .engage
        .conversations
        .values()
        .filter(|c| c.user_id == id && reachable.contains(&c.ig))
        .max_by_key(|c| c.last_user_message)
        .cloned();
    let commenter = || {
        w.engage.comments.values().any(|c| {
            c.from_id == id
                && w.media
                    .get(&c.media)
                    .is_some_and(|m| reachable.contains(&m.owner))
        })
    };
    if conv.is_none() && !commenter() {
        return None;
    }
    Some((|| {
        caller.require(messages_scope(caller), 10)?;
        let conv = conv
            .filter(|c| c.last_user_message.is_some())
            .ok_or_else(no_consent)?;
        let wanted = req.fields("name,profile_pic")?;
        let h = spread(id);
        let mut out = Map::new();
        for f in &wanted {
            let v = match f.name.as_str() {
                "id" => json!(id),
                "name" => json!(format!("Sandbox {}", conv.username)),
                "username" => json!(conv.username),
                "profile_pic" => json!(format!(
                    "https://lookaside.sandbox.fbsbx.invalid/profile/{id}.jpg"
                )),
                "follower_count" => json!(h % 5000),
                "is_user_follow_business" => json!(h % 2 == 0),
                "is_business_follow_user" => json!(h % 3 == 0),
                "is_verified_user" => json!(false),
                other => return Err(GraphError::nonexisting_field(other, "InstagramUserProfile")),
            };
            out.insert(f.name.clone(), v);
        }
        out.insert("id".to_owned(), json!(id));
        Ok(Value::Object(out))
    })())
}

fn no_consent() -> GraphError {
    GraphError::oauth(
        230,
        "(#230) User consent is required to access user profile",
    )
}
