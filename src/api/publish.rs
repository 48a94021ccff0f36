//! Publishing building blocks: image containers (`POST /{ig-user-id}/media`), container status
//! (`GET /{container-id}`), `POST /{ig-user-id}/media_publish`, the publishing quota
//! (`GET /{ig-user-id}/content_publishing_limit`), the checks Meta applies to a post (run before
//! any call), and [`publish_image`], which chains them for one image.
//!
//! These are deliberately low level: no idempotency store, no scheduling. A publisher that must
//! publish exactly once across restarts persists the [`ContainerId`] before calling
//! [`IgUserHandler::media_publish`] and checks [`ContainerHandler::status`] (`PUBLISHED`) before
//! publishing again.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::ig_user::IgUserHandler;
use super::models::{
    Container, ContainerCreated, ContainerStatus, ListResponse, Media, MediaPublished,
    PublishingLimit,
};
use super::Graph;
use crate::error::{Error, ErrorClass, GraphApiError, RequestContext, Result};
use crate::ids::{ContainerId, IgUserId, MediaId};

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

/// Fields read when polling a container.
pub const CONTAINER_STATUS_FIELDS: &str = "id,status,status_code";

/// A user tag on an image: `username` at (`x`, `y`), both in `0.0..=1.0` from the top left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserTag {
    /// The tagged account's handle, without `@`.
    pub username: String,
    /// Horizontal position, `0.0..=1.0`.
    pub x: f64,
    /// Vertical position, `0.0..=1.0`.
    pub y: f64,
}

impl UserTag {
    /// A tag of `username` at (`x`, `y`).
    pub fn new(username: impl Into<String>, x: f64, y: f64) -> Self {
        Self {
            username: username.into(),
            x,
            y,
        }
    }
}

/// The parameters of an image container (`POST /{ig-user-id}/media` with `image_url`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImageContainer {
    /// Public http(s) URL of a JPEG that Meta downloads.
    pub image_url: String,
    /// The caption (≤ 2200 characters, ≤ 30 hashtags, ≤ 20 @-mentions; not on carousel items).
    pub caption: Option<String>,
    /// Alternative text (≤ 1000 characters).
    pub alt_text: Option<String>,
    /// A Facebook Page id of a location.
    pub location_id: Option<String>,
    /// People tagged on the image.
    pub user_tags: Vec<UserTag>,
    /// Up to 3 collaborator handles.
    pub collaborators: Vec<String>,
    /// True for an item of a carousel (sent as `is_carousel_item=true`).
    pub is_carousel_item: bool,
}

impl ImageContainer {
    /// A container for the image at `image_url`.
    pub fn new(image_url: impl Into<String>) -> Self {
        Self {
            image_url: image_url.into(),
            ..Self::default()
        }
    }

    /// Sets the caption.
    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }

    /// Sets the alternative text.
    pub fn alt_text(mut self, alt_text: impl Into<String>) -> Self {
        self.alt_text = Some(alt_text.into());
        self
    }

    /// Sets the location (a Page id).
    pub fn location_id(mut self, location_id: impl Into<String>) -> Self {
        self.location_id = Some(location_id.into());
        self
    }

    /// Adds a user tag.
    pub fn user_tag(mut self, tag: UserTag) -> Self {
        self.user_tags.push(tag);
        self
    }

    /// Adds a collaborator.
    pub fn collaborator(mut self, username: impl Into<String>) -> Self {
        self.collaborators.push(username.into());
        self
    }

    /// Marks the container as a carousel item.
    pub fn carousel_item(mut self) -> Self {
        self.is_carousel_item = true;
        self
    }
}

/// `media_type` of a container (`IMAGE` is the default and is never sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ContainerMediaType {
    /// A reel (`REELS`).
    Reels,
    /// A story, image or video (`STORIES`).
    Stories,
    /// A carousel container (`CAROUSEL`) whose `children` are item containers.
    Carousel,
    /// A video carousel item (`VIDEO`, only with `is_carousel_item=true`).
    Video,
}

impl ContainerMediaType {
    /// The value as it goes on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reels => "REELS",
            Self::Stories => "STORIES",
            Self::Carousel => "CAROUSEL",
            Self::Video => "VIDEO",
        }
    }
}

