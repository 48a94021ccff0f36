//! The resumable upload host, `rupload.facebook.com/ig-api-upload/{version}/{container-id}`,
//! for containers created with `upload_type=resumable` (reels, stories, carousel videos).
//!
//! - `POST` with `Authorization: OAuth <token>`, `offset`, `file_size` and the raw bytes as
//!   the body → `{"success":true,"message":"Upload successful."}`. Bodies are streamed: the
//!   sandbox counts and hashes the bytes (SHA-256), it never keeps them. An upload may come
//!   in several POSTs, each starting at the offset received so far; processing starts when
//!   all `file_size` bytes arrived.
//! - `POST` with a `file_url` header instead of bytes: the video is "fetched" from that URL
//!   (the media URL markers of the publish module apply) and processing starts.
//! - A POST whose `offset` is not the number of bytes received so far answers HTTP 400
//!   `{"debug_info":{"retriable":true,"type":"ProcessingFailedError","message":"… expected
//!   offset N"}}`; other failures use the same shape with `retriable: false`.
//! - `GET` on the same URI → `{"id","offset","file_size"}`: the bytes received so far [U:
//!   Meta's rupload answers the current offset on GET; the shape is the sandbox's].
//!
//! Faults: `drop_connection_rate`, `transient_rate` (HTTP 500, `retriable: true`) and
//! `slow_ms` apply as on the Graph hosts; `upload_drop_after_bytes` cuts the connection once
//! per container after that many bytes of a body arrived (the bytes before the cut count).

use axum::body::Body;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use futures::StreamExt;
use serde_json::{json, Value};
use sha2::Digest;

use super::access::{Caller, NodeKind};
use super::net::ConnHandle;
use super::publish::markers;
use super::server::{Reply, Shared};
use super::stats;
use super::world::{later, ContainerStatus, World};
use super::{credentials, faults, graph};

/// How far a resumable upload got ([`Sandbox::upload_state`](super::Sandbox::upload_state)).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UploadState {
    /// Bytes received so far (the offset the next POST must give).
    pub offset: u64,
    /// `file_size` as declared by the first POST with bytes.
    pub file_size: Option<u64>,
    /// Whether every byte (or a `file_url`) arrived and processing started.
    pub complete: bool,
    /// Lowercase hex SHA-256 of the uploaded bytes, once complete (not for `file_url`).
    pub sha256: Option<String>,
    /// The `file_url` the video came from, if it came by URL.
    pub file_url: Option<String>,
}

pub(crate) fn upload_state(w: &World, id: &str) -> Option<UploadState> {
    let up = w.containers.get(id)?.upload.as_ref()?;
    Some(UploadState {
        offset: up.received,
        file_size: up.file_size,
        complete: up.complete,
        sha256: up.sha256.clone(),
        file_url: up.file_url.clone(),
    })
}

/// Bodies drained (read and dropped) before an early error answer, at most.
const DRAIN_LIMIT: u64 = 512 * 1024 * 1024;

fn fail(status: u16, retriable: bool, message: impl Into<String>) -> Reply {
    Reply::json(
        status,
        json!({ "debug_info": {
            "retriable": retriable,
            "type": "ProcessingFailedError",
            "message": message.into(),
        } }),
    )
}

fn auth_fail(message: &str) -> Reply {
    Reply::json(
        401,
        json!({ "debug_info": {
            "retriable": false,
            "type": "OAuthException",
            "message": message,
        } }),
    )
}

/// Reads and drops the rest of a body so the client reads the answer cleanly.
async fn drain(body: Body) {
    drain_stream(body.into_data_stream()).await;
}

