//! `/__sandbox/*`: the control endpoints tests and scripts use (no token needed).
//!
//! `GET|POST /config` (the latter merges a partial config), `GET|POST /faults`,
//! `GET|POST /clock` (`{"advance_seconds":N}`), `POST /tokens`, `POST /revoke`,
//! `GET /stats` (call counts by endpoint kind) and `DELETE /stats` or `POST /stats/reset`.

use chrono::Duration;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::config::{Faults, SandboxConfig};
use super::dialog::{all_scopes, FACEBOOK_SCOPES, INSTAGRAM_SCOPES};
use super::oauth::revoke;
use super::publish::markers;
use super::server::{hosts, Incoming, Reply, Shared};
use super::stats;
use super::world::{Login, TokenKind, World};

/// A request to mint a token without the consent dance (`POST /__sandbox/tokens`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TokenRequest {
    /// A seeded Facebook user id (`login: facebook`) or IG account id (`login: instagram`).
    pub user_id: String,
    /// Which login the token belongs to.
    #[serde(default = "default_login")]
    pub login: Login,
    /// A long-lived (60-day) token instead of a short-lived one.
    #[serde(default)]
    pub long_lived: bool,
    /// Granted scopes; `None` grants every scope of the login.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    /// Mint a Page token for this Page instead (Facebook users who can act on the Page).
    #[serde(default)]
    pub page_id: Option<String>,
}

fn default_login() -> Login {
    Login::Facebook
}

/// A minted token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IssuedToken {
    /// The token.
    pub access_token: String,
    /// Always `"bearer"`.
    pub token_type: String,
    /// Seconds until it expires; `None` for a Page token that never expires.
    pub expires_in: Option<i64>,
}

/// Mints a token for a seeded user (shared by the HTTP endpoint and `Sandbox::issue_token`).
pub(crate) fn issue_token(w: &mut World, req: &TokenRequest) -> Result<IssuedToken, String> {
    let known = match req.login {
        Login::Facebook => w.users.contains_key(&req.user_id),
        Login::Instagram => w.ig_accounts.contains_key(&req.user_id),
    };
    if !known {
        return Err(format!("unknown {:?} user {}", req.login, req.user_id));
    }
    let scopes = req.scopes.clone().unwrap_or_else(|| all_scopes(req.login));
    let allowed = match req.login {
        Login::Facebook => FACEBOOK_SCOPES,
        Login::Instagram => INSTAGRAM_SCOPES,
    };
    if let Some(bad) = scopes.iter().find(|s| !allowed.contains(&s.as_str())) {
        return Err(format!(
            "scope {bad} does not belong to {:?} Login",
            req.login
        ));
    }
    let user = w.mint_user_token(req.login, &req.user_id, scopes, req.long_lived);
    let token = match &req.page_id {
        None => user,
        Some(page) => {
            if req.login != Login::Facebook {
                return Err("page_id needs login facebook".to_owned());
            }
            let caller = super::access::Caller {
                token: user.clone(),
            };
            if !caller.pages(w).contains(page) {
                return Err(format!("user {} cannot act on Page {page}", req.user_id));
            }
            let value = w.page_token_for(&user, page);
            w.tokens.get(&value).cloned().ok_or("page token vanished")?
        }
    };
    Ok(IssuedToken {
        expires_in: token
            .expires_at
            .map(|t| (t - token.issued_at).num_seconds()),
        access_token: token.value,
        token_type: "bearer".to_owned(),
    })
}

fn bad_request(message: impl Into<String>) -> Reply {
    Reply::json(
        400,
        json!({ "error": { "message": message.into(), "type": "SandboxException", "code": 400 } }),
    )
}

fn parse_body<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<T, Reply> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|e| bad_request(format!("invalid JSON body: {e}")))
}