/// A product tag to put on a media (`product_tags` parameter): a catalog product, at (`x`, `y`)
/// on an image (both omitted on reels).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaggedProduct {
    /// The catalog product id.
    pub product_id: String,
    /// Horizontal position, `0.0..=1.0` (images only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<f64>,
    /// Vertical position, `0.0..=1.0` (images only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<f64>,
}

impl TaggedProduct {
    /// A tag of `product_id` at (`x`, `y`).
    pub fn at(product_id: impl Into<String>, x: f64, y: f64) -> Self {
        Self {
            product_id: product_id.into(),
            x: Some(x),
            y: Some(y),
        }
    }

    /// A tag of `product_id` without a position (reels).
    pub fn new(product_id: impl Into<String>) -> Self {
        Self {
            product_id: product_id.into(),
            x: None,
            y: None,
        }
    }
}

/// The parameters of any container (`POST /{ig-user-id}/media`): images, carousel items
/// (image or video), carousels, reels and stories, by URL or for a resumable upload.
///
/// Build one with a constructor ([`ContainerRequest::image`], [`ContainerRequest::video_item`],
/// [`ContainerRequest::carousel`], [`ContainerRequest::reel`], [`ContainerRequest::story_image`],
/// [`ContainerRequest::story_video`]) and the setters; [`ContainersHandler::create`] sends it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContainerRequest {
    /// `media_type` (`None`: an image).
    pub media_type: Option<ContainerMediaType>,
    /// `image_url`: a public JPEG URL.
    pub image_url: Option<String>,
    /// `video_url`: a public video URL (not with [`ContainerRequest::resumable`]).
    pub video_url: Option<String>,
    /// `upload_type=resumable`: the bytes are sent afterwards to the rupload URI.
    pub resumable: bool,
    /// `is_carousel_item=true`.
    pub is_carousel_item: bool,
    /// `children`: the item containers of a carousel (2 to 10), sent comma-separated.
    pub children: Vec<ContainerId>,
    /// `caption` (not on carousel items or stories).
    pub caption: Option<String>,
    /// `alt_text` (images).
    pub alt_text: Option<String>,
    /// `location_id` (a Page id).
    pub location_id: Option<String>,
    /// `user_tags`, sent as JSON.
    pub user_tags: Vec<UserTag>,
    /// `product_tags` (at most 5), sent as JSON.
    pub product_tags: Vec<TaggedProduct>,
    /// `collaborators` (at most 3, not on stories), sent as JSON.
    pub collaborators: Vec<String>,
    /// `share_to_feed` (reels).
    pub share_to_feed: Option<bool>,
    /// `cover_url` (reels).
    pub cover_url: Option<String>,
    /// `thumb_offset`, milliseconds into the video (reels).
    pub thumb_offset_ms: Option<u64>,
    /// `audio_name` (reels).
    pub audio_name: Option<String>,
}

impl ContainerRequest {
    /// An image (feed post), from `image_url`.
    pub fn image(image_url: impl Into<String>) -> Self {
        Self {
            image_url: Some(image_url.into()),
            ..Self::default()
        }
    }

    /// An image carousel item.
    pub fn image_item(image_url: impl Into<String>) -> Self {
        Self {
            is_carousel_item: true,
            ..Self::image(image_url)
        }
    }

    /// A video carousel item (`media_type=VIDEO`, `is_carousel_item=true`).
    pub fn video_item(video_url: impl Into<String>) -> Self {
        Self {
            media_type: Some(ContainerMediaType::Video),
            video_url: Some(video_url.into()),
            is_carousel_item: true,
            ..Self::default()
        }
    }

    /// A carousel of item containers (`media_type=CAROUSEL`).
    pub fn carousel(children: impl IntoIterator<Item = ContainerId>) -> Self {
        Self {
            media_type: Some(ContainerMediaType::Carousel),
            children: children.into_iter().collect(),
            ..Self::default()
        }
    }

    /// A reel from `video_url` (`media_type=REELS`).
    pub fn reel(video_url: impl Into<String>) -> Self {
        Self {
            media_type: Some(ContainerMediaType::Reels),
            video_url: Some(video_url.into()),
            ..Self::default()
        }
    }

