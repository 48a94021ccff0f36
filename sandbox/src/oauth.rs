//! Token endpoints of both logins: code exchanges, long-lived exchange, refresh, `debug_token`
//! and revocation.

use chrono::Duration;
use serde_json::{json, Map, Value};

use super::access::Caller;
use super::credentials::check_token;
use super::error::{instagram_oauth_error, GraphError, GraphResult};
use super::graph::GraphReq;
use super::server::{Incoming, Reply, Shared};
use super::world::{later, Login, Revocation, TokenKind, World};

fn check_client(w: &World, req: &GraphReq<'_>) -> GraphResult<()> {
    match req.param("client_id") {
        Some(id) if id == w.app.id => {}
        Some(_) => {
            return Err(GraphError::oauth(
                101,
                "Error validating application. Invalid application ID.",
            ))
        }
        None => return Err(GraphError::oauth(101, "Missing client_id parameter.")),
    }
    check_secret(w, req)
}

fn check_secret(w: &World, req: &GraphReq<'_>) -> GraphResult<()> {
    match req.param("client_secret") {
        Some(s) if s == w.app.secret => Ok(()),
        Some(_) => Err(GraphError::oauth(1, "Error validating client secret.")),
        None => Err(GraphError::oauth(1, "Missing client_secret parameter.")),
    }
}

fn bearer(token: &str, expires_in: i64) -> Value {
    json!({ "access_token": token, "token_type": "bearer", "expires_in": expires_in })
}

/// `GET|POST {graph.facebook.com}/oauth/access_token`: code exchange, `fb_exchange_token`, or
/// `client_credentials`; the client credentials may also come as `Authorization: Basic`.
pub(crate) fn facebook_token(w: &mut World, req: &GraphReq<'_>) -> GraphResult<Value> {
    check_client(w, req)?;
    match req.param("grant_type") {
        Some("fb_exchange_token") => {
            let short = req
                .param("fb_exchange_token")
                .ok_or_else(|| GraphError::param_required("fb_exchange_token"))?;
            let caller = check_token(w, Login::Facebook, short)?;
            if caller.token.kind != TokenKind::User {
                return Err(GraphError::invalid_param(
                    "fb_exchange_token must be a user access token",
                ));
            }
            let long = w.mint_user_token(
                Login::Facebook,
                &caller.token.subject,
                caller.token.scopes.clone(),
                true,
            );
            Ok(bearer(&long.value, w.config.long_lived_seconds))
        }
        Some("client_credentials") => Ok(
            json!({ "access_token": format!("{}|{}", w.app.id, w.app.secret), "token_type": "bearer" }),
        ),
        Some(other) if other != "authorization_code" => Err(GraphError::invalid_param(format!(
            "Unsupported grant_type {other}"
        ))),
        _ => {
            let code = req
                .param("code")
                .ok_or_else(|| GraphError::param_required("code"))?;
            let ttl =
                Duration::try_seconds(w.config.facebook_code_ttl_seconds).unwrap_or(Duration::MAX);
            let now = w.now();
            let entry = w
                .codes
                .get(code)
                .filter(|c| c.login == Login::Facebook)
                .cloned()
                .ok_or_else(|| GraphError::oauth(100, "Invalid verification code format."))?;
            if entry.used {
                return Err(
                    GraphError::oauth(100, "This authorization code has been used.").subcode(36009),
                );
            }
            if now >= later(entry.created_at, ttl) {
                return Err(
                    GraphError::oauth(100, "This authorization code has expired.").subcode(36007),
                );
            }
            if req.param("redirect_uri") != Some(entry.redirect_uri.as_str()) {
                return Err(GraphError::oauth(
                    100,
                    "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request",
                )
                .subcode(36008));
            }
            if let Some(c) = w.codes.get_mut(code) {
                c.used = true;
            }
            let token = w.mint_user_token(Login::Facebook, &entry.user, entry.scopes, false);
            Ok(bearer(&token.value, w.config.facebook_short_lived_seconds))
        }
    }
}

