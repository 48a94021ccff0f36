//! [`Post`]: what to publish (an image, a carousel, a reel or a story), serialisable so that a
//! job can persist it, and its checks, run before any network call.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::api::publish::{
    validate_container_request, ContainerMediaType, ContainerRequest, TaggedProduct, TrialParams,
    UserTag, MAX_CAROUSEL_ITEMS, MIN_CAROUSEL_ITEMS,
};
use crate::error::{Error, MediaRef, Result};
use crate::ids::ContainerId;

/// What kind of post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum PostKind {
    /// One image in the feed.
    Image,
    /// 2 to 10 images and videos in one feed post.
    Carousel,
    /// A reel (a video).
    Reel,
    /// A story (an image or a video).
    Story,
}

impl fmt::Display for PostKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PostKind::Image => "image post",
            PostKind::Carousel => "carousel",
            PostKind::Reel => "reel",
            PostKind::Story => "story",
        })
    }
}

/// Whether a media is an image or a video.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    /// A JPEG image.
    Image,
    /// A video (MP4/MOV).
    Video,
}

/// Where a media comes from: a public URL Meta downloads, or a local video file uploaded
/// through the resumable upload host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaSource {
    /// A public http(s) URL.
    Url(String),
    /// A local file (videos only), sent with `upload_type=resumable`.
    File(PathBuf),
}

impl MediaSource {
    /// A local file to upload.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        MediaSource::File(path.into())
    }

    /// The URL, or the file path, as text for messages.
    pub fn label(&self) -> String {
        match self {
            MediaSource::Url(u) => u.trim().to_owned(),
            MediaSource::File(p) => p.display().to_string(),
        }
    }
}

impl From<&str> for MediaSource {
    fn from(url: &str) -> Self {
        MediaSource::Url(url.to_owned())
    }
}

impl From<String> for MediaSource {
    fn from(url: String) -> Self {
        MediaSource::Url(url)
    }
}

impl From<PathBuf> for MediaSource {
    fn from(path: PathBuf) -> Self {
        MediaSource::File(path)
    }
}

/// One media: of a carousel (an item), or of a story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaItem {
    /// Image or video.
    pub kind: MediaKind,
    /// Where it comes from.
    pub source: MediaSource,
    /// Alternative text (images, ≤ 1000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt_text: Option<String>,
    /// People tagged on it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_tags: Vec<UserTag>,
    /// Products tagged on it (≤ 5).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub product_tags: Vec<TaggedProduct>,
}

impl MediaItem {
    /// An image from a public URL.
    pub fn image(url: impl Into<String>) -> Self {
        Self::new(MediaKind::Image, MediaSource::Url(url.into()))
    }

    /// A video from a public URL or a local file ([`MediaSource::file`]).
    pub fn video(source: impl Into<MediaSource>) -> Self {
        Self::new(MediaKind::Video, source.into())
    }

    pub(crate) fn new(kind: MediaKind, source: MediaSource) -> Self {
        Self {
            kind,
            source,
            alt_text: None,
            user_tags: Vec::new(),
            product_tags: Vec::new(),
        }
    }

    /// Sets the alternative text.
    pub fn alt_text(mut self, alt_text: impl Into<String>) -> Self {
        self.alt_text = Some(alt_text.into());
        self
    }

    /// Tags a person.
    pub fn user_tag(mut self, tag: UserTag) -> Self {
        self.user_tags.push(tag);
        self
    }

    /// Tags a product.
    pub fn product_tag(mut self, tag: TaggedProduct) -> Self {
        self.product_tags.push(tag);
        self
    }
}

