//! The checks Meta applies to a post, and their limits.

use super::*;
use crate::error::{Error, Result};

/// Longest caption, in characters.
pub const MAX_CAPTION_CHARS: usize = 2200;
/// Most hashtags in a caption.
pub const MAX_HASHTAGS: usize = 30;
/// Most @-mentions in a caption.
pub const MAX_MENTIONS: usize = 20;
/// Longest alternative text of an image, in characters.
pub const MAX_ALT_TEXT_CHARS: usize = 1000;
/// Most collaborators on a post.
pub const MAX_COLLABORATORS: usize = 3;

/// Most product tags on one media.
pub const MAX_PRODUCT_TAGS: usize = 5;
/// Fewest items in a carousel.
pub const MIN_CAROUSEL_ITEMS: usize = 2;
/// Most items in a carousel.
pub const MAX_CAROUSEL_ITEMS: usize = 10;

/// Most people tagged on one media.
pub const MAX_USER_TAGS: usize = 20;

/// Every check Meta applies to one container, before any call: which media fields go together,
/// URLs, caption, alternative text, location, tags, collaborators, the carousel size and the
/// settings only reels take. Each error names the field and the limit.
///
/// This is the one rule set of publishing: [`Post::validate`](crate::publisher::Post::validate)
/// lowers a post into the container requests it will send and runs this on each.
pub fn validate_container_request(req: &ContainerRequest) -> Result<()> {
    use ContainerMediaType as T;
    match (
        req.media_type,
        &req.image_url,
        &req.video_url,
        req.resumable,
    ) {
        (None, Some(_), None, false) => {}
        (Some(T::Stories), Some(_), None, false) => {}
        (Some(T::Reels | T::Stories | T::Video), None, Some(_), false) => {}
        (Some(T::Reels | T::Stories | T::Video), None, None, true) => {}
        (Some(T::Carousel), None, None, false) => {}
        _ => {
            return Err(Error::invalid(
                "media_type",
                "unsupported combination of media_type, image_url, video_url and upload_type",
            ))
        }
    }
    for (field, url) in [
        ("image_url", &req.image_url),
        ("video_url", &req.video_url),
        ("cover_url", &req.cover_url),
    ] {
        if let Some(url) = url {
            validate_media_url(field, url)?;
        }
    }
    let is_story = req.media_type == Some(T::Stories);
    let is_carousel = req.media_type == Some(T::Carousel);
    let is_video = req.video_url.is_some() || req.resumable;
    if req.is_carousel_item && !matches!(req.media_type, None | Some(T::Video)) {
        return Err(Error::invalid(
            "is_carousel_item",
            "a carousel item is an image or a VIDEO",
        ));
    }
    if req.media_type == Some(T::Video) && !req.is_carousel_item {
        return Err(Error::invalid(
            "media_type",
            "VIDEO is only allowed on a carousel item; use REELS for a video post",
        ));
    }
    if is_carousel {
        let n = req.children.len();
        if !(MIN_CAROUSEL_ITEMS..=MAX_CAROUSEL_ITEMS).contains(&n) {
            return Err(Error::invalid(
                "children",
                format!(
                    "has {n} items; a carousel takes {MIN_CAROUSEL_ITEMS} to {MAX_CAROUSEL_ITEMS} items"
                ),
            ));
        }
    } else if !req.children.is_empty() {
        return Err(Error::invalid(
            "children",
            "only a CAROUSEL container has children",
        ));
    }
    if let Some(caption) = &req.caption {
        if req.is_carousel_item {
            return Err(Error::invalid(
                "caption",
                "is not allowed on a carousel item; put it on the carousel",
            ));
        }
        if is_story {
            return Err(Error::invalid("caption", "stories take no caption"));
        }
        validate_caption(caption)?;
    }
    if let Some(alt) = &req.alt_text {
        if is_carousel {
            return Err(Error::invalid(
                "alt_text",
                "a carousel takes no alternative text of its own; set it on each image item",
            ));
        }
        if is_video {
            return Err(Error::invalid("alt_text", "is for images only, not videos"));
        }
        if is_story {
            return Err(Error::invalid(
                "alt_text",
                "stories take no alternative text",
            ));
        }
        validate_alt_text(alt)?;
    }
    if let Some(location) = &req.location_id {
        if is_story {
            return Err(Error::invalid("location_id", "stories take no location"));
        }
        if location.trim().is_empty() {
            return Err(Error::invalid("location_id", "is empty"));
        }
    }
    if is_carousel && !req.user_tags.is_empty() {
        return Err(Error::invalid(
            "user_tags",
            "a carousel takes no user tags of its own; tag each item",
        ));
    }
    validate_user_tags(&req.user_tags)?;
    if !req.product_tags.is_empty() {
        let refusal = if is_story {
            Some("stories take no product tags")
        } else if is_carousel {
            Some("a carousel takes no product tags of its own; tag each image item")
        } else if req.is_carousel_item && is_video {
            Some("carousel video items take no product tags; tag the image items")
        } else {
            None
        };
        if let Some(reason) = refusal {
            return Err(Error::invalid("product_tags", reason));
        }
        if req.media_type == Some(T::Reels) {
            if let Some(i) = req
                .product_tags
                .iter()
                .position(|t| t.x.is_some() || t.y.is_some())
            {
                return Err(Error::invalid(
                    "product_tags",
                    format!("tag {i} has a position; product tags on reels take none"),
                ));
            }
        }
        validate_product_tags(&req.product_tags)?;
    }
    if !req.collaborators.is_empty() {
        if is_story {
            return Err(Error::invalid(
                "collaborators",
                "stories take no collaborators",
            ));
        }
        validate_collaborators(&req.collaborators)?;
    }
    validate_reel_settings(req)
}

