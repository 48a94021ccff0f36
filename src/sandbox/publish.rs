//! Content publishing: containers (created, processed by the sandbox clock, published once),
//! `media_publish`, and the rolling 24-hour publishing quota.
//!
//! The container model is shared by every kind (image now; video, reels, stories and carousels
//! later): a kind, a ready time, an optional failure subcode decided at creation and revealed
//! once processing "finishes", and the media it was published as.

use chrono::Duration;
use serde_json::{json, Value};

use super::access::Caller;
use super::error::{GraphError, GraphResult};
use super::graph::GraphReq;
use super::seed::{cdn_url, shortcode_for};
use super::world::{Container, ContainerKind, ContainerStatus, Login, Media, World};

const MAX_CAPTION_CHARS: usize = 2200;
const MAX_HASHTAGS: usize = 30;
const MAX_MENTIONS: usize = 20;
const MAX_ALT_TEXT: usize = 1000;
const MAX_COLLABORATORS: usize = 3;

/// Counts `#tag` / `@name` occurrences (a sigil followed by a word character).
fn count_tags(text: &str, sigil: char) -> usize {
    let chars: Vec<char> = text.chars().collect();
    chars
        .windows(2)
        .filter(|w| w[0] == sigil && (w[1].is_alphanumeric() || w[1] == '_'))
        .count()
}

/// Caption rules, checked when the container is created. Meta's table gives 36004/2207010 for
/// a caption over its limits; for more than 20 mentions it gives subcode 2207040, whose code we
/// take to be 100 (an invalid parameter) since the table is ambiguous about it.
pub(crate) fn validate_caption(caption: &str) -> GraphResult<()> {
    let too_long = |what: String| {
        GraphError::oauth(36004, "The caption is too long.")
            .subcode(2207010)
            .user("Caption too long", what)
    };
    let chars = caption.chars().count();
    if chars > MAX_CAPTION_CHARS {
        return Err(too_long(format!(
            "The caption has {chars} characters; the maximum is {MAX_CAPTION_CHARS}."
        )));
    }
    let tags = count_tags(caption, '#');
    if tags > MAX_HASHTAGS {
        return Err(too_long(format!(
            "The caption has {tags} hashtags; the maximum is {MAX_HASHTAGS}."
        )));
    }
    let mentions = count_tags(caption, '@');
    if mentions > MAX_MENTIONS {
        return Err(GraphError::oauth(
            100,
            format!("Cannot use more than {MAX_MENTIONS} tags per created media."),
        )
        .subcode(2207040)
        .user(
            "Too many tags",
            format!("The caption mentions {mentions} accounts; the maximum is {MAX_MENTIONS}."),
        ));
    }
    Ok(())
}

/// What processing an image URL will end in: `None` (a JPEG) or the failure subcode.
fn image_outcome(url: &url::Url) -> Option<i64> {
    if url.host_str() == Some("unreachable.invalid") {
        // The documented way to simulate a URL Meta cannot fetch.
        return Some(2207052);
    }
    let path = url.path().to_ascii_lowercase();
    let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "png" | "gif" | "webp" | "heic" | "heif" | "bmp" | "tif" | "tiff" | "svg" | "mp4"
        | "mov" => Some(2207005),
        // .jpg/.jpeg, and URLs without an extension (CDNs), are taken to be JPEGs.
        _ => None,
    }
}

fn parse_json_param(req: &GraphReq<'_>, name: &str) -> GraphResult<Option<Value>> {
    req.param(name)
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            serde_json::from_str::<Value>(s).map_err(|_| {
                GraphError::invalid_param(format!("Param {name} must be a JSON array"))
            })
        })
        .transpose()
}

fn validate_user_tags(tags: &Value) -> GraphResult<()> {
    let bad = || {
        GraphError::invalid_param(
            "Param user_tags must be an array of {username, x, y} with x and y between 0 and 1",
        )
    };
    let arr = tags.as_array().ok_or_else(bad)?;
    for t in arr {
        let name_ok = t
            .get("username")
            .and_then(Value::as_str)
            .is_some_and(|u| !u.is_empty());
        let coord_ok = |k: &str| {
            t.get(k)
                .and_then(Value::as_f64)
                .is_some_and(|v| (0.0..=1.0).contains(&v))
        };
        if !name_ok || !coord_ok("x") || !coord_ok("y") {
            return Err(bad());
        }
    }
    Ok(())
}

