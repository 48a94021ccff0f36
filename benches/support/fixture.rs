//! What the client benches share: the app, the account, the token, the fields asked for and
//! the media page of Meta's shape that the server answers. Used by `benches/client_overhead.rs`
//! and the peer harness (`benches/peers/rust`), so that both measure the same requests and bytes.

use serde_json::{json, Value};

/// The app id the clients sign requests for.
pub const APP_ID: &str = "123";
/// The app secret behind `appsecret_proof`.
pub const APP_SECRET: &str = "secret";
/// The IG user whose media page the clients ask for.
pub const IG_USER_ID: &str = "17841400000000001";
/// A long-lived user token of realistic length.
pub const TOKEN: &str = "EAAGu8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFRIBXuDL7DxtpYlSXpfKtHF4vUCsMehGAkWvj7FAc9QeWJKY40uvSwMFLZDe1f8rESQedUStPKR0CsTy4Qwb8DwkNhFdnXsiVpzz63FfkCzJr4i0B3JrTAwR4y9ojf";
/// The fields the clients ask for: the SDK's `DEFAULT_MEDIA_FIELDS`.
pub const FIELDS: [&str; 13] = [
    "id",
    "caption",
    "media_type",
    "media_product_type",
    "media_url",
    "permalink",
    "shortcode",
    "thumbnail_url",
    "timestamp",
    "username",
    "like_count",
    "comments_count",
    "is_comment_enabled",
];
/// The `X-App-Usage` header Meta sends with every answer.
pub const APP_USAGE: &str = r#"{"call_count":1,"total_cputime":1,"total_time":1}"#;
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