/// A post to publish: build it with [`Post::image`], [`Post::carousel`], [`Post::reel`] or
/// [`Post::story`] and the setters, then hand it to
/// [`Publisher::publish`](super::Publisher::publish).
///
/// A `Post` serialises to JSON (it is what a publish job stores in
/// [`JobRecord::payload`](crate::store::JobRecord::payload)): use [`Post::to_payload`] and
/// [`Post::from_payload`].
///
/// Setters never fail; [`Post::validate`] (run by the publisher before any call) refuses what
/// Meta would refuse, naming the field, the limit and the media concerned. Settings a post kind
/// does not take (a caption on a story, `share_to_feed` on an image, alternative text on a
/// video) are refused there too, rather than dropped silently.
///
/// ```
/// use instagraph::publisher::{MediaItem, Post};
/// use instagraph::api::publish::UserTag;
///
/// let post = Post::carousel([
///     MediaItem::image("https://cdn.example.com/a.jpg").alt_text("A croissant"),
///     MediaItem::video("https://cdn.example.com/b.mp4"),
/// ])
/// .caption("Fresh from the oven #bakery")
/// .collaborator("baker.bob");
/// assert!(post.validate().is_ok());
///
/// let bad = Post::image("https://cdn.example.com/a.jpg").user_tag(UserTag::new("ann", 1.5, 0.2));
/// assert!(bad.validate().unwrap_err().to_string().contains("https://cdn.example.com/a.jpg"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Post {
    /// What kind of post.
    pub kind: PostKind,
    /// The media: exactly one for an image, reel or story; the items of a carousel.
    pub items: Vec<MediaItem>,
    /// The caption (not on stories).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// Alternative text of the post's image (single-image posts; on a carousel set it on each
    /// item).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alt_text: Option<String>,
    /// People tagged on the post's media (on a carousel, tag each item).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_tags: Vec<UserTag>,
    /// Products tagged on the post's media (on a carousel, tag each item).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub product_tags: Vec<TaggedProduct>,
    /// A location (a Facebook Page id; not on stories).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location_id: Option<String>,
    /// Up to 3 collaborator handles (not on stories).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub collaborators: Vec<String>,
    /// Reels: also show the reel in the feed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_to_feed: Option<bool>,
    /// Reels: a cover image URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover_url: Option<String>,
    /// Reels: the frame used as thumbnail, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumb_offset_ms: Option<u64>,
    /// Reels: the name of the audio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_name: Option<String>,
    /// Reels: publish as a trial reel (non-followers first), graduating as it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trial_params: Option<TrialParams>,
}

impl Post {
    fn with(kind: PostKind, items: Vec<MediaItem>) -> Self {
        Self {
            kind,
            items,
            caption: None,
            alt_text: None,
            user_tags: Vec::new(),
            product_tags: Vec::new(),
            location_id: None,
            collaborators: Vec::new(),
            share_to_feed: None,
            cover_url: None,
            thumb_offset_ms: None,
            audio_name: None,
            trial_params: None,
        }
    }

    /// A post of a kind chosen at run time (a binding's, a form's) with its media:
    /// [`Post::validate`] checks that they fit the kind.
    pub fn new(kind: PostKind, items: impl IntoIterator<Item = MediaItem>) -> Self {
        Self::with(kind, items.into_iter().collect())
    }

    /// An image post from a public JPEG URL.
    pub fn image(url: impl Into<String>) -> Self {
        Self::with(PostKind::Image, vec![MediaItem::image(url)])
    }

    /// A carousel of 2 to 10 items, images and videos mixed. The caption, location and
    /// collaborators go on the carousel; alternative text and tags on each item.
    pub fn carousel(items: impl IntoIterator<Item = MediaItem>) -> Self {
        Self::with(PostKind::Carousel, items.into_iter().collect())
    }

    /// A reel from a public video URL or a local file ([`MediaSource::file`]).
    pub fn reel(video: impl Into<MediaSource>) -> Self {
        Self::with(PostKind::Reel, vec![MediaItem::video(video)])
    }

    /// A story: [`MediaItem::image`] or [`MediaItem::video`].
    pub fn story(media: MediaItem) -> Self {
        Self::with(PostKind::Story, vec![media])
    }

    /// Sets the caption.
    pub fn caption(mut self, caption: impl Into<String>) -> Self {
        self.caption = Some(caption.into());
        self
    }

    /// Sets the alternative text of the post's image.
    pub fn alt_text(mut self, alt_text: impl Into<String>) -> Self {
        self.alt_text = Some(alt_text.into());
        self
    }

    /// Tags a person on the post's media.
    pub fn user_tag(mut self, tag: UserTag) -> Self {
        self.user_tags.push(tag);
        self
    }

    /// Tags a product on the post's media.
    pub fn product_tag(mut self, tag: TaggedProduct) -> Self {
        self.product_tags.push(tag);
        self
    }

    /// Sets the location (a Facebook Page id).
    pub fn location_id(mut self, location_id: impl Into<String>) -> Self {
        self.location_id = Some(location_id.into());
        self
    }

    /// Adds a collaborator (a handle, without `@`).
    pub fn collaborator(mut self, username: impl Into<String>) -> Self {
        self.collaborators.push(username.into());
        self
    }

    /// Reels: whether the reel also shows in the feed.
    pub fn share_to_feed(mut self, share: bool) -> Self {
        self.share_to_feed = Some(share);
        self
    }

    /// Reels: the cover image URL.
    pub fn cover_url(mut self, url: impl Into<String>) -> Self {
        self.cover_url = Some(url.into());
        self
    }