/// `share_to_feed`, `cover_url`, `thumb_offset`, `audio_name` and `trial_params` are for reels
/// only;
/// `cover_url` and `thumb_offset` exclude each other (Meta would ignore the offset).
fn validate_reel_settings(req: &ContainerRequest) -> Result<()> {
    if req.media_type != Some(ContainerMediaType::Reels) {
        let reel_only = [
            ("share_to_feed", req.share_to_feed.is_some()),
            ("cover_url", req.cover_url.is_some()),
            ("thumb_offset", req.thumb_offset_ms.is_some()),
            ("audio_name", req.audio_name.is_some()),
            ("trial_params", req.trial_params.is_some()),
        ];
        if let Some((field, _)) = reel_only.iter().find(|(_, set)| *set) {
            let kind = req.media_type.map_or("IMAGE", ContainerMediaType::as_str);
            return Err(Error::invalid(
                field,
                format!("is for reels only, not a {kind} container"),
            ));
        }
    }
    if req.cover_url.is_some() && req.thumb_offset_ms.is_some() {
        return Err(Error::invalid(
            "thumb_offset",
            "cannot be combined with cover_url (Meta would ignore it)",
        ));
    }
    if req
        .audio_name
        .as_deref()
        .is_some_and(|a| a.trim().is_empty())
    {
        return Err(Error::invalid("audio_name", "is empty"));
    }
    Ok(())
}

/// Checks product tags: at most [`MAX_PRODUCT_TAGS`], a product id each, positions within
/// `0.0..=1.0`.
pub fn validate_product_tags(tags: &[TaggedProduct]) -> Result<()> {
    if tags.len() > MAX_PRODUCT_TAGS {
        return Err(Error::invalid(
            "product_tags",
            format!(
                "has {} tags; the limit is {MAX_PRODUCT_TAGS} product tags per media",
                tags.len()
            ),
        ));
    }
    validate_product_tag_items("product_tags", tags)
}

/// Checks each product tag (`field` names the parameter): a product id, positions within
/// `0.0..=1.0`.
pub(crate) fn validate_product_tag_items(
    field: &'static str,
    tags: &[TaggedProduct],
) -> Result<()> {
    for (i, tag) in tags.iter().enumerate() {
        if tag.product_id.trim().is_empty() {
            return Err(Error::invalid(
                field,
                format!("tag {i} has an empty product_id"),
            ));
        }
        let what = format!("product {}", tag.product_id);
        for (axis, value) in [("x", tag.x), ("y", tag.y)] {
            if let Some(v) = value {
                validate_position(field, i, &what, axis, v)?;
            }
        }
    }
    Ok(())
}

fn validate_position(
    field: &'static str,
    index: usize,
    what: &str,
    axis: &str,
    value: f64,
) -> Result<()> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!("tag {index} ({what}) has {axis} = {value}; x and y must be within 0..=1"),
        ))
    }
}

/// Checks a media URL (`field` names it in the error): absolute, http or https, with a host.
pub fn validate_media_url(field: &'static str, url: &str) -> Result<()> {
    let parsed = url::Url::parse(url.trim())
        .map_err(|e| Error::invalid(field, format!("must be an absolute http(s) URL ({e})")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::invalid(
            field,
            format!("must be an http(s) URL, not {}:", parsed.scheme()),
        ));
    }
    if parsed.host_str().map_or(true, str::is_empty) {
        return Err(Error::invalid(field, "must be an http(s) URL with a host"));
    }
    Ok(())
}

/// What a caption holds, counted as [`validate_caption`] counts it against Meta's limits (a
/// composer's live counters show these next to [`MAX_CAPTION_CHARS`], [`MAX_HASHTAGS`] and
/// [`MAX_MENTIONS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaptionCounts {
    /// Characters (Unicode scalar values).
    pub characters: usize,
    /// Hashtags: a `#` followed by a letter, digit or `_`.
    pub hashtags: usize,
    /// @-mentions: an `@` not preceded by a word character, followed by a handle character.
    pub mentions: usize,
}