/// `POST {api.instagram.com}/oauth/access_token` (GET too), answering in Instagram's OAuth
/// error shape. Parameters come from the query or the body, the client credentials also from
/// `Authorization: Basic` (see the `incoming` module).
pub(crate) fn instagram_api(shared: &Shared, inc: &Incoming) -> Reply {
    if inc.segments != ["oauth", "access_token"] {
        return Reply::json(404, instagram_oauth_error("Unsupported request"));
    }
    // Meta documents POST; OAuth 2 clients also send GET, and the sandbox takes both.
    if !matches!(inc.method.as_str(), "POST" | "GET") {
        return Reply::json(
            400,
            instagram_oauth_error("Invalid request: Request type not supported"),
        );
    }
    let mut w = shared.lock();
    match instagram_code_exchange(&mut w, inc) {
        Ok(v) => Reply::json(200, v),
        Err(msg) => Reply::json(400, instagram_oauth_error(&msg)),
    }
}

fn instagram_code_exchange(w: &mut World, inc: &Incoming) -> Result<Value, String> {
    let field = |k: &str| {
        inc.param(k)
            .filter(|v| !v.is_empty())
            .ok_or(format!("Missing required field {k}"))
    };
    if field("client_id")? != w.app.id {
        return Err("Invalid platform app".to_owned());
    }
    if field("client_secret")? != w.app.secret {
        return Err("Error validating client secret.".to_owned());
    }
    let grant = field("grant_type")?;
    if grant != "authorization_code" {
        return Err(format!("Unsupported grant_type: {grant}"));
    }
    let redirect_uri = field("redirect_uri")?;
    let code = field("code")?;
    let not_found = || "Matching code was not found or was already used".to_owned();
    let ttl = Duration::try_seconds(w.config.instagram_code_ttl_seconds).unwrap_or(Duration::MAX);
    let now = w.now();
    let entry = w
        .codes
        .get(code)
        .filter(|c| c.login == Login::Instagram && !c.used && now < later(c.created_at, ttl))
        .cloned()
        .ok_or_else(not_found)?;
    if entry.redirect_uri != redirect_uri {
        return Err("Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request".to_owned());
    }
    if let Some(c) = w.codes.get_mut(code) {
        c.used = true;
    }
    let token = w.mint_user_token(Login::Instagram, &entry.user, entry.scopes.clone(), false);
    let user_id = if w.config.instagram_user_id_as_number {
        entry
            .user
            .parse::<u64>()
            .map(Value::from)
            .unwrap_or_else(|_| json!(entry.user))
    } else {
        json!(entry.user)
    };
    let item = json!({ "access_token": token.value, "user_id": user_id, "permissions": entry.scopes.join(",") });
    Ok(match w.config.instagram_token_shape {
        super::config::InstagramTokenShape::Flat => item,
        super::config::InstagramTokenShape::Nested => json!({ "data": [item] }),
    })
}

/// `GET {graph.instagram.com}/access_token?grant_type=ig_exchange_token&client_secret&access_token`.
pub(crate) fn instagram_exchange(w: &mut World, req: &GraphReq<'_>) -> GraphResult<Value> {
    if req.param("grant_type") != Some("ig_exchange_token") {
        return Err(GraphError::invalid_param(
            "grant_type must be ig_exchange_token",
        ));
    }
    check_secret(w, req)?;
    let token = req
        .token
        .as_deref()
        .ok_or_else(GraphError::token_required)?;
    let caller = check_token(w, Login::Instagram, token)?;
    let long = w.mint_user_token(
        Login::Instagram,
        &caller.token.subject,
        caller.token.scopes.clone(),
        true,
    );
    Ok(bearer(&long.value, w.config.long_lived_seconds))
}

