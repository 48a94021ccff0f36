//! Media URL markers: how a test makes processing fail with each subcode Meta documents.
//! The table is in the rustdoc of [`super`] and in `GET /__sandbox/config`
//! (`media_url_markers`).

use serde_json::{json, Value};

use super::super::world::World;
use super::model::ContainerKind;

/// One marker: what to put in the URL, and the subcode (and the code Meta pairs it with when
/// it answers it as an error).
pub(crate) struct Marker {
    pub marker: &'static str,
    pub image_subcode: i64,
    pub video_subcode: i64,
    pub code: i64,
    pub meaning: &'static str,
}

/// In the order they are checked: the first that matches decides.
pub(crate) const MARKERS: &[Marker] = &[
    Marker {
        marker: "host unreachable.invalid",
        image_subcode: 2207052,
        video_subcode: 2207052,
        code: 9004,
        meaning: "the media could not be fetched from this URI",
    },
    Marker {
        marker: "bad-format (or an image URL ending .png/.gif/.webp/.heic/.bmp/.tiff/.svg/.mp4/.mov; a video URL ending .png/.gif/.jpg/.jpeg/.webp/.avi/.wmv/.flv/.mkv/.webm/.3gp)",
        image_subcode: 2207005,
        video_subcode: 2207026,
        code: 36001,
        meaning: "unsupported format (video: code 352)",
    },
    Marker {
        marker: "duration=N in the query (seconds; video only; reels 3-900, stories and carousel videos 3-60; default 15)",
        image_subcode: 0,
        video_subcode: 2207026,
        code: 352,
        meaning: "video length outside the spec",
    },
    Marker {
        marker: "thumb_offset (ms) at or past duration=N",
        image_subcode: 0,
        video_subcode: 2207057,
        code: 1,
        meaning: "thumbnail offset out of the video",
    },
    Marker {
        marker: "too-large",
        image_subcode: 2207004,
        video_subcode: 2207004,
        code: 36000,
        meaning: "media too large (also: a resumable file_size over the spec)",
    },
    Marker {
        marker: "aspect-ratio",
        image_subcode: 2207009,
        video_subcode: 2207009,
        code: 36003,
        meaning: "aspect ratio not supported",
    },
    Marker {
        marker: "download-timeout",
        image_subcode: 2207003,
        video_subcode: 2207003,
        code: -2,
        meaning: "downloading the media took too long",
    },
    Marker {
        marker: "server-error-once",
        image_subcode: 2207001,
        video_subcode: 2207001,
        code: -1,
        meaning: "server error for the first container of this account with this exact URL; a new container succeeds",
    },
    Marker {
        marker: "server-error",
        image_subcode: 2207001,
        video_subcode: 2207001,
        code: -1,
        meaning: "Instagram server error (every time)",
    },
    Marker {
        marker: "create-failed",
        image_subcode: 2207032,
        video_subcode: 2207032,
        code: -1,
        meaning: "create media failed, re-create the container",
    },
    Marker {
        marker: "upload-error",
        image_subcode: 2207053,
        video_subcode: 2207053,
        code: -1,
        meaning: "unknown upload error",
    },
    Marker {
        marker: "expired-media",
        image_subcode: 2207020,
        video_subcode: 2207020,
        code: -2,
        meaning: "the media expired",
    },
    Marker {
        marker: "restricted",
        image_subcode: 2207050,
        video_subcode: 2207050,
        code: 25,
        meaning: "the account is inactive, checkpointed or restricted",
    },
    Marker {
        marker: "spam",
        image_subcode: 2207051,
        video_subcode: 2207051,
        code: 4,
        meaning: "the publishing action looks like spam",
    },
];

/// The table as JSON, for `GET /__sandbox/config`.
pub(crate) fn table() -> Value {
    Value::Array(
        MARKERS
            .iter()
            .map(|m| {
                json!({
                    "marker": m.marker,
                    "image_subcode": (m.image_subcode != 0).then_some(m.image_subcode),
                    "video_subcode": m.video_subcode,
                    "code": m.code,
                    "meaning": m.meaning,
                    "surfaces": "at processing: status_code ERROR, the subcode in status",
                })
            })
            .collect(),
    )
}

const BAD_IMAGE_EXT: &[&str] = &[
    "png", "gif", "webp", "heic", "heif", "bmp", "tif", "tiff", "svg", "mp4", "mov",
];
const BAD_VIDEO_EXT: &[&str] = &[
    "png", "gif", "jpg", "jpeg", "webp", "heic", "bmp", "avi", "wmv", "flv", "mkv", "webm", "3gp",
];

/// The video length a URL declares (`duration=N`), seconds; `Err` when it is not a number.
fn declared_duration(url: &url::Url) -> Option<Result<f64, ()>> {
    url.query_pairs()
        .find(|(k, _)| k == "duration")
        .map(|(_, v)| v.trim().parse::<f64>().map_err(|_| ()))
}

/// What processing the media at `url` ends in for a container of `kind` owned by `owner`:
/// `None` (it succeeds) or the failure subcode. `thumb_offset_ms` is checked against a
/// declared duration.
pub(crate) fn outcome(
    w: &mut World,
    owner: &str,
    kind: ContainerKind,
    url: &url::Url,
    thumb_offset_ms: Option<u64>,
) -> Option<i64> {
    if url.host_str() == Some("unreachable.invalid") {
        return Some(2207052);
    }
    let video = kind.is_video();
    let path = url.path().to_ascii_lowercase();
    let text = format!("{path}?{}", url.query().unwrap_or("")).to_ascii_lowercase();
    let ext = path
        .rsplit('/')
        .next()
        .and_then(|last| last.rsplit_once('.'))
        .map(|(_, e)| e)
        .unwrap_or("");
    let bad_ext = if video {
        BAD_VIDEO_EXT.contains(&ext)
    } else {
        BAD_IMAGE_EXT.contains(&ext)
    };
    if bad_ext || text.contains("bad-format") {
        return Some(if video { 2207026 } else { 2207005 });
    }
    if let Some((min, max)) = kind.duration_range() {
        match declared_duration(url) {
            Some(Err(())) => return Some(2207026),
            Some(Ok(secs)) if !(min..=max).contains(&secs) => return Some(2207026),
            Some(Ok(secs)) if thumb_offset_ms.is_some_and(|ms| ms as f64 >= secs * 1000.0) => {
                return Some(2207057)
            }
            Some(Ok(_)) | None => {}
        }
    }
    let simple: [(&str, i64); 3] = [
        ("too-large", 2207004),
        ("aspect-ratio", 2207009),
        ("download-timeout", 2207003),
    ];
    if let Some((_, sub)) = simple.iter().find(|(m, _)| text.contains(m)) {
        return Some(*sub);
    }
    if text.contains("server-error-once") {
        let key = format!("{owner} {url}");
        return w.failed_once.insert(key).then_some(2207001);
    }
    let rest: [(&str, i64); 6] = [
        ("server-error", 2207001),
        ("create-failed", 2207032),
        ("upload-error", 2207053),
        ("expired-media", 2207020),
        ("restricted", 2207050),
        ("spam", 2207051),
    ];
    rest.iter()
        .find(|(m, _)| text.contains(m))
        .map(|(_, sub)| *sub)
}