pub(crate) fn handle(shared: &Shared, inc: &Incoming, body: &[u8]) -> Reply {
    let path: Vec<&str> = inc.segments.iter().map(String::as_str).collect();
    let mut w = shared.lock();
    let result = match (inc.method.as_str(), path.as_slice()) {
        ("GET", ["config"]) => Ok(describe(&w, &shared.base_url)),
        ("POST", ["config"]) => {
            update_config(&mut w, body).map(|()| describe(&w, &shared.base_url))
        }
        ("GET", ["faults"]) => Ok(json!(w.faults)),
        ("POST", ["faults"]) => parse_body::<Faults>(body).map(|f| {
            w.reseed_faults(f);
            json!(w.faults)
        }),
        ("GET", ["stats"]) => Ok(stats::describe(&w)),
        ("DELETE", ["stats"]) | ("POST", ["stats", "reset"]) => {
            w.calls.clear();
            Ok(stats::describe(&w))
        }
        ("GET", ["clock"]) => Ok(clock(&w)),
        ("POST", ["clock"]) => parse_body::<Value>(body).and_then(|v| {
            let secs = v
                .get("advance_seconds")
                .and_then(Value::as_i64)
                .ok_or_else(|| bad_request("advance_seconds (integer) is required"))?;
            let by = Duration::try_seconds(secs)
                .ok_or_else(|| bad_request("advance_seconds is out of range"))?;
            let offset = w
                .clock_offset
                .checked_add(&by)
                .filter(|o| sane_offset(*o))
                .ok_or_else(|| bad_request("advance_seconds is out of range"))?;
            w.clock_offset = offset;
            Ok(clock(&w))
        }),
        ("POST", ["tokens"]) => parse_body::<TokenRequest>(body)
            .and_then(|r| issue_token(&mut w, &r).map_err(bad_request))
            .map(|t| json!(t)),
        ("POST", ["live"]) => parse_body::<Value>(body).and_then(|v| {
            let ig = v
                .get("ig_user_id")
                .and_then(Value::as_str)
                .ok_or_else(|| bad_request("ig_user_id is required"))?;
            let live = v.get("live").and_then(Value::as_bool).unwrap_or(true);
            super::live::set_live(&mut w, ig, live).map_err(bad_request)
        }),
        ("POST", ["revoke"]) => parse_body::<Value>(body).and_then(|v| {
            let t = v
                .get("access_token")
                .and_then(Value::as_str)
                .ok_or_else(|| bad_request("access_token is required"))?;
            if revoke(&mut w, t) {
                Ok(json!({ "success": true }))
            } else {
                Err(bad_request("unknown access_token"))
            }
        }),
        _ => Err(Reply::json(
            404,
            json!({ "error": { "message": format!("Unknown control endpoint {}", inc.path), "type": "SandboxException", "code": 404 } }),
        )),
    };
    match result {
        Ok(v) => Reply::json(200, v),
        Err(r) => r,
    }
}

/// Whether the sandbox clock stays between the years 2000 and 9000 with this offset, so date
/// arithmetic anywhere in the sandbox cannot overflow.
pub(crate) fn sane_offset(offset: Duration) -> bool {
    use chrono::Datelike;
    chrono::Utc::now()
        .checked_add_signed(offset)
        .is_some_and(|t| (2000..=9000).contains(&t.year()))
}

fn clock(w: &World) -> Value {
    json!({ "now": w.now().to_rfc3339(), "offset_seconds": w.clock_offset.num_seconds() })
}

/// Merges a partial config. The app id and secret are fixed for the life of a sandbox.
fn update_config(w: &mut World, body: &[u8]) -> Result<(), Reply> {
    let patch: Value = parse_body(body)?;
    let Value::Object(patch) = patch else {
        return Err(bad_request("expected a JSON object"));
    };
    let mut current = serde_json::to_value(&w.config).map_err(|e| bad_request(e.to_string()))?;
    if let Value::Object(cur) = &mut current {
        for (k, v) in patch {
            if !cur.contains_key(&k) {
                return Err(bad_request(format!("unknown config field {k}")));
            }
            cur.insert(k, v);
        }
    }
    let next: SandboxConfig =
        serde_json::from_value(current).map_err(|e| bad_request(format!("invalid config: {e}")))?;
    if next.app_id != w.config.app_id
        || (next.app_secret.is_some() && next.app_secret.as_deref() != Some(w.app.secret.as_str()))
    {
        return Err(bad_request(
            "app_id and app_secret are fixed when the sandbox starts",
        ));
    }
    w.config = next;
    Ok(())
}

