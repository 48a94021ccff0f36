//! The media page of Meta's shape that the client benches serve: shared by
//! `benches/client_overhead.rs` and the peer harness (`benches/peers/rust`), so that both
//! measure the same bytes.

use serde_json::{json, Value};

/// Media on the page.
pub const ITEMS: usize = 25;

/// The `i`-th media as Meta sends it, every requested field; a video every third one, with a
/// thumbnail. `like_count` is `120 + 17 i` (the peer clients' checksums add it up).
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

/// One media page as Meta sends it: [`ITEMS`] media, every requested field, cursors (~12 KB).
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
    // A `Value` always serialises (its keys are strings).
    serde_json::to_vec(&body).unwrap_or_default()
}