/// `POST /{ig-user-id}/media`.
pub(crate) fn create_container(
    w: &mut World,
    caller: &Caller,
    ig: &str,
    req: &GraphReq<'_>,
) -> GraphResult<Value> {
    caller.require(caller.publish_scope(), 10)?;
    if let Some(t) = req
        .param("media_type")
        .filter(|t| !t.is_empty() && *t != "IMAGE")
    {
        return Err(GraphError::invalid_param(format!(
            "media_type {t} is not supported by this sandbox version yet (images only)"
        )));
    }
    if req.param("video_url").is_some() || req.param("children").is_some() {
        return Err(GraphError::invalid_param(
            "video and carousel containers are not supported by this sandbox version yet",
        ));
    }
    let image_url = req
        .param("image_url")
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| GraphError::param_required("image_url"))?;
    let url = url::Url::parse(image_url.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| {
            GraphError::oauth(9004, "The media could not be fetched from this uri")
                .subcode(2207052)
                .user(
                    "Media download has failed",
                    "Media download has failed. The media URI doesn't meet our requirements.",
                )
        })?;
    let caption = req.param("caption").map(str::to_owned);
    if let Some(c) = &caption {
        validate_caption(c)?;
    }
    let alt_text = req.param("alt_text").map(str::to_owned);
    if alt_text
        .as_ref()
        .is_some_and(|a| a.chars().count() > MAX_ALT_TEXT)
    {
        return Err(GraphError::invalid_param(format!(
            "alt_text must be at most {MAX_ALT_TEXT} characters"
        )));
    }
    let user_tags = parse_json_param(req, "user_tags")?;
    if let Some(t) = &user_tags {
        validate_user_tags(t)?;
    }
    let collaborators = match parse_json_param(req, "collaborators")? {
        None => Vec::new(),
        Some(v) => {
            let list: Vec<String> = v
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect()
                })
                .filter(|l: &Vec<String>| l.len() == v.as_array().map_or(0, Vec::len))
                .ok_or_else(|| {
                    GraphError::invalid_param("Param collaborators must be an array of usernames")
                })?;
            if list.len() > MAX_COLLABORATORS {
                return Err(GraphError::invalid_param(format!(
                    "A post can have at most {MAX_COLLABORATORS} collaborators"
                )));
            }
            list
        }
    };
    let now = w.now();
    let processing = i64::try_from(w.config.image_processing_ms).unwrap_or(i64::MAX);
    let id = w.new_container_id();
    let container = Container {
        id: id.clone(),
        owner: ig.to_owned(),
        kind: ContainerKind::Image,
        image_url: Some(url.to_string()),
        caption,
        alt_text,
        location_id: req.param("location_id").map(str::to_owned),
        user_tags,
        collaborators,
        created_at: now,
        ready_at: now + Duration::milliseconds(processing),
        failure: image_outcome(&url),
        published_media: None,
    };
    w.containers.insert(id.clone(), container);
    Ok(json!({ "id": id }))
}

fn not_ready() -> GraphError {
    GraphError::oauth(9007, "Media ID is not available")
        .subcode(2207027)
        .user(
            "Media ID is not available",
            "The media is not ready for publishing, please wait for a moment",
        )
}

