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
    for (i, tag) in tags.iter().enumerate() {
        if tag.product_id.trim().is_empty() {
            return Err(Error::invalid(
                "product_tags",
                format!("tag {i} has an empty product_id"),
            ));
        }
        for (axis, value) in [("x", tag.x), ("y", tag.y)] {
            if let Some(v) = value {
                if !(0.0..=1.0).contains(&v) {
                    return Err(Error::invalid(
                        "product_tags",
                        format!(
                            "tag {i} (product {}) has {axis} = {v}; x and y must be within 0..=1",
                            tag.product_id
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The field-level checks of a [`ContainerRequest`], before any call: which media fields go
/// together, URLs, caption, alternative text, tags, collaborators and the carousel size.
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
    if let Some(u) = &req.image_url {
        validate_media_url("image_url", u)?;
    }
    if let Some(u) = &req.video_url {
        validate_media_url("video_url", u)?;
    }
    if let Some(u) = &req.cover_url {
        validate_media_url("cover_url", u)?;
    }
    if req.media_type == Some(T::Video) && !req.is_carousel_item {
        return Err(Error::invalid(
            "media_type",
            "VIDEO is only allowed on a carousel item; use REELS for a video post",
        ));
    }
    if req.media_type == Some(T::Carousel) {
        let n = req.children.len();
        if !(MIN_CAROUSEL_ITEMS..=MAX_CAROUSEL_ITEMS).contains(&n) {
            return Err(Error::invalid(
                "children",
                format!(
                    "has {n} items; a carousel takes {MIN_CAROUSEL_ITEMS} to {MAX_CAROUSEL_ITEMS}"
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
        validate_caption(caption)?;
    }
    if let Some(alt) = &req.alt_text {
        validate_alt_text(alt)?;
    }
    validate_user_tags(&req.user_tags)?;
    validate_product_tags(&req.product_tags)?;
    validate_collaborators(&req.collaborators)?;
    if req.media_type == Some(T::Stories) && !req.collaborators.is_empty() {
        return Err(Error::invalid(
            "collaborators",
            "are not allowed on stories",
        ));
    }
    Ok(())
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

/// Checks user tags: a non-empty username each, `x` and `y` within `0.0..=1.0`.
pub fn validate_user_tags(tags: &[UserTag]) -> Result<()> {
    for (i, tag) in tags.iter().enumerate() {
        if tag.username.trim().trim_start_matches('@').is_empty() {
            return Err(Error::invalid(
                "user_tags",
                format!("tag {i} has an empty username"),
            ));
        }
        for (axis, value) in [("x", tag.x), ("y", tag.y)] {
            if !(0.0..=1.0).contains(&value) {
                return Err(Error::invalid(
                    "user_tags",
                    format!(
                        "tag {i} (@{}) has {axis} = {value}; x and y must be within 0..=1",
                        tag.username
                    ),
                ));
            }
        }
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

/// Every check of an image container, before any call: the URL, the caption (and that a
/// carousel item has none), the alternative text, the user tags and the collaborators.
pub fn validate_image_container(image: &ImageContainer) -> Result<()> {
    validate_media_url("image_url", &image.image_url)?;
    if let Some(caption) = &image.caption {
        if image.is_carousel_item {
            return Err(Error::invalid(
                "caption",
                "is not allowed on a carousel item; put it on the carousel",
            ));
        }
        validate_caption(caption)?;
    }
    if let Some(alt) = &image.alt_text {
        validate_alt_text(alt)?;
    }
    if let Some(location) = &image.location_id {
        if location.trim().is_empty() {
            return Err(Error::invalid("location_id", "is empty"));
        }
    }
    validate_user_tags(&image.user_tags)?;
    validate_collaborators(&image.collaborators)?;
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
}