    /// An image story (`media_type=STORIES`).
    pub fn story_image(image_url: impl Into<String>) -> Self {
        Self {
            media_type: Some(ContainerMediaType::Stories),
            image_url: Some(image_url.into()),
            ..Self::default()
        }
    }

    /// A video story (`media_type=STORIES`).
    pub fn story_video(video_url: impl Into<String>) -> Self {
        Self {
            media_type: Some(ContainerMediaType::Stories),
            video_url: Some(video_url.into()),
            ..Self::default()
        }
    }

    /// A video container whose bytes are uploaded afterwards (`upload_type=resumable`, no
    /// `video_url`): `media_type` is [`ContainerMediaType::Reels`],
    /// [`ContainerMediaType::Stories`] or [`ContainerMediaType::Video`] (a carousel item).
    pub fn resumable_video(media_type: ContainerMediaType) -> Self {
        Self {
            media_type: Some(media_type),
            resumable: true,
            is_carousel_item: media_type == ContainerMediaType::Video,
            ..Self::default()
        }
    }

    /// Sets the caption.
    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }

    /// Sets the alternative text.
    pub fn alt_text(mut self, alt_text: impl Into<String>) -> Self {
        self.alt_text = Some(alt_text.into());
        self
    }

    /// Sets the location (a Page id).
    pub fn location_id(mut self, location_id: impl Into<String>) -> Self {
        self.location_id = Some(location_id.into());
        self
    }

    /// Adds a user tag.
    pub fn user_tag(mut self, tag: UserTag) -> Self {
        self.user_tags.push(tag);
        self
    }

    /// Adds a product tag.
    pub fn product_tag(mut self, tag: TaggedProduct) -> Self {
        self.product_tags.push(tag);
        self
    }

    /// Adds a collaborator.
    pub fn collaborator(mut self, username: impl Into<String>) -> Self {
        self.collaborators.push(username.into());
        self
    }

    /// Sets `share_to_feed` (reels).
    pub fn share_to_feed(mut self, share: bool) -> Self {
        self.share_to_feed = Some(share);
        self
    }

    /// Sets the cover image URL (reels).
    pub fn cover_url(mut self, url: impl Into<String>) -> Self {
        self.cover_url = Some(url.into());
        self
    }

    /// Sets the thumbnail frame, in milliseconds (reels).
    pub fn thumb_offset_ms(mut self, ms: u64) -> Self {
        self.thumb_offset_ms = Some(ms);
        self
    }

    /// Sets the audio name (reels).
    pub fn audio_name(mut self, name: impl Into<String>) -> Self {
        self.audio_name = Some(name.into());
        self
    }

    /// The URL the container fetches (image or video), if any: for error contexts.
    pub fn media_url(&self) -> Option<&str> {
        self.image_url.as_deref().or(self.video_url.as_deref())
    }

    /// The form fields, in a fixed order.
    fn form_fields(&self) -> Result<Vec<(&'static str, String)>> {
        let mut out: Vec<(&'static str, String)> = Vec::new();
        if let Some(t) = self.media_type {
            out.push(("media_type", t.as_str().to_owned()));
        }
        if let Some(u) = &self.image_url {
            out.push(("image_url", u.trim().to_owned()));
        }
        if let Some(u) = &self.video_url {
            out.push(("video_url", u.trim().to_owned()));
        }
        if self.resumable {
            out.push(("upload_type", "resumable".to_owned()));
        }
        if self.is_carousel_item {
            out.push(("is_carousel_item", "true".to_owned()));
        }
        if !self.children.is_empty() {
            let ids: Vec<&str> = self.children.iter().map(ContainerId::as_str).collect();
            out.push(("children", ids.join(",")));
        }
        if let Some(c) = &self.caption {
            out.push(("caption", c.clone()));
        }
        if let Some(a) = &self.alt_text {
            out.push(("alt_text", a.clone()));
        }
        if let Some(l) = &self.location_id {
            out.push(("location_id", l.trim().to_owned()));
        }
        if !self.user_tags.is_empty() {
            out.push(("user_tags", to_json("user_tags", &self.user_tags)?));
        }
        if !self.product_tags.is_empty() {
            out.push(("product_tags", to_json("product_tags", &self.product_tags)?));
        }
        if !self.collaborators.is_empty() {
            out.push((
                "collaborators",
                to_json("collaborators", &self.collaborators)?,
            ));
        }
        if let Some(s) = self.share_to_feed {
            out.push(("share_to_feed", s.to_string()));
        }
        if let Some(c) = &self.cover_url {
            out.push(("cover_url", c.trim().to_owned()));
        }
        if let Some(t) = self.thumb_offset_ms {
            out.push(("thumb_offset", t.to_string()));
        }
        if let Some(a) = &self.audio_name {
            out.push(("audio_name", a.clone()));
        }
        Ok(out)
    }
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

impl<'a> IgUserHandler<'a> {
    /// The account's media containers (`POST /{ig-user-id}/media`).
    pub fn containers(&self) -> ContainersHandler<'a> {
        ContainersHandler {
            graph: self.graph,
            ig_user: self.id.clone(),
        }
    }

    /// `POST /{ig-user-id}/media_publish?creation_id=…`: publishes a `FINISHED` container and
    /// returns the new media's id.
    ///
    /// Never retried by the pipeline: a repeat could publish twice. A container that is not
    /// ready fails with code 9007 / subcode 2207027 ([`ErrorClass::NotReady`]).
    pub async fn media_publish(&self, container: &ContainerId) -> Result<MediaId> {
        let published: MediaPublished = self
            .graph
            .post(format!("{}/media_publish", self.id))
            .query("creation_id", container.as_str())
            .retry_safe(false)
            .container_context(container.as_str())
            .send()
            .await?;
        Ok(published.id)
    }

    /// `GET /{ig-user-id}/content_publishing_limit?fields=quota_usage,config`: posts used and
    /// allowed in the current 24-hour window. An empty answer reads as zero usage.
    pub async fn content_publishing_limit(&self) -> Result<PublishingLimit> {
        let list: ListResponse<PublishingLimit> = self
            .graph
            .get(format!("{}/content_publishing_limit", self.id))
            .query("fields", "quota_usage,config")
            .send()
            .await?;
        Ok(list
            .data
            .into_iter()
            .next()
            .unwrap_or_else(|| PublishingLimit {
                quota_usage: Some(0),
                config: None,
                extra: serde_json::Map::new(),
            }))
    }

    /// Publishes one image: see [`publish_image`].
    pub async fn publish_image(
        &self,
        image: ImageContainer,
        wait: WaitOptions,
    ) -> Result<Published> {
        publish_image(self.graph, &self.id, image, wait).await
    }
}

