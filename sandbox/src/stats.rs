//! Call accounting, for the SDK's efficiency tests: every Graph and rupload request that
//! reaches the sandbox is counted by endpoint kind (faulted and refused calls included).
//!
//! | kind | request |
//! |---|---|
//! | `container_create` | `POST /{ig-user-id}/media` |
//! | `container_status` | `GET /{container-id}` |
//! | `media_publish` | `POST /{ig-user-id}/media_publish` |
//! | `publishing_limit` | `GET /{ig-user-id}/content_publishing_limit` |
//! | `media_get` | `GET /{media-id}` |
//! | `media_list` | `GET /{ig-user-id}/media` |
//! | `stories_list` | `GET /{ig-user-id}/stories` |
//! | `media_update` | `POST /{media-id}` |
//! | `media_delete` | `DELETE /{media-id}` |
//! | `upload` | `POST rupload.facebook.com/ig-api-upload/…` |
//! | `upload_status` | `GET rupload.facebook.com/ig-api-upload/…` |
//! | `oauth` | token exchanges, refresh, `debug_token` |
//! | `other` | everything else on the Graph hosts |

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::world::World;

/// The kind of a Graph request: `method` and the path segments after the version.
pub(crate) fn graph_kind(w: &World, method: &str, path: &[String]) -> &'static str {
    let segs: Vec<&str> = path.iter().map(String::as_str).collect();
    match (method, segs.as_slice()) {
        (_, ["oauth", "access_token"] | ["access_token"] | ["refresh_access_token"]) => "oauth",
        (_, ["debug_token"]) => "oauth",
        ("POST", [_, "media"]) => "container_create",
        ("GET", [_, "media"]) => "media_list",
        ("GET", [_, "stories"]) => "stories_list",
        ("POST", [_, "media_publish"]) => "media_publish",
        ("GET", [_, "content_publishing_limit"]) => "publishing_limit",
        (m, [id]) if w.containers.contains_key(*id) && m == "GET" => "container_status",
        (m, [id]) if w.media.contains_key(*id) => match m {
            "GET" => "media_get",
            "POST" => "media_update",
            "DELETE" => "media_delete",
            _ => "other",
        },
        _ => "other",
    }
}

/// Counts one call.
pub(crate) fn count(w: &mut World, kind: &str) {
    *w.calls.entry(kind.to_owned()).or_insert(0) += 1;
}

/// `GET /__sandbox/stats`.
pub(crate) fn describe(w: &World) -> Value {
    let total: u64 = w.calls.values().sum();
    json!({ "calls": w.calls, "total": total })
}

/// The counts (kinds never called are absent).
pub(crate) fn snapshot(w: &World) -> BTreeMap<String, u64> {
    w.calls.clone()
}
