//! The consent dialogs of both logins (www.facebook.com, www.instagram.com): validation, the
//! HTML page, the `sandbox_user`/`sandbox_approve` shortcut, and the redirects with a code (or,
//! for Facebook Login's `response_type=token`, a token in the fragment; `granted_scopes` on
//! request) or Meta's `error=access_denied` triple. Unknown scopes get Meta's "Invalid Scopes"
//! page, which Meta shows to the app's developers and testers (the people who use a sandbox).

use super::html::{consent_page, error_page, Consent};
use super::server::{Incoming, Reply, Shared};
use super::world::Login;

/// Scopes the Facebook Login dialog knows.
pub(crate) const FACEBOOK_SCOPES: &[&str] = &[
    "public_profile",
    "email",
    "pages_show_list",
    "pages_read_engagement",
    "pages_manage_metadata",
    "pages_manage_posts",
    "pages_manage_engagement",
    "pages_read_user_content",
    "pages_messaging",
    "business_management",
    "instagram_basic",
    "instagram_content_publish",
    "instagram_manage_comments",
    "instagram_manage_insights",
    "instagram_manage_messages",
    "instagram_manage_contents",
    "instagram_shopping_tag_products",
    "instagram_branded_content_brand",
    "instagram_branded_content_creator",
    "instagram_branded_content_ads_brand",
    "read_insights",
    "ads_management",
    "ads_read",
    "catalog_management",
];

/// Scopes of Instagram Login.
pub(crate) const INSTAGRAM_SCOPES: &[&str] = &[
    "instagram_business_basic",
    "instagram_business_content_publish",
    "instagram_business_manage_comments",
    "instagram_business_manage_messages",
    "instagram_business_manage_insights",
];

/// Instagram Login's pre-2025 scope names, still accepted and mapped to the current ones.
fn instagram_alias(scope: &str) -> &str {
    match scope {
        "business_basic" => "instagram_business_basic",
        "business_content_publish" => "instagram_business_content_publish",
        "business_manage_comments" => "instagram_business_manage_comments",
        "business_manage_messages" => "instagram_business_manage_messages",
        "business_manage_insights" => "instagram_business_manage_insights",
        other => other,
    }
}

/// Every scope a login can grant (what `POST /__sandbox/tokens` grants by default).
pub(crate) fn all_scopes(login: Login) -> Vec<String> {
    let list = match login {
        Login::Facebook => FACEBOOK_SCOPES,
        Login::Instagram => INSTAGRAM_SCOPES,
    };
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn split_scopes(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in raw
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        if !out.iter().any(|x| x == s) {
            out.push(s.to_owned());
        }
    }
    out
}

fn dialog_error(message: &str) -> Reply {
    Reply::Html {
        status: 400,
        body: error_page("Sorry, something went wrong", message),
    }
}

/// Where the answer of a dialog goes on the redirect URI.
enum Carry<'a> {
    /// In the query, with an optional fixed fragment (Instagram's `#_`).
    Query(Option<&'a str>),
    /// In the fragment (Facebook Login's `response_type=token`).
    Fragment,
}

/// Adds `pairs` to the redirect URI as `carry` says.
fn redirect_with(redirect_uri: &str, pairs: &[(&str, &str)], carry: Carry<'_>) -> Reply {
    match url::Url::parse(redirect_uri) {
        Ok(mut url) => {
            match carry {
                Carry::Query(fragment) => {
                    url.query_pairs_mut().extend_pairs(pairs);
                    url.set_fragment(fragment);
                }
                Carry::Fragment => {
                    let text = url::form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(pairs)
                        .finish();
                    url.set_fragment(Some(&text));
                }
            }
            Reply::Redirect {
                location: url.to_string(),
            }
        }
        Err(_) => dialog_error("The redirect_uri is not a valid URL."),
    }
}

/// What the redirect carries, from `response_type`.
struct ResponseType {
    code: bool,
    token: bool,
    granted_scopes: bool,
}