/// `GET {graph.instagram.com}/refresh_access_token?grant_type=ig_refresh_token&access_token`:
/// only long-lived tokens at least 24 hours old (by the sandbox clock) and unexpired.
pub(crate) fn instagram_refresh(w: &mut World, req: &GraphReq<'_>) -> GraphResult<Value> {
    if req.param("grant_type") != Some("ig_refresh_token") {
        return Err(GraphError::invalid_param(
            "grant_type must be ig_refresh_token",
        ));
    }
    let token = req
        .token
        .as_deref()
        .ok_or_else(GraphError::token_required)?;
    let caller = check_token(w, Login::Instagram, token)?;
    if !caller.token.long_lived {
        return Err(GraphError::invalid_param(
            "Only long-lived access tokens can be refreshed",
        ));
    }
    if w.now() < caller.token.issued_at + Duration::hours(24) {
        return Err(GraphError::invalid_param(
            "The access token must be at least 24 hours old to be refreshed",
        ));
    }
    let fresh = w.mint_user_token(
        Login::Instagram,
        &caller.token.subject,
        caller.token.scopes.clone(),
        true,
    );
    Ok(bearer(&fresh.value, w.config.long_lived_seconds))
}

/// `GET /debug_token?input_token=…`.
pub(crate) fn debug_token(w: &mut World, req: &GraphReq<'_>) -> GraphResult<Value> {
    let input = req
        .param("input_token")
        .ok_or_else(|| GraphError::param_required("input_token"))?;
    let Some(token) = w.tokens.get(input).cloned() else {
        return Ok(json!({ "data": {
            "error": { "code": 190, "message": "Invalid OAuth access token." },
            "is_valid": false,
            "scopes": [],
        }}));
    };
    let mut d = Map::new();
    d.insert("app_id".into(), json!(w.app.id));
    d.insert(
        "type".into(),
        json!(if token.kind == TokenKind::Page {
            "PAGE"
        } else {
            "USER"
        }),
    );
    d.insert("application".into(), json!(w.app.name));
    d.insert(
        "data_access_expires_at".into(),
        json!((token.issued_at + Duration::days(90)).timestamp()),
    );
    d.insert(
        "expires_at".into(),
        json!(token.expires_at.map_or(0, |t| t.timestamp())),
    );
    d.insert("issued_at".into(), json!(token.issued_at.timestamp()));
    d.insert("scopes".into(), json!(token.scopes));
    let caller = Caller {
        token: token.clone(),
    };
    let granular: Vec<Value> = token
        .scopes
        .iter()
        .map(|s| {
            let targets = if s.starts_with("pages_") {
                Some(caller.pages(w))
            } else if s.starts_with("instagram_") {
                Some(caller.ig_accounts(w))
            } else if s == "business_management" {
                Some(caller.businesses(w))
            } else {
                None
            };
            match targets {
                Some(t) => json!({ "scope": s, "target_ids": t }),
                None => json!({ "scope": s }),
            }
        })
        .collect();
    d.insert("granular_scopes".into(), json!(granular));
    d.insert("user_id".into(), json!(token.subject));
    if let Some(page) = &token.page_id {
        d.insert("profile_id".into(), json!(page));
    }
    let validity = check_token(w, token.login, input);
    let valid = validity.is_ok();
    d.insert("is_valid".into(), json!(valid));
    if let Err(e) = validity {
        let mut err = Map::new();
        err.insert("code".into(), json!(e.code));
        err.insert("message".into(), json!(e.message));
        if let Some(s) = e.subcode {
            err.insert("subcode".into(), json!(s));
        }
        d.insert("error".into(), Value::Object(err));
    }
    Ok(json!({ "data": Value::Object(d) }))
}

/// Revokes one token (and, for a user token, the Page tokens derived from it).
pub(crate) fn revoke(w: &mut World, token: &str) -> bool {
    let Some(t) = w.tokens.get_mut(token) else {
        return false;
    };
    t.revoked = Some(Revocation::SessionInvalidated);
    let derived: Vec<String> = w
        .page_tokens
        .iter()
        .filter(|((user, _), _)| user == token)
        .map(|(_, page)| page.clone())
        .collect();
    for d in derived {
        if let Some(t) = w.tokens.get_mut(&d) {
            t.revoked = Some(Revocation::SessionInvalidated);
        }
    }
    true
}