/// The containers of an IG user: `ig_user(id).containers()`.
#[derive(Debug, Clone)]
pub struct ContainersHandler<'a> {
    graph: Graph<'a>,
    ig_user: IgUserId,
}

impl ContainersHandler<'_> {
    /// `POST /{ig-user-id}/media` with an image: validates `image` first (no call is made when a
    /// check fails), then creates the container and returns its id.
    ///
    /// The parameters go as form fields; `user_tags` and `collaborators` as JSON text. Not
    /// retried by the pipeline (each attempt would create a container).
    pub async fn create_image(&self, image: &ImageContainer) -> Result<ContainerId> {
        validate_image_container(image)?;
        let mut req = self
            .graph
            .post(format!("{}/media", self.ig_user))
            .retry_safe(false)
            .media_context(&image.image_url)
            .form("image_url", image.image_url.trim());
        if image.is_carousel_item {
            req = req.form("is_carousel_item", "true");
        }
        if let Some(caption) = &image.caption {
            req = req.form("caption", caption.as_str());
        }
        if let Some(alt) = &image.alt_text {
            req = req.form("alt_text", alt.as_str());
        }
        if let Some(location) = &image.location_id {
            req = req.form("location_id", location.trim());
        }
        if !image.user_tags.is_empty() {
            req = req.form("user_tags", to_json("user_tags", &image.user_tags)?);
        }
        if !image.collaborators.is_empty() {
            req = req.form(
                "collaborators",
                to_json("collaborators", &image.collaborators)?,
            );
        }
        let created: ContainerCreated = req.send().await?;
        Ok(created.id)
    }

    /// `POST /{ig-user-id}/media` with any container: validates `request` first
    /// ([`validate_container_request`]; no call when a check fails), then creates the container
    /// and returns Meta's answer (`id`, and `uri` for a resumable upload).
    ///
    /// `children`, when set, go comma-separated; `user_tags`, `product_tags` and
    /// `collaborators` as JSON text. Not retried by the pipeline (each attempt would create a
    /// container).
    pub async fn create(&self, request: &ContainerRequest) -> Result<ContainerCreated> {
        validate_container_request(request)?;
        let mut req = self
            .graph
            .post(format!("{}/media", self.ig_user))
            .retry_safe(false);
        if let Some(url) = request.media_url() {
            req = req.media_context(url);
        }
        for (key, value) in request.form_fields()? {
            req = req.form(key, value);
        }
        req.send().await
    }
}

