//! Cursor pagination as Meta does it: `limit`, opaque `after`/`before` cursors, `paging.cursors`
//! on every non-empty page and `paging.next` (a full URL) only when more items follow.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Map, Value};

use super::error::{GraphError, GraphResult};

/// Where a list request is, for building `paging.next`/`previous`.
pub(crate) struct PageLinks {
    /// `http://127.0.0.1:PORT/graph.facebook.com/v21.0/<id>/<edge>`.
    pub url: String,
    /// The request's parameters (query, body, and the token even when it came in a header),
    /// repeated in the links minus cursors and limit.
    pub query: Vec<(String, String)>,
}

/// A slice of a list chosen by `limit`/`after`/`before`.
pub(crate) struct Window {
    pub start: usize,
    pub end: usize,
    pub limit: usize,
}

pub(crate) fn cursor(index: usize, id: &str) -> String {
    STANDARD.encode(format!("sbx:{index}:{id}"))
}

/// Resolves a cursor to the position of its item: by id if still listed (lists shift when
/// media is published), else by the recorded index.
fn decode(cur: &str, ids: &[String]) -> GraphResult<usize> {
    let bad = || GraphError::invalid_param("The cursor is not valid");
    let raw = STANDARD.decode(cur.trim()).map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let mut parts = text.splitn(3, ':');
    if parts.next() != Some("sbx") {
        return Err(bad());
    }
    let index: usize = parts.next().and_then(|i| i.parse().ok()).ok_or_else(bad)?;
    let id = parts.next().ok_or_else(bad)?;
    Ok(ids.iter().position(|x| x == id).unwrap_or(index))
}

pub(crate) fn window(
    ids: &[String],
    params: &std::collections::BTreeMap<String, String>,
    default_limit: usize,
    max_limit: usize,
) -> GraphResult<Window> {
    // Meta clamps a limit an edge cannot serve and answers with correct paging links; the
    // sandbox reads one it cannot parse (`abc`, `-3`, `10.5`) as no limit at all.
    let limit = params
        .get("limit")
        .and_then(|l| l.trim().parse::<usize>().ok())
        .unwrap_or(default_limit)
        .clamp(1, max_limit.max(1));
    let len = ids.len();
    if let Some(after) = params.get("after").filter(|s| !s.is_empty()) {
        let start = (decode(after, ids)? + 1).min(len);
        Ok(Window {
            start,
            end: (start + limit).min(len),
            limit,
        })
    } else if let Some(before) = params.get("before").filter(|s| !s.is_empty()) {
        let end = decode(before, ids)?.min(len);
        Ok(Window {
            start: end.saturating_sub(limit),
            end,
            limit,
        })
    } else {
        Ok(Window {
            start: 0,
            end: limit.min(len),
            limit,
        })
    }
}

/// `{"data":[…],"paging":{…}}` for the window.
pub(crate) fn list(data: Vec<Value>, ids: &[String], w: &Window, links: &PageLinks) -> Value {
    let first = ids.get(w.start);
    let last = w.end.checked_sub(1).and_then(|i| ids.get(i));
    let (Some(first), Some(last)) = (first, last) else {
        // Meta answers an empty edge with just `data`.
        return json!({ "data": data });
    };
    if data.is_empty() {
        return json!({ "data": [] });
    }
    let before = cursor(w.start, first);
    let after = cursor(w.end - 1, last);
    let mut paging = Map::new();
    paging.insert(
        "cursors".into(),
        json!({ "before": before, "after": after }),
    );
    if w.end < ids.len() {
        paging.insert("next".into(), json!(link(links, w.limit, "after", &after)));
    }
    if w.start > 0 {
        paging.insert(
            "previous".into(),
            json!(link(links, w.limit, "before", &before)),
        );
    }
    json!({ "data": data, "paging": Value::Object(paging) })
}

/// A nested edge inside `fields` (`children{…}`, `media.limit(3){…}`): the first page only.
pub(crate) fn nested(data: Vec<Value>, ids: &[String]) -> Value {
    let n = data.len().min(ids.len());
    match (ids.first(), n.checked_sub(1).and_then(|i| ids.get(i))) {
        (Some(first), Some(last)) if n > 0 => json!({
            "data": data,
            "paging": { "cursors": { "before": cursor(0, first), "after": cursor(n - 1, last) } }
        }),
        _ => json!({ "data": data }),
    }
}

fn link(links: &PageLinks, limit: usize, key: &str, cur: &str) -> String {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &links.query {
        if !matches!(k.as_str(), "after" | "before" | "limit") {
            ser.append_pair(k, v);
        }
    }
    ser.append_pair("limit", &limit.to_string());
    ser.append_pair(key, cur);
    format!("{}?{}", links.url, ser.finish())
}
