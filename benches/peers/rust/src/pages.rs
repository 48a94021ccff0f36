//! The bodies nginx serves: the 25-media page of benches/client_overhead.rs (the same bytes:
//! the same code, and serde_json without `preserve_order` in this workspace, so keys sorted) and
//! the 1,000 pages of 100 media that the memory measurement streams through.

use serde_json::{json, Value};

use crate::{FIELDS, ITEMS, STREAM_PAGES, STREAM_PAGE_ITEMS};

/// The `X-App-Usage` header Meta sends with every answer (nginx adds it).
pub const APP_USAGE: &str = r#"{"call_count":1,"total_cputime":1,"total_time":1}"#;

/// The `i`-th media as Meta sends it, every requested field; a video every third one, with a
/// thumbnail. `like_count` is `120 + 17 i`: the clients' checksums add it up.
pub fn media_item(i: usize) -> Value {
    let id = format!("1789{:014}", 5_695_668_004_550u64 + i as u64 * 7_919);
    let shortcode = format!("B27r4Cf{:04}", i);
    let video = i % 3 == 0;
    let mut item = json!({
        "id": id,
        "caption": format!(
            "Day {i}: golden hour at the harbour \u{1F305} #film #35mm"
        ),
        "media_type": if video { "VIDEO" } else { "IMAGE" },
        "media_product_type": if video { "REELS" } else { "FEED" },
        "media_url": format!(
            "https://scontent.cdninstagram.com/v/t51.29350-15/{id}_n.jpg?oh=00_AfBc{i:04}&oe=6612A3F1"
        ),
        "permalink": format!("https://www.instagram.com/p/{shortcode}/"),
        "shortcode": shortcode,
        "timestamp": "2019-09-26T22:36:43+0000",
        "username": "harbour.lights",
        "like_count": 120 + i * 17,
        "comments_count": i % 9,
        "is_comment_enabled": i % 5 != 0,
    });
    if video {
        item["thumbnail_url"] = json!(format!(
            "https://scontent.cdninstagram.com/v/t51.29350-15/{id}_t.jpg?oe=6612A3F1"
        ));
    }
    item
}

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

/// One media page as Meta sends it: 25 items, every requested field, cursors (~12 KB).
pub fn media_page() -> Vec<u8> {
    let data: Vec<Value> = (0..ITEMS).map(media_item).collect();
    let body = json!({
        "data": data,
        "paging": {
            "cursors": {
                "before": "QVFIUmxtZA2RfbXhSNE9DVGl1cXJmbWV1dU1nUHZAGTkVOdGFCNHk5RGM0MFBXLUpQV0VKSGhQ",
                "after": "QVFIUjd1OU5fQkRwUkdobmxTaVMzUXc2WDBWZAzJ0blFhWnJlcDhsNFFuSzlhWVJxVEF6amFR",
            }
        }
    });
    to_bytes(&body)
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