fn to_json<T: Serialize + ?Sized>(field: &'static str, value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::invalid(field, e.to_string()))
}

/// One media container: `graph.container(id)`.
#[derive(Debug, Clone)]
pub struct ContainerHandler<'a> {
    graph: Graph<'a>,
    id: ContainerId,
}

impl<'a> ContainerHandler<'a> {
    pub(crate) fn new(graph: Graph<'a>, id: ContainerId) -> Self {
        Self { graph, id }
    }

    /// The container id.
    pub fn id(&self) -> &ContainerId {
        &self.id
    }

    /// `GET /{container-id}?fields=id,status,status_code`.
    pub async fn status(&self) -> Result<Container> {
        self.graph
            .get(self.id.to_string())
            .query("fields", CONTAINER_STATUS_FIELDS)
            .container_context(self.id.as_str())
            .send()
            .await
    }

    /// Polls the container until it is `FINISHED` (or `PUBLISHED`) and returns its last status.
    ///
    /// Polling is adaptive: the first poll is immediate, then the interval starts at
    /// [`WaitOptions::initial_interval`] and grows by [`WaitOptions::factor`] up to
    /// [`WaitOptions::max_interval`]; the whole wait is bounded by [`WaitOptions::timeout`].
    ///
    /// Errors (all [`Error::Graph`] carrying the container id in their context):
    /// - `ERROR`: code 0, `error_subcode` taken from the container's `status` text when it holds
    ///   one (e.g. 2207026), the `status` text in the message;
    /// - `EXPIRED`: subcode 2207020 (media expired);
    /// - still in progress at the deadline: code 9007 / subcode 2207027, so
    ///   [`Error::class`] is [`ErrorClass::NotReady`] and the caller may wait more later.
    pub async fn wait(&self, options: &WaitOptions) -> Result<Container> {
        let deadline = tokio::time::Instant::now() + options.timeout;
        let mut interval = options.initial_interval;
        loop {
            let container = self.status().await?;
            match &container.status_code {
                Some(ContainerStatus::Finished | ContainerStatus::Published) => {
                    return Ok(container)
                }
                Some(ContainerStatus::Error) => {
                    let status = container.status.as_deref().unwrap_or("");
                    return Err(self.error(
                        0,
                        status_subcode(status),
                        format!(
                            "container {} failed processing (status_code ERROR): {}",
                            self.id,
                            if status.is_empty() {
                                "no status given"
                            } else {
                                status
                            }
                        ),
                    ));
                }
                Some(ContainerStatus::Expired) => {
                    return Err(self.error(
                        0,
                        Some(2207020),
                        format!(
                            "container {} expired (not published within 24 hours); create a new one",
                            self.id
                        ),
                    ));
                }
                _ => {}
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                let state = container
                    .status_code
                    .as_ref()
                    .map_or("no status_code", |s| s.as_str());
                return Err(self.error(
                    9007,
                    Some(2207027),
                    format!(
                        "container {} is not ready after {:?} ({state})",
                        self.id, options.timeout
                    ),
                ));
            }
            tokio::time::sleep(interval.min(deadline - now)).await;
            interval = interval
                .mul_f64(options.factor.max(1.0))
                .min(options.max_interval);
        }
    }