/// `POST /{ig-user-id}/media_publish?creation_id=`.
///
/// Publishing an already published container never creates a second post: it answers code
/// 9007 without a subcode, with a message naming the media it became, so a client retrying
/// after a lost response can tell "done" from "not ready" (9007/2207027).
pub(crate) fn publish(
    w: &mut World,
    caller: &Caller,
    ig: &str,
    req: &GraphReq<'_>,
) -> GraphResult<Value> {
    caller.require(caller.publish_scope(), 10)?;
    let creation_id = req
        .param("creation_id")
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| GraphError::param_required("creation_id"))?
        .trim()
        .to_owned();
    let container = w
        .containers
        .get(&creation_id)
        .filter(|c| c.owner == ig)
        .cloned()
        .ok_or_else(|| {
            GraphError::oauth(24, format!("The media with {creation_id} cannot be found."))
                .subcode(2207006)
                .user("Media not found", "The media container cannot be found.")
        })?;
    match w.container_status(&container) {
        ContainerStatus::Published => {
            let media = container.published_media.unwrap_or_default();
            return Err(GraphError::oauth(
                9007,
                format!("The media container {creation_id} has already been published as media {media}."),
            )
            .user("Media already published", "This container was already published; it cannot be published again."));
        }
        ContainerStatus::InProgress | ContainerStatus::Error(_) => return Err(not_ready()),
        ContainerStatus::Expired => {
            return Err(GraphError::oauth(
                -2,
                "The media you are trying to access has expired. Please try to upload again.",
            )
            .subcode(2207020)
            .user(
                "Media expired",
                "The media you are trying to access has expired. Please try to upload again.",
            ))
        }
        ContainerStatus::Finished => {}
    }
    let quota = usize::try_from(w.config.publishing_quota).unwrap_or(usize::MAX);
    if w.quota_usage(ig) >= quota {
        return Err(GraphError::oauth(9, "Application request limit reached")
            .subcode(2207042)
            .user(
                "Max posts reached",
                "You reached maximum number of posts that is allowed to be published by Content Publishing API.",
            ));
    }
    let now = w.now();
    let id = w.new_media_id();
    let num: u64 = id.parse().unwrap_or(0);
    let media = Media {
        id: id.clone(),
        ig_id: (3_100_000_000_000_000_000u64 + num % 1_000_000_000).to_string(),
        owner: ig.to_owned(),
        caption: container.caption.clone(),
        media_type: "IMAGE".to_owned(),
        media_product_type: "FEED".to_owned(),
        media_url: cdn_url(num, "IMAGE"),
        thumbnail_url: None,
        shortcode: shortcode_for(num),
        timestamp: now,
        like_count: 0,
        comments_count: 0,
        is_comment_enabled: true,
        is_shared_to_feed: None,
        alt_text: container.alt_text.clone(),
        children: Vec::new(),
        parent: None,
    };
    w.media.insert(id.clone(), media);
    if let Some(acct) = w.ig_accounts.get_mut(ig) {
        acct.media.insert(0, id.clone());
        acct.publishes.push(now);
    }
    if let Some(c) = w.containers.get_mut(&creation_id) {
        c.published_media = Some(id.clone());
    }
    Ok(json!({ "id": id }))
}

/// `GET /{ig-user-id}/content_publishing_limit?fields=quota_usage,config`.
pub(crate) fn publishing_limit(
    w: &mut World,
    caller: &Caller,
    ig: &str,
    req: &GraphReq<'_>,
) -> GraphResult<Value> {
    caller.require(caller.publish_scope(), 10)?;
    let fields = req.fields("quota_usage")?;
    let mut item = serde_json::Map::new();
    for f in &fields {
        match f.name.as_str() {
            "quota_usage" => {
                item.insert("quota_usage".into(), json!(w.quota_usage(ig)));
            }
            "config" => {
                item.insert(
                    "config".into(),
                    json!({ "quota_total": w.config.publishing_quota, "quota_duration": 86400 }),
                );
            }
            other => {
                return Err(GraphError::nonexisting_field(
                    other,
                    "ContentPublishingLimitResponse",
                ))
            }
        }
    }
    Ok(json!({ "data": [Value::Object(item)] }))
}

/// `POST /{media-id}?comment_enabled=true|false`, the only update Meta allows on media.
pub(crate) fn update_media(
    w: &mut World,
    caller: &Caller,
    id: &str,
    req: &GraphReq<'_>,
) -> GraphResult<Value> {
    let scope = match caller.login() {
        Login::Facebook => "instagram_manage_comments",
        Login::Instagram => "instagram_business_manage_comments",
    };
    caller.require(scope, 10)?;
    let enabled = match req.param("comment_enabled") {
        Some("true") => true,
        Some("false") => false,
        Some(_) => {
            return Err(GraphError::invalid_param(
                "Param comment_enabled must be a boolean",
            ))
        }
        None => return Err(GraphError::param_required("comment_enabled")),
    };
    if let Some(m) = w.media.get_mut(id) {
        m.is_comment_enabled = enabled;
    }
    Ok(json!({ "success": true }))
}