    /// Reels: the thumbnail frame, in milliseconds into the video.
    pub fn thumb_offset_ms(mut self, ms: u64) -> Self {
        self.thumb_offset_ms = Some(ms);
        self
    }

    /// Reels: the audio's name.
    pub fn audio_name(mut self, name: impl Into<String>) -> Self {
        self.audio_name = Some(name.into());
        self
    }

    /// Reels: publishes a trial reel (shown to non-followers first).
    pub fn trial_params(mut self, params: TrialParams) -> Self {
        self.trial_params = Some(params);
        self
    }

    /// The post as a job payload (JSON).
    pub fn to_payload(&self) -> Result<serde_json::Value> {
        serde_json::to_value(self).map_err(|e| Error::invalid("post", e.to_string()))
    }

    /// Reads a post back from a job payload.
    pub fn from_payload(payload: &serde_json::Value) -> Result<Self> {
        Post::deserialize(payload)
            .map_err(|e| Error::invalid("payload", format!("is not a publishable post: {e}")))
    }

    /// The media an error about the whole post concerns: the single media, or the carousel.
    pub fn media_ref(&self) -> MediaRef {
        match (self.kind, self.items.first()) {
            (PostKind::Carousel, _) | (_, None) => MediaRef::Carousel,
            (_, Some(item)) => MediaRef::Media {
                url: item.source.label(),
            },
        }
    }

    /// The media an error about item `index` concerns.
    pub fn item_ref(&self, index: usize) -> MediaRef {
        let url = self
            .items
            .get(index)
            .map(|i| i.source.label())
            .unwrap_or_default();
        if self.kind == PostKind::Carousel {
            MediaRef::Child { index, url }
        } else {
            MediaRef::Media { url }
        }
    }

    /// Whether every media is an image (no processing wait is expected).
    pub(crate) fn images_only(&self) -> bool {
        self.items.iter().all(|i| i.kind == MediaKind::Image)
    }

    /// Checks the post against Meta's rules, before any call. Each error names the field, the
    /// limit, and the media concerned (its URL, or the carousel item's index and URL).
    ///
    /// The post is lowered into the container requests it will send and each is checked by
    /// [`validate_container_request`], the one rule set of publishing; what is checked here is
    /// only what the requests cannot show (how many media of which kind, files to upload, a
    /// setting given twice).
    pub fn validate(&self) -> Result<()> {
        let whole = self.media_ref();
        self.validate_shape().map_err(|e| about(&whole, e))?;
        for (index, item) in self.items.iter().enumerate() {
            let media = self.item_ref(index);
            self.validate_item(item).map_err(|e| about(&media, e))?;
            if let Some(request) = self.item_request(index) {
                validate_container_request(&request).map_err(|e| about(&media, e))?;
            }
        }
        if self.kind == PostKind::Carousel {
            // The items' containers do not exist yet: stand-ins of the right number.
            let children = (0..self.items.len()).map(|i| ContainerId::new(format!("item-{i}")));
            validate_container_request(&self.carousel_request(children.collect()))
                .map_err(|e| about(&whole, e))?;
        }
        Ok(())
    }

    /// How many media, of which kind.
    fn validate_shape(&self) -> Result<()> {
        if self.kind == PostKind::Carousel {
            let n = self.items.len();
            if !(MIN_CAROUSEL_ITEMS..=MAX_CAROUSEL_ITEMS).contains(&n) {
                return Err(Error::invalid(
                    "children",
                    format!(
                        "has {n} items; a carousel takes {MIN_CAROUSEL_ITEMS} to {MAX_CAROUSEL_ITEMS} items"
                    ),
                ));
            }
            return Ok(());
        }
        if self.items.len() != 1 {
            return Err(Error::invalid(
                "items",
                format!(
                    "a {} has exactly one media, not {}",
                    self.kind,
                    self.items.len()
                ),
            ));
        }
        match (self.kind, self.items.first().map(|i| i.kind)) {
            (PostKind::Image, Some(MediaKind::Video)) => Err(Error::invalid(
                "items",
                "an image post takes an image; publish a video as a reel",
            )),
            (PostKind::Reel, Some(MediaKind::Image)) => {
                Err(Error::invalid("items", "a reel takes a video"))
            }
            _ => Ok(()),
        }
    }