    /// A Graph-shaped error about this container (not from an error response: `status` 200).
    fn error(&self, code: i64, subcode: Option<i64>, message: String) -> Error {
        let config = self.graph.client().config();
        Error::Graph {
            error: Box::new(GraphApiError {
                message,
                kind: Some("ContainerStatus".to_owned()),
                code,
                error_subcode: subcode,
                ..GraphApiError::default()
            }),
            status: 200,
            context: Box::new(RequestContext {
                method: "GET".to_owned(),
                path: format!(
                    "{}/{}/{}",
                    self.graph.host().label(),
                    config.api_version,
                    self.id
                ),
                container_id: Some(self.id.to_string()),
                media_url: None,
                attempts: 1,
            }),
            retry_after: None,
        }
    }
}

/// The subcode in a container's `status` text (`"Error: 2207026"`, `"… (2207052)"`): the first
/// run of 7 digits, else the first run of at least 4.
pub(crate) fn status_subcode(status: &str) -> Option<i64> {
    let runs: Vec<&str> = status
        .split(|c: char| !c.is_ascii_digit())
        .filter(|r| r.len() >= 4)
        .collect();
    runs.iter()
        .find(|r| r.len() == 7)
        .or_else(|| runs.first())
        .and_then(|r| r.parse().ok())
}

/// How [`ContainerHandler::wait`] and [`publish_image`] poll a container.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitOptions {
    /// The longest the whole wait may take (5 minutes by default, as Meta suggests).
    pub timeout: Duration,
    /// The first pause between polls (250 ms by default).
    pub initial_interval: Duration,
    /// The longest pause between polls (5 s by default).
    pub max_interval: Duration,
    /// How much each pause grows (1.5 by default; values below 1 count as 1).
    pub factor: f64,
}

impl Default for WaitOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(300),
            initial_interval: Duration::from_millis(250),
            max_interval: Duration::from_secs(5),
            factor: 1.5,
        }
    }
}

impl WaitOptions {
    /// The default polling with another overall timeout.
    pub fn with_timeout(timeout: Duration) -> Self {
        Self {
            timeout,
            ..Self::default()
        }
    }
}

/// What [`publish_image`] published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// The new media's id.
    pub media_id: MediaId,
    /// The container it was published from.
    pub container_id: ContainerId,
    /// The post's permalink; `None` when reading it back failed (the post is published anyway).
    pub permalink: Option<String>,
}

/// Publishes one image on `ig_user`: validates it, creates the container, waits until it is
/// `FINISHED` ([`ContainerHandler::wait`] with `wait`), publishes it, and reads the permalink
/// back (`GET /{media-id}?fields=permalink`).
///
/// If `media_publish` answers "not ready" (9007 / 2207027) the container is waited for again and
/// publishing retried, at most 3 times in all, within the same overall timeout. A failure to
/// read the permalink after publishing is not an error (the post exists): `permalink` is `None`.
pub async fn publish_image(
    graph: Graph<'_>,
    ig_user: &IgUserId,
    image: ImageContainer,
    wait: WaitOptions,
) -> Result<Published> {
    let user = graph.ig_user(ig_user.clone());
    let container_id = user.containers().create_image(&image).await?;
    let container = graph.container(container_id.clone());
    let started = tokio::time::Instant::now();
    let mut attempts = 0;
    let media_id = loop {
        attempts += 1;
        let remaining = wait.timeout.saturating_sub(started.elapsed());
        let status = container
            .wait(&WaitOptions {
                timeout: remaining,
                ..wait.clone()
            })
            .await?;
        if status.status_code == Some(ContainerStatus::Published) {
            return Err(container.error(
                506,
                None,
                format!("container {container_id} is already published"),
            ));
        }
        match user.media_publish(&container_id).await {
            Err(e) if e.class() == ErrorClass::NotReady && attempts < 3 => continue,
            other => break other?,
        }
    };
    let permalink = match graph
        .media(media_id.clone())
        .get()
        .fields(["permalink"])
        .send()
        .await
    {
        Ok(Media { permalink, .. }) => permalink,
        Err(e) => {
            tracing::warn!(media_id = %media_id, error = %e, "published, but reading the permalink failed");
            None
        }
    };
    Ok(Published {
        media_id,
        container_id,
        permalink,
    })
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
    fn subcode_from_status() {
        assert_eq!(status_subcode("Error: 2207026"), Some(2207026));
        assert_eq!(status_subcode("failed (9004) see 2207052"), Some(2207052));
        assert_eq!(status_subcode("code 9004"), Some(9004));
        assert_eq!(status_subcode("Error"), None);
    }
}
