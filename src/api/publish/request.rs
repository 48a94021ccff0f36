//! The parameters of a container: [`ContainerRequest`] and its parts.

use serde::{Deserialize, Serialize};

use super::*;
use crate::error::Result;
use crate::ids::ContainerId;

/// A user tag on an image: `username` at (`x`, `y`), both in `0.0..=1.0` from the top left.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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

/// `media_type` of a container (`IMAGE` is the default and is never sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
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
/// [`ContainerRequest::story_video`]) and the setters;
/// [`PublishingHandler::create_container`](super::PublishingHandler::create_container) sends it.
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
    /// `trial_params` (reels): publish as a trial reel, shown to non-followers first.
    pub trial_params: Option<TrialParams>,
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

    /// Makes the reel a trial reel (`trial_params`).
    pub fn trial_params(mut self, params: TrialParams) -> Self {
        self.trial_params = Some(params);
        self
    }

    /// The URL the container fetches (image or video), if any: for error contexts.
    pub fn media_url(&self) -> Option<&str> {
        self.image_url.as_deref().or(self.video_url.as_deref())
    }

    /// The form fields, in a fixed order.
    pub(super) fn form_fields(&self) -> Result<Vec<(&'static str, String)>> {
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
        if let Some(t) = &self.trial_params {
            out.push(("trial_params", to_json("trial_params", t)?));
        }
        Ok(out)
    }
}