    /// A file to upload is a readable video; alternative text is set once.
    fn validate_item(&self, item: &MediaItem) -> Result<()> {
        if let MediaSource::File(path) = &item.source {
            if item.kind == MediaKind::Image {
                return Err(Error::invalid(
                    "image_url",
                    "an image must be a public http(s) URL; only videos can be uploaded from a file",
                ));
            }
            match std::fs::metadata(path) {
                Ok(m) if m.is_file() && m.len() > 0 => {}
                Ok(_) => {
                    return Err(Error::invalid(
                        "video_file",
                        "is empty or not a regular file",
                    ))
                }
                Err(e) => {
                    return Err(Error::invalid(
                        "video_file",
                        format!("cannot be read ({e})"),
                    ))
                }
            }
        }
        if self.kind != PostKind::Carousel && item.alt_text.is_some() && self.alt_text.is_some() {
            return Err(Error::invalid(
                "alt_text",
                "is set both on the post and on its media; set it once",
            ));
        }
        Ok(())
    }

    fn effective_user_tags(&self, item: &MediaItem) -> Vec<UserTag> {
        let mut tags = item.user_tags.clone();
        if self.kind != PostKind::Carousel {
            tags.extend(self.user_tags.iter().cloned());
        }
        tags
    }

    fn effective_product_tags(&self, item: &MediaItem) -> Vec<TaggedProduct> {
        let mut tags = item.product_tags.clone();
        if self.kind != PostKind::Carousel {
            tags.extend(self.product_tags.iter().cloned());
        }
        tags
    }

    /// The container request of item `index` (a carousel item, or the single media of the post
    /// with every post-level setting).
    pub(crate) fn item_request(&self, index: usize) -> Option<ContainerRequest> {
        let item = self.items.get(index)?;
        let carousel = self.kind == PostKind::Carousel;
        let mut req = match (&item.source, item.kind, self.kind) {
            (MediaSource::Url(u), MediaKind::Image, PostKind::Story) => {
                ContainerRequest::story_image(u.trim())
            }
            (MediaSource::Url(u), MediaKind::Video, PostKind::Story) => {
                ContainerRequest::story_video(u.trim())
            }
            (MediaSource::Url(u), MediaKind::Image, PostKind::Carousel) => {
                ContainerRequest::image_item(u.trim())
            }
            (MediaSource::Url(u), MediaKind::Video, PostKind::Carousel) => {
                ContainerRequest::video_item(u.trim())
            }
            (MediaSource::Url(u), MediaKind::Image, _) => ContainerRequest::image(u.trim()),
            (MediaSource::Url(u), MediaKind::Video, _) => ContainerRequest::reel(u.trim()),
            (MediaSource::File(_), _, PostKind::Story) => {
                ContainerRequest::resumable_video(ContainerMediaType::Stories)
            }
            (MediaSource::File(_), _, PostKind::Carousel) => {
                ContainerRequest::resumable_video(ContainerMediaType::Video)
            }
            (MediaSource::File(_), _, _) => {
                ContainerRequest::resumable_video(ContainerMediaType::Reels)
            }
        };
        req.alt_text = item
            .alt_text
            .clone()
            .or_else(|| (!carousel).then(|| self.alt_text.clone()).flatten());
        req.user_tags = self.effective_user_tags(item);
        req.product_tags = self.effective_product_tags(item);
        if !carousel {
            self.apply_post_settings(&mut req);
        }
        Some(req)
    }

    /// The carousel container's request, over the items' containers. Alternative text and
    /// tags set on the post itself go on it too, so that validation refuses them (a carousel
    /// takes them on its items) rather than dropping them.
    pub(crate) fn carousel_request(&self, children: Vec<ContainerId>) -> ContainerRequest {
        let mut req = ContainerRequest::carousel(children);
        req.alt_text = self.alt_text.clone();
        req.user_tags = self.user_tags.clone();
        req.product_tags = self.product_tags.clone();
        self.apply_post_settings(&mut req);
        req
    }

    fn apply_post_settings(&self, req: &mut ContainerRequest) {
        req.caption = self.caption.clone();
        req.location_id = self.location_id.clone();
        req.collaborators = self.collaborators.clone();
        req.share_to_feed = self.share_to_feed;
        req.cover_url = self.cover_url.clone();
        req.thumb_offset_ms = self.thumb_offset_ms;
        req.audio_name = self.audio_name.clone();
        req.trial_params = self.trial_params;
    }
}

/// Names the media an input error is about: `media https://…: has 21 tags; …`.
fn about(media: &MediaRef, error: Error) -> Error {
    match error {
        Error::InvalidInput { field, reason } => Error::InvalidInput {
            field,
            reason: format!("{media}: {reason}"),
        },
        other => other,
    }
}