impl ResponseType {
    /// Facebook Login takes `code` (the default), `token`, `code token`, each optionally with
    /// `granted_scopes` (space- or comma-separated); Instagram Login takes `code` only.
    /// `None` for anything else.
    fn parse(login: Login, raw: Option<&str>) -> Option<Self> {
        let mut r = ResponseType {
            code: false,
            token: false,
            granted_scopes: false,
        };
        for part in raw
            .unwrap_or("code")
            .split([' ', ',', '+'])
            .filter(|s| !s.is_empty())
        {
            match (login, part) {
                (_, "code") => r.code = true,
                (Login::Facebook, "token") => r.token = true,
                (Login::Facebook, "granted_scopes") => r.granted_scopes = true,
                _ => return None,
            }
        }
        if !r.token {
            r.code = true;
        }
        Some(r)
    }
}

/// `GET|POST {www.facebook.com}/vXX/dialog/oauth`.
pub(crate) fn facebook_dialog(shared: &Shared, inc: &Incoming) -> Reply {
    let path: Vec<&str> = inc.segments.iter().map(String::as_str).collect();
    let tail = match path.as_slice() {
        [v, rest @ ..]
            if v.starts_with('v') && v[1..].chars().all(|c| c.is_ascii_digit() || c == '.') =>
        {
            rest
        }
        rest => rest,
    };
    if tail != ["dialog", "oauth"] {
        return Reply::Html {
            status: 404,
            body: error_page(
                "Page not found",
                "The sandbox serves /dialog/oauth on this host.",
            ),
        };
    }
    dialog(shared, inc, Login::Facebook)
}

/// `GET|POST {www.instagram.com}/oauth/authorize`.
pub(crate) fn instagram_authorize(shared: &Shared, inc: &Incoming) -> Reply {
    if inc.segments != ["oauth", "authorize"] {
        return Reply::Html {
            status: 404,
            body: error_page(
                "Page not found",
                "The sandbox serves /oauth/authorize on this host.",
            ),
        };
    }
    dialog(shared, inc, Login::Instagram)
}