/// `GET /__sandbox/config`.
pub(crate) fn describe(w: &World, base: &str) -> Value {
    let mut users: Vec<Value> = w
        .users
        .values()
        .map(|u| json!({ "id": u.id, "name": u.name, "email": u.email, "kind": "facebook" }))
        .collect();
    users.extend(w.ig_accounts.values().filter(|a| a.instagram_login).map(
        |a| json!({ "id": a.id, "name": a.name, "username": a.username, "kind": "instagram" }),
    ));
    let accounts: Vec<Value> = w
        .ig_accounts
        .values()
        .map(|a| json!({
            "id": a.id, "username": a.username, "name": a.name, "account_type": a.account_type,
            "page_id": a.page_id, "instagram_login": a.instagram_login, "media_count": a.media.len(),
        }))
        .collect();
    let pages: Vec<Value> = w
        .pages
        .values()
        .map(|p| json!({ "id": p.id, "name": p.name, "instagram_business_account": p.ig_account, "managers": p.managers }))
        .collect();
    let businesses: Vec<Value> = w
        .businesses
        .values()
        .map(|b| {
            json!({
                "id": b.id, "name": b.name, "members": b.members, "owned_pages": b.owned_pages,
                "client_pages": b.client_pages, "owned_instagram_accounts": b.owned_ig,
                "client_instagram_accounts": b.client_ig,
            })
        })
        .collect();
    let tokens = w
        .tokens
        .values()
        .filter(|t| t.kind == TokenKind::User)
        .count();
    json!({
        "base_url": base,
        "hosts": {
            "graph_facebook": format!("{base}/{}", hosts::GRAPH_FACEBOOK),
            "graph_instagram": format!("{base}/{}", hosts::GRAPH_INSTAGRAM),
            "facebook_dialog": format!("{base}/{}", hosts::FACEBOOK_DIALOG),
            "instagram_authorize": format!("{base}/{}", hosts::INSTAGRAM_AUTHORIZE),
            "instagram_api": format!("{base}/{}", hosts::INSTAGRAM_API),
            "rupload": format!("{base}/{}", hosts::RUPLOAD),
        },
        "app": { "id": w.app.id, "secret": w.app.secret, "name": w.app.name },
        "users": users,
        "instagram_accounts": accounts,
        "pages": pages,
        "businesses": businesses,
        "config": w.config,
        "faults": w.faults,
        "clock": clock(w),
        "user_tokens_issued": tokens,
        "media_url_markers": markers::table(),
        "engagement": w.engage.seed_summary,
        "webhook": w.engage.webhook.as_ref().map(|h| h.callback_url.clone()),
        "errors": engagement_errors(),
    })
}

/// The error codes the sandbox chose where Meta documents a rule but not its error.
fn engagement_errors() -> Value {
    json!({
        "hashtag_budget": { "code": super::hashtags::BUDGET_CODE, "rule": "30 unique hashtags per account per rolling 7 days (hashtag_budget)" },
        "messaging_window": { "code": 10, "error_subcode": 2534022, "rule": "24 h after the person's last message; 7 days with tag HUMAN_AGENT" },
        "private_reply_too_old": { "code": 10, "error_subcode": 2534022, "rule": "private replies within 7 days of the comment" },
        "private_reply_duplicate": { "code": 10900, "rule": "one private reply per comment" },
        "message_too_old": { "code": 100, "error_subcode": 33, "rule": "only the 20 newest messages of a conversation are readable" },
        "message_too_long": { "code": 100, "rule": "text at most 1000 UTF-8 bytes" },
        "unknown_recipient": { "code": 100, "error_subcode": 2018001 },
        "story_few_viewers": { "code": 10, "rule": "story insights need 5 viewers" },
        "story_expired": { "code": 10, "rule": "story insights only within 24 h" },
        "insights_range": { "code": 100, "rule": "since/until at most 30 days apart" },
        "removed_metric": { "code": 100 },
        "comment_not_owner": { "code": 200, "rule": "hide/delete need the media owner's token" },
        "reply_to_hidden": { "code": 100 },
        "comments_disabled": { "code": 100 },
        "batch_too_large": { "code": 100, "rule": "at most 50 operations" },
        "instagram_batch": { "code": 100, "rule": "unless instagram_batch is set" },
    })
}