/// Counts a caption's characters, hashtags and @-mentions as [`validate_caption`] does.
pub fn caption_counts(caption: &str) -> CaptionCounts {
    CaptionCounts {
        characters: caption.chars().count(),
        hashtags: count_hashtags(caption),
        mentions: count_mentions(caption),
    }
}

/// Checks a caption against Meta's limits: at most [`MAX_CAPTION_CHARS`] characters,
/// [`MAX_HASHTAGS`] hashtags and [`MAX_MENTIONS`] @-mentions. Errors name the field `caption`
/// and the limit.
pub fn validate_caption(caption: &str) -> Result<()> {
    let chars = caption.chars().count();
    if chars > MAX_CAPTION_CHARS {
        return Err(Error::invalid(
            "caption",
            format!("is {chars} characters long; the limit is {MAX_CAPTION_CHARS} characters"),
        ));
    }
    let hashtags = count_hashtags(caption);
    if hashtags > MAX_HASHTAGS {
        return Err(Error::invalid(
            "caption",
            format!("has {hashtags} hashtags; the limit is {MAX_HASHTAGS} hashtags"),
        ));
    }
    let mentions = count_mentions(caption);
    if mentions > MAX_MENTIONS {
        return Err(Error::invalid(
            "caption",
            format!("has {mentions} @-mentions; the limit is {MAX_MENTIONS} mentions"),
        ));
    }
    Ok(())
}

/// Checks an alternative text: at most [`MAX_ALT_TEXT_CHARS`] characters.
pub fn validate_alt_text(alt_text: &str) -> Result<()> {
    let chars = alt_text.chars().count();
    if chars > MAX_ALT_TEXT_CHARS {
        return Err(Error::invalid(
            "alt_text",
            format!("is {chars} characters long; the limit is {MAX_ALT_TEXT_CHARS} characters"),
        ));
    }
    Ok(())
}

/// Checks user tags: at most [`MAX_USER_TAGS`], a non-empty username each, `x` and `y` within
/// `0.0..=1.0`.
pub fn validate_user_tags(tags: &[UserTag]) -> Result<()> {
    if tags.len() > MAX_USER_TAGS {
        return Err(Error::invalid(
            "user_tags",
            format!(
                "has {} tags; the limit is {MAX_USER_TAGS} user tags per media",
                tags.len()
            ),
        ));
    }
    for (i, tag) in tags.iter().enumerate() {
        if tag.username.trim().trim_start_matches('@').is_empty() {
            return Err(Error::invalid(
                "user_tags",
                format!("tag {i} has an empty username"),
            ));
        }
        let who = format!("@{}", tag.username);
        validate_position("user_tags", i, &who, "x", tag.x)?;
        validate_position("user_tags", i, &who, "y", tag.y)?;
    }
    Ok(())
}

/// Checks collaborators: at most [`MAX_COLLABORATORS`], none empty.
pub fn validate_collaborators(collaborators: &[String]) -> Result<()> {
    if collaborators.len() > MAX_COLLABORATORS {
        return Err(Error::invalid(
            "collaborators",
            format!(
                "has {} accounts; the limit is {MAX_COLLABORATORS} collaborators",
                collaborators.len()
            ),
        ));
    }
    if collaborators
        .iter()
        .any(|c| c.trim().trim_start_matches('@').is_empty())
    {
        return Err(Error::invalid("collaborators", "holds an empty username"));
    }
    Ok(())
}

/// Hashtags: a `#` followed by a letter, digit or `_`.
fn count_hashtags(text: &str) -> usize {
    let mut count = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '#'
            && chars
                .peek()
                .is_some_and(|n| n.is_alphanumeric() || *n == '_')
        {
            count += 1;
        }
    }
    count
}

/// @-mentions: an `@` not preceded by a word character (so e-mail addresses do not count),
/// followed by a handle character (letter, digit, `_` or `.`).
fn count_mentions(text: &str) -> usize {
    let mut count = 0;
    let mut prev: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '@'
            && !prev.is_some_and(|p| p.is_alphanumeric() || p == '_' || p == '.')
            && chars
                .peek()
                .is_some_and(|n| n.is_alphanumeric() || *n == '_' || *n == '.')
        {
            count += 1;
        }
        prev = Some(c);
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_hashtags_and_mentions() {
        assert_eq!(count_hashtags("#a #b ## #_c #"), 3);
        assert_eq!(count_mentions("@a hi @b.c mail x@y.com @ @@d"), 3);
    }

    #[test]
    fn caption_counts_are_what_validate_caption_checks() {
        let counts = caption_counts("Bread 🥖 #a #b @c x@y.com");
        assert_eq!(
            counts,
            CaptionCounts {
                characters: 24,
                hashtags: 2,
                mentions: 1
            }
        );
        let thirty_one: String = (0..31).map(|i| format!("#t{i} ")).collect();
        assert_eq!(caption_counts(&thirty_one).hashtags, MAX_HASHTAGS + 1);
        assert!(validate_caption(&thirty_one).is_err());
    }
}