fn dialog(shared: &Shared, inc: &Incoming, login: Login) -> Reply {
    let mut w = shared.lock();
    let p = |k: &str| inc.param(k).map(str::to_owned);
    if p("client_id").as_deref() != Some(w.app.id.as_str()) {
        return dialog_error(
            "Invalid App ID: The provided app ID does not look like a valid app ID.",
        );
    }
    let Some(redirect_uri) = p("redirect_uri").filter(|r| !r.is_empty()) else {
        return dialog_error("The parameter redirect_uri is required.");
    };
    let valid_url =
        url::Url::parse(&redirect_uri).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
    let allowed = w.config.allowed_redirect_uris.is_empty()
        || w.config
            .allowed_redirect_uris
            .iter()
            .any(|a| a == &redirect_uri);
    if !valid_url || !allowed {
        return dialog_error(
            "URL Blocked: This redirect failed because the redirect URI is not whitelisted in the app's Client OAuth Settings.",
        );
    }
    let Some(response) = ResponseType::parse(login, p("response_type").as_deref()) else {
        return dialog_error(match login {
            Login::Facebook => {
                "response_type must be code, token, code token, or any of them with granted_scopes."
            }
            Login::Instagram => "response_type must be code.",
        });
    };
    let mut scopes = split_scopes(&p("scope").unwrap_or_default());
    if login == Login::Instagram {
        scopes = scopes
            .iter()
            .map(|s| instagram_alias(s).to_owned())
            .collect();
    }
    let known = match login {
        Login::Facebook => FACEBOOK_SCOPES,
        Login::Instagram => INSTAGRAM_SCOPES,
    };
    let invalid: Vec<&str> = scopes
        .iter()
        .map(String::as_str)
        .filter(|s| !known.contains(s))
        .collect();
    if !invalid.is_empty() {
        return dialog_error(&format!(
            "Invalid Scopes: {}. This message is only shown to developers. Users of your app will ignore these permissions if present.",
            invalid.join(", ")
        ));
    }
    let implied = match login {
        Login::Facebook => "public_profile",
        Login::Instagram => "instagram_business_basic",
    };
    if !scopes.iter().any(|s| s == implied) {
        scopes.insert(0, implied.to_owned());
    }
    let state = p("state");
    let candidates: Vec<(String, String)> = match login {
        Login::Facebook => w
            .users
            .values()
            .map(|u| (u.id.clone(), u.name.clone()))
            .collect(),
        Login::Instagram => w
            .ig_accounts
            .values()
            .filter(|a| a.instagram_login)
            .map(|a| (a.id.clone(), format!("@{}", a.username)))
            .collect(),
    };
    match p("sandbox_approve").as_deref() {
        Some("0") => {
            let description = match login {
                Login::Facebook => "Permissions error",
                Login::Instagram => "The user denied your request.",
            };
            let mut pairs = vec![
                ("error", "access_denied"),
                ("error_reason", "user_denied"),
                ("error_description", description),
            ];
            if let Some(s) = &state {
                pairs.push(("state", s));
            }
            redirect_with(&redirect_uri, &pairs, Carry::Query(None))
        }
        Some("1") => {
            let wanted = p("sandbox_user").unwrap_or_default();
            let user = match login {
                Login::Facebook => candidates
                    .iter()
                    .find(|(id, _)| *id == wanted)
                    .map(|(id, _)| id.clone()),
                Login::Instagram => w
                    .ig_accounts
                    .values()
                    .find(|a| a.instagram_login && (a.id == wanted || a.username == wanted))
                    .map(|a| a.id.clone()),
            };
            let Some(user) = user else {
                return dialog_error(&format!(
                    "Unknown sandbox_user '{wanted}': pick one of the seeded users."
                ));
            };
            let mut pairs: Vec<(&str, String)> = Vec::new();
            if response.code {
                let code = w.new_code(login, &user, scopes.clone(), &redirect_uri);
                pairs.push(("code", code));
            }
            if response.token {
                let token = w.mint_user_token(login, &user, scopes.clone(), false);
                let expires_in = token
                    .expires_at
                    .map_or(0, |t| (t - token.issued_at).num_seconds());
                let data_expiry = token.issued_at + chrono::Duration::days(90);
                pairs.push(("access_token", token.value));
                pairs.push((
                    "data_access_expiration_time",
                    data_expiry.timestamp().to_string(),
                ));
                pairs.push(("expires_in", expires_in.to_string()));
            }
            if response.granted_scopes {
                pairs.push(("granted_scopes", scopes.join(",")));
            }
            if let Some(s) = &state {
                pairs.push(("state", s.clone()));
            }
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let carry = match login {
                // Instagram appends `#_` to the redirect; clients must strip it from the code.
                Login::Instagram => Carry::Query(Some("_")),
                Login::Facebook if response.token => Carry::Fragment,
                Login::Facebook => Carry::Query(None),
            };
            redirect_with(&redirect_uri, &pairs, carry)
        }
        Some(_) => dialog_error("sandbox_approve must be 1 or 0."),
        None => {
            let mut hidden = vec![
                ("client_id", w.app.id.clone()),
                ("redirect_uri", redirect_uri.clone()),
            ];
            for key in [
                "state",
                "scope",
                "response_type",
                "auth_type",
                "config_id",
                "enable_fb_login",
                "force_authentication",
            ] {
                if let Some(v) = p(key) {
                    hidden.push((key, v));
                }
            }
            let title = match login {
                Login::Facebook => "Log in with Facebook",
                Login::Instagram => "Log in with Instagram",
            };
            let body = consent_page(&Consent {
                title,
                app_name: &w.app.name,
                action: &inc.path,
                hidden,
                candidates,
                scopes: &scopes,
            });
            Reply::Html { status: 200, body }
        }
    }
}
