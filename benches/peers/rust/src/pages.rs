//! The bodies nginx serves: the 25-media page of benches/client_overhead.rs (the same bytes:
//! the same code, and serde_json without `preserve_order` in this workspace, so keys sorted) and
//! the 1,000 pages of 100 media that the memory measurement streams through.

use serde_json::{json, Value};

use crate::{FIELDS, ITEMS, STREAM_PAGES, STREAM_PAGE_ITEMS};

pub use crate::fixture::{media_item, media_page, APP_USAGE};

/// The sum of `like_count` over the media of one page of [`media_page`]: what each client's
/// checksum must add per request.
pub fn page_like_sum() -> u64 {
    (0..ITEMS).map(|i| 120 + 17 * i as u64).sum()
}

/// The sum of `like_count` over the whole stream.
pub fn stream_like_sum() -> u64 {
    (0..STREAM_PAGES * STREAM_PAGE_ITEMS)
        .map(|i| 120 + 17 * i as u64)
        .sum()
}

/// A cursor naming the media at `index` of the stream, shaped like Meta's (opaque base64).
fn cursor(index: usize) -> String {
    format!("QVFIU{index:012}bXhSNE9DVGl1cXJmbWV1dU1nUHZAGTkVOdGFCNHk5RGM0MFBXLUpQV0VK")
}

/// Page `n` (from 0) of the stream: 100 media, cursors, and an absolute `next` on the same
/// server (`{graph_base}/stream/{n + 1}`, carrying the query Meta puts there) except on the
/// last page. `graph_base` is the Graph host with its version, e.g.
/// `http://127.0.0.1:8080/graph.facebook.com/v26.0`.
pub fn stream_page(n: usize, graph_base: &str) -> Vec<u8> {
    let first = n * STREAM_PAGE_ITEMS;
    let last = first + STREAM_PAGE_ITEMS - 1;
    let data: Vec<Value> = (first..=last).map(media_item).collect();
    let mut paging = json!({
        "cursors": { "before": cursor(first), "after": cursor(last) }
    });
    if n + 1 < STREAM_PAGES {
        paging["next"] = json!(format!(
            "{graph_base}/stream/{}?access_token=EAAG&fields={}&limit={STREAM_PAGE_ITEMS}&after={}",
            n + 1,
            FIELDS.join("%2C"),
            cursor(last)
        ));
    }
    to_bytes(&json!({ "data": data, "paging": paging }))
}

fn to_bytes(body: &Value) -> Vec<u8> {
    // A `Value` always serialises (its keys are strings).
    serde_json::to_vec(body).unwrap_or_default()
}
