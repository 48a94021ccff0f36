//! One listener for every Meta host: the first path segment names the host, a fallback handler
//! parses the rest (Graph ids are dynamic, so there is no route table per edge).

use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};

use super::net::ConnHandle;
use super::world::{Login, World};
use super::{control, dialog, graph, oauth, rupload, webhooks};

/// State shared by every handler.
pub(crate) struct Shared {
    world: Mutex<World>,
    pub base_url: String,
    /// The client that verifies and calls webhook callbacks, built on first use.
    pub webhook_http: std::sync::OnceLock<reqwest::Client>,
}

impl Shared {
    pub fn new(world: World, base_url: String) -> Self {
        Self {
            world: Mutex::new(world),
            base_url,
            webhook_http: std::sync::OnceLock::new(),
        }
    }

    /// Locks the world. Handlers never panic while holding it, but a poisoned lock still holds
    /// consistent data (every mutation is a few field writes), so recover it.
    pub fn lock(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The host prefixes the SDK's `Hosts::sandbox(base_url)` uses.
pub(crate) mod hosts {
    pub const GRAPH_FACEBOOK: &str = "graph.facebook.com";
    pub const GRAPH_INSTAGRAM: &str = "graph.instagram.com";
    pub const FACEBOOK_DIALOG: &str = "www.facebook.com";
    pub const INSTAGRAM_AUTHORIZE: &str = "www.instagram.com";
    pub const INSTAGRAM_API: &str = "api.instagram.com";
    pub const RUPLOAD: &str = "rupload.facebook.com";
}

pub(crate) use super::incoming::{percent_decode, Incoming};

/// What a handler answers.
pub(crate) enum Reply {
    Json {
        status: u16,
        body: Value,
        headers: Vec<(String, String)>,
    },
    Html {
        status: u16,
        body: String,
    },
    Redirect {
        location: String,
    },
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Self {
        Reply::Json {
            status,
            body,
            headers: Vec::new(),
        }
    }

    fn into_response(self) -> Response {
        match self {
            Reply::Json {
                status,
                body,
                headers,
            } => {
                let mut resp = (status_code(status), axum::Json(body)).into_response();
                for (name, value) in headers {
                    if let (Ok(n), Ok(v)) =
                        (HeaderName::try_from(name), HeaderValue::from_str(&value))
                    {
                        resp.headers_mut().insert(n, v);
                    }
                }
                resp
            }
            Reply::Html { status, body } => (
                status_code(status),
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                body,
            )
                .into_response(),
            Reply::Redirect { location } => match HeaderValue::from_str(&location) {
                Ok(v) => {
                    let mut resp = StatusCode::FOUND.into_response();
                    resp.headers_mut().insert(header::LOCATION, v);
                    resp
                }
                Err(_) => (StatusCode::BAD_REQUEST, "invalid redirect_uri").into_response(),
            },
        }
    }
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new().fallback(entry).with_state(shared)
}

/// Bodies bigger than this are refused (resumable uploads stream theirs, unlimited).
const BODY_LIMIT: usize = 16 * 1024 * 1024;

async fn entry(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<ConnHandle>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let rupload_prefix = format!("/{}", hosts::RUPLOAD);
    let path = parts.uri.path();
    if path == rupload_prefix || path.starts_with(&format!("{rupload_prefix}/")) {
        // Uploads stream their body (tens of MB) instead of buffering it.
        return rupload::entry(&shared, &conn, parts, body)
            .await
            .into_response();
    }
    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => return Reply::json(413, json!({"error": "body too large"})).into_response(),
    };
    let path = parts.uri.path().to_owned();
    let is_control = path.starts_with("/__sandbox");
    let (host, incoming) = Incoming::parse(
        parts.method.as_str(),
        &path,
        parts.uri.query(),
        parts.headers,
        &bytes,
        !is_control,
    );
    if host.is_empty() {
        return not_found(&path).into_response();
    }

    if host == "__sandbox" {
        if let Some(reply) = webhooks::handle(&shared, &incoming, &bytes).await {
            return reply.into_response();
        }
    }
    let reply = match host.as_str() {
        "__sandbox" => control::handle(&shared, &incoming, &bytes),
        hosts::GRAPH_FACEBOOK => {
            return graph::entry(&shared, &conn, Login::Facebook, incoming)
                .await
                .into_response()
        }
        hosts::GRAPH_INSTAGRAM => {
            return graph::entry(&shared, &conn, Login::Instagram, incoming)
                .await
                .into_response()
        }
        hosts::FACEBOOK_DIALOG => dialog::facebook_dialog(&shared, &incoming),
        hosts::INSTAGRAM_AUTHORIZE => dialog::instagram_authorize(&shared, &incoming),
        hosts::INSTAGRAM_API => oauth::instagram_api(&shared, &incoming),
        _ => not_found(&path),
    };
    reply.into_response()
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        Reply::into_response(self)
    }
}

fn not_found(path: &str) -> Reply {
    Reply::json(
        404,
        json!({"error": {"message": format!("Unknown sandbox path {path}"), "type": "SandboxException", "code": 404}}),
    )
}