async fn drain_stream(mut stream: axum::body::BodyDataStream) {
    let mut seen = 0u64;
    while let Some(Ok(chunk)) = stream.next().await {
        seen += chunk.len() as u64;
        if seen > DRAIN_LIMIT {
            break;
        }
    }
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn number(headers: &HeaderMap, name: &str) -> Result<Option<u64>, Reply> {
    header(headers, name)
        .map(|v| {
            v.parse::<u64>().map_err(|_| {
                fail(
                    400,
                    false,
                    format!("The {name} header must be a non-negative integer"),
                )
            })
        })
        .transpose()
}

/// The container id of `ig-api-upload/[version/]{id}`.
fn container_of(path: &str) -> Option<String> {
    let segs: Vec<&str> = path
        .trim_start_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    match segs.as_slice() {
        [_, "ig-api-upload", v, id] if graph::is_version(v) => Some((*id).to_owned()),
        [_, "ig-api-upload", id] => Some((*id).to_owned()),
        _ => None,
    }
}

/// The caller may upload to this container: a valid token that reaches its account, with the
/// publishing scope, and a resumable container still waiting for (or receiving) its video.
fn authorize(w: &World, headers: &HeaderMap, id: &str) -> Result<(), Reply> {
    let token = header(headers, "authorization")
        .and_then(|h| h.split_once(' '))
        .filter(|(scheme, _)| {
            scheme.eq_ignore_ascii_case("oauth") || scheme.eq_ignore_ascii_case("bearer")
        })
        .map(|(_, t)| t.trim())
        .ok_or_else(|| auth_fail("An Authorization: OAuth <token> header is required"))?;
    let login = w
        .tokens
        .get(token)
        .map(|t| t.login)
        .ok_or_else(|| auth_fail("Invalid OAuth access token - Cannot parse access token"))?;
    let caller: Caller =
        credentials::check_token(w, login, token).map_err(|e| auth_fail(&e.message))?;
    if !caller.has(caller.publish_scope()) {
        return Err(auth_fail(&format!(
            "The token lacks {}",
            caller.publish_scope()
        )));
    }
    let reachable = caller.can_reach(w, NodeKind::Container, id);
    let container = w
        .containers
        .get(id)
        .filter(|_| reachable)
        .ok_or_else(|| fail(400, false, format!("Media container {id} not found")))?;
    if container.upload.is_none() {
        return Err(fail(
            400,
            false,
            format!("Media container {id} was not created with upload_type=resumable"),
        ));
    }
    match w.container_status(container) {
        ContainerStatus::Expired => Err(fail(400, false, "The upload session has expired")),
        ContainerStatus::Published => Err(fail(
            400,
            false,
            "The media container has already been published",
        )),
        _ => Ok(()),
    }
}

/// `GET`: how far the upload got.
fn state(w: &World, id: &str) -> Reply {
    let up = w.containers.get(id).and_then(|c| c.upload.as_ref());
    let offset = up.map_or(0, |u| u.received);
    let file_size = up.and_then(|u| u.file_size);
    Reply::json(
        200,
        json!({ "id": id, "offset": offset, "file_size": file_size }),
    )
}

fn success() -> Reply {
    Reply::json(
        200,
        json!({ "success": true, "message": "Upload successful." }),
    )
}

/// Marks the upload complete and starts processing.
fn finish(w: &mut World, id: &str, failure: Option<i64>) {
    let now = w.now();
    if let Some(c) = w.containers.get_mut(id) {
        let too_large = c
            .upload
            .as_ref()
            .and_then(|u| u.file_size)
            .is_some_and(|s| s > c.kind.max_bytes());
        if let Some(up) = c.upload.as_mut() {
            up.complete = true;
            if up.file_url.is_none() {
                up.sha256 = Some(hex::encode(up.hasher.clone().finalize()));
            }
        }
        c.failure = failure.or(too_large.then_some(2207004));
        c.ready_at = Some(later(now, c.processing));
    }
}

/// `POST` with a `file_url` header.
fn from_url(w: &mut World, id: &str, raw: &str) -> Reply {
    let Ok(url) = url::Url::parse(raw) else {
        return fail(400, false, "The file_url header is not a URL");
    };
    if !matches!(url.scheme(), "http" | "https") {
        return fail(400, false, "The file_url header must be an http(s) URL");
    }
    let Some((owner, kind, thumb, complete)) = w.containers.get(id).map(|c| {
        (
            c.owner.clone(),
            c.kind,
            c.thumb_offset,
            c.upload.as_ref().is_some_and(|u| u.complete),
        )
    }) else {
        return fail(400, false, format!("Media container {id} not found"));
    };
    if complete {
        return fail(400, false, "The upload is already complete");
    }
    let failure = markers::outcome(w, &owner, kind, &url, thumb);
    if let Some(c) = w.containers.get_mut(id) {
        c.media_url = Some(url.to_string());
        if let Some(up) = c.upload.as_mut() {
            up.file_url = Some(url.to_string());
        }
    }
    finish(w, id, failure);
    success()
}

/// What a byte upload starts from, decided under the lock before the body is read.
struct Plan {
    expected: u64,
    file_size: u64,
    drop_at: Option<u64>,
}

fn plan_bytes(w: &mut World, id: &str, headers: &HeaderMap) -> Result<Result<Plan, Reply>, Reply> {
    let file_size = number(headers, "file_size")?
        .ok_or_else(|| fail(400, false, "The file_size header is required"))?;
    let offset = number(headers, "offset")?.unwrap_or(0);
    let length = number(headers, "content-length")?;
    let drop_fault = w.faults.upload_drop_after_bytes;
    let Some(up) = w.containers.get_mut(id).and_then(|c| c.upload.as_mut()) else {
        return Err(fail(400, false, format!("Media container {id} not found")));
    };
    if up.file_size.is_some_and(|s| s != file_size) {
        return Err(fail(
            400,
            false,
            format!(
                "file_size {file_size} does not match the {} bytes declared first",
                up.file_size.unwrap_or(0)
            ),
        ));
    }
    if up.complete {
        // Repeating the last POST of a finished upload is harmless.
        return if offset == up.received && length.unwrap_or(0) == 0 {
            Ok(Err(success()))
        } else {
            Err(fail(400, false, "The upload is already complete"))
        };
    }
    if offset != up.received {
        return Err(fail(
            400,
            true,
            format!(
                "Invalid offset {offset}: the upload has {} bytes, expected offset {}",
                up.received, up.received
            ),
        ));
    }
    if length.is_some_and(|l| offset + l > file_size) {
        return Err(fail(
            400,
            false,
            format!("offset + body length is more than file_size {file_size}"),
        ));
    }
    up.file_size = Some(file_size);
    Ok(Ok(Plan {
        expected: offset,
        file_size,
        drop_at: drop_fault.filter(|_| !up.dropped_once),
    }))
}

/// Adds one chunk to the upload, if it still starts where this body left off.
fn commit(w: &mut World, id: &str, plan: &Plan, data: &[u8], cut: bool) -> Result<(), Reply> {
    let Some(up) = w.containers.get_mut(id).and_then(|c| c.upload.as_mut()) else {
        return Err(fail(400, false, format!("Media container {id} not found")));
    };
    if up.received != plan.expected || up.complete {
        return Err(fail(
            409,
            true,
            format!(
                "Another upload to this container moved it on; expected offset {}",
                up.received
            ),
        ));
    }
    let len = data.len() as u64;
    if plan.expected + len > plan.file_size {
        return Err(fail(
            400,
            false,
            format!("More bytes than file_size {}", plan.file_size),
        ));
    }
    up.hasher.update(data);
    up.received += len;
    if cut {
        up.dropped_once = true;
    }
    Ok(())
}

async fn upload_bytes(
    shared: &Shared,
    conn: &ConnHandle,
    id: &str,
    mut plan: Plan,
    body: Body,
) -> Reply {
    let mut stream = body.into_data_stream();
    let mut in_body = 0u64;
    loop {
        let chunk = match stream.next().await {
            None => break,
            Some(Ok(c)) => c,
            // The client went away: what arrived so far stays, the answer goes nowhere.
            Some(Err(_)) => return fail(400, true, "The upload body was interrupted"),
        };
        let mut data: &[u8] = &chunk;
        let mut cut = false;
        if let Some(limit) = plan.drop_at {
            let room = usize::try_from(limit.saturating_sub(in_body)).unwrap_or(usize::MAX);
            if data.len() >= room {
                data = &data[..room];
                cut = true;
            }
        }
        let committed = commit(&mut shared.lock(), id, &plan, data, cut);
        if let Err(reply) = committed {
            drain_stream(stream).await;
            return reply;
        }
        plan.expected += data.len() as u64;
        in_body += data.len() as u64;
        if cut {
            conn.cut();
            return Reply::json(500, Value::Null);
        }
    }
    let mut w = shared.lock();
    let done = w
        .containers
        .get(id)
        .and_then(|c| c.upload.as_ref())
        .is_some_and(|u| !u.complete && Some(u.received) == u.file_size);
    if done {
        finish(&mut w, id, None);
    }
    success()
}

/// Serves one rupload request; the body is streamed, never buffered whole.
pub(crate) async fn entry(shared: &Shared, conn: &ConnHandle, parts: Parts, body: Body) -> Reply {
    let method = parts.method.as_str().to_ascii_uppercase();
    let id = container_of(parts.uri.path());
    let roll = {
        let mut w = shared.lock();
        let kind = match (method.as_str(), &id) {
            ("POST", Some(_)) => "upload",
            ("GET", Some(_)) => "upload_status",
            _ => "other",
        };
        stats::count(&mut w, kind);
        faults::roll_faults(&mut w)
    };
    if roll.slow_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(roll.slow_ms)).await;
    }
    if roll.drop {
        conn.cut();
        return Reply::json(500, Value::Null);
    }
    let Some(id) = id else {
        drain(body).await;
        return fail(
            404,
            false,
            format!("Unknown upload path {}", parts.uri.path()),
        );
    };
    if roll.transient.is_some() {
        drain(body).await;
        return fail(
            500,
            true,
            "A temporary error occurred, please retry the upload",
        );
    }
    let plan = {
        let mut w = shared.lock();
        w.purge_expired_stories();
        if let Err(reply) = authorize(&w, &parts.headers, &id) {
            Err(reply)
        } else {
            match method.as_str() {
                "GET" => Err(state(&w, &id)),
                "POST" => match header(&parts.headers, "file_url") {
                    Some(u) => Err(from_url(&mut w, &id, u)),
                    None => match plan_bytes(&mut w, &id, &parts.headers) {
                        Ok(Ok(plan)) => Ok(plan),
                        Ok(Err(reply)) | Err(reply) => Err(reply),
                    },
                },
                other => Err(fail(405, false, format!("{other} is not supported here"))),
            }
        }
    };
    match plan {
        Ok(plan) => upload_bytes(shared, conn, &id, plan, body).await,
        Err(reply) => {
            drain(body).await;
            reply
        }
    }
}
