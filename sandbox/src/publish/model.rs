//! The container model shared by every media type: what a container will become, when its
//! processing ends (by the sandbox clock), how it fails, and its resumable upload.

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::super::world::{later, World};

/// What a container will become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContainerKind {
    /// A feed image (`image_url`).
    Image,
    /// An image inside a carousel (`is_carousel_item=true`, `image_url`).
    CarouselImage,
    /// A video inside a carousel (`is_carousel_item=true`, `media_type=VIDEO`).
    CarouselVideo,
    /// A carousel parent (`media_type=CAROUSEL`, `children`).
    Carousel,
    /// A reel (`media_type=REELS`).
    Reel,
    /// An image story (`media_type=STORIES`, `image_url`).
    StoryImage,
    /// A video story (`media_type=STORIES`, `video_url` or resumable upload).
    StoryVideo,
}

impl ContainerKind {
    pub fn is_video(self) -> bool {
        matches!(self, Self::CarouselVideo | Self::Reel | Self::StoryVideo)
    }

    pub fn is_carousel_item(self) -> bool {
        matches!(self, Self::CarouselImage | Self::CarouselVideo)
    }

    pub fn is_story(self) -> bool {
        matches!(self, Self::StoryImage | Self::StoryVideo)
    }

    /// How the kind is named in error messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::CarouselImage => "carousel image item",
            Self::CarouselVideo => "carousel video item",
            Self::Carousel => "carousel",
            Self::Reel => "reel",
            Self::StoryImage => "image story",
            Self::StoryVideo => "video story",
        }
    }

    /// Accepted video length in seconds (Meta's media specs).
    pub fn duration_range(self) -> Option<(f64, f64)> {
        match self {
            Self::Reel => Some((3.0, 900.0)),
            Self::StoryVideo | Self::CarouselVideo => Some((3.0, 60.0)),
            _ => None,
        }
    }

    /// Largest accepted file, bytes (Meta's media specs).
    pub fn max_bytes(self) -> u64 {
        const MIB: u64 = 1024 * 1024;
        match self {
            Self::Reel => 300 * MIB,
            Self::StoryVideo | Self::CarouselVideo => 100 * MIB,
            _ => 8 * MIB,
        }
    }
}

/// A resumable upload (`upload_type=resumable`): the bytes received so far, counted and
/// hashed, never kept.
#[derive(Clone)]
pub(crate) struct Upload {
    /// `file_size` as first declared.
    pub file_size: Option<u64>,
    pub received: u64,
    pub hasher: Sha256,
    /// Lowercase hex SHA-256 of the whole file once every byte arrived.
    pub sha256: Option<String>,
    /// The `file_url` header, when the video came by URL instead of bytes.
    pub file_url: Option<String>,
    /// Whether `upload_drop_after_bytes` already cut this container's upload once.
    pub dropped_once: bool,
    /// Whether the upload is complete (all bytes, or a `file_url`).
    pub complete: bool,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("file_size", &self.file_size)
            .field("received", &self.received)
            .field("complete", &self.complete)
            .finish_non_exhaustive()
    }
}

impl Upload {
    pub fn new() -> Self {
        Self {
            file_size: None,
            received: 0,
            hasher: Sha256::new(),
            sha256: None,
            file_url: None,
            dropped_once: false,
            complete: false,
        }
    }
}

// Some fields are only recorded (read back by no endpoint yet): tags, location, cover.
#[allow(dead_code)]
#[derive(Debug, Clone)]
pub(crate) struct Container {
    pub id: String,
    pub owner: String,
    pub kind: ContainerKind,
    /// `image_url`, `video_url`, or the upload's `file_url`.
    pub media_url: Option<String>,
    pub caption: Option<String>,
    pub alt_text: Option<String>,
    pub location_id: Option<String>,
    pub user_tags: Option<Value>,
    pub product_tags: Option<Value>,
    pub collaborators: Vec<String>,
    pub share_to_feed: Option<bool>,
    pub cover_url: Option<String>,
    pub thumb_offset: Option<u64>,
    pub audio_name: Option<String>,
    /// `trial_params.graduation_strategy` of a trial reel (`MANUAL` or `SS_PERFORMANCE`).
    pub trial_params: Option<String>,
    /// Child container ids of a carousel parent.
    pub children: Vec<String>,
    pub created_at: DateTime<Utc>,
    /// How long processing takes once the media is there.
    pub processing: Duration,
    /// When processing ends; `None` while a resumable upload waits for its bytes.
    pub ready_at: Option<DateTime<Utc>>,
    /// The subcode processing fails with, decided when the media arrives and revealed when
    /// processing ends.
    pub failure: Option<i64>,
    pub upload: Option<Upload>,
    pub published_media: Option<String>,
}

/// A container's `status_code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContainerStatus {
    InProgress,
    Finished,
    Error(i64),
    Expired,
    Published,
}

impl ContainerStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::InProgress => "IN_PROGRESS",
            Self::Finished => "FINISHED",
            Self::Error(_) => "ERROR",
            Self::Expired => "EXPIRED",
            Self::Published => "PUBLISHED",
        }
    }

    /// The `status` field: a sentence, and for `ERROR` the subcode in it.
    pub fn text(self) -> String {
        match self {
            Self::InProgress => "In Progress: Media is still being processed.".to_owned(),
            Self::Finished => {
                "Finished: Media has been uploaded and it is ready to be published.".to_owned()
            }
            Self::Error(sub) => format!("Error: Media upload has failed with error code {sub}"),
            Self::Expired => "Expired: Media was not published within 24 hours.".to_owned(),
            Self::Published => "Published: Media has been successfully published.".to_owned(),
        }
    }
}

/// Containers expire this long after creation when unpublished.
pub(crate) fn container_ttl() -> Duration {
    Duration::hours(24)
}

impl World {
    pub fn container_status(&self, c: &Container) -> ContainerStatus {
        let now = self.now();
        if c.published_media.is_some() {
            return ContainerStatus::Published;
        }
        if now >= later(c.created_at, container_ttl()) {
            return ContainerStatus::Expired;
        }
        if c.kind == ContainerKind::Carousel {
            return self.carousel_status(c, now);
        }
        match c.ready_at {
            Some(t) if now >= t => c
                .failure
                .map_or(ContainerStatus::Finished, ContainerStatus::Error),
            _ => ContainerStatus::InProgress,
        }
    }

    /// A carousel processes after its children: `ERROR` as soon as one child fails (with the
    /// child's subcode; an expired child reads 2207020), else `IN_PROGRESS` until every child
    /// finished and then its own processing time (none for a carousel of images only).
    fn carousel_status(&self, c: &Container, now: DateTime<Utc>) -> ContainerStatus {
        let mut last_ready = c.created_at;
        let mut waiting = false;
        for id in &c.children {
            let Some(child) = self.containers.get(id) else {
                return ContainerStatus::Error(2207032);
            };
            match self.container_status(child) {
                ContainerStatus::Error(sub) => return ContainerStatus::Error(sub),
                ContainerStatus::Expired => return ContainerStatus::Error(2207020),
                ContainerStatus::InProgress => waiting = true,
                ContainerStatus::Finished | ContainerStatus::Published => {
                    if let Some(t) = child.ready_at {
                        last_ready = last_ready.max(t);
                    }
                }
            }
        }
        if waiting || now < later(last_ready, c.processing) {
            ContainerStatus::InProgress
        } else {
            ContainerStatus::Finished
        }
    }

    /// The phases of a video container's `video_status` [U: Meta documents the field for
    /// video containers without its shape; this is the shape of Facebook video uploads].
    pub fn video_status(&self, c: &Container) -> Value {
        let status = self.container_status(c);
        let (uploaded, bytes) = match &c.upload {
            Some(u) => (u.complete, u.received),
            None => (true, 0),
        };
        let uploading = if uploaded {
            "complete"
        } else if bytes > 0 {
            "in_progress"
        } else {
            "not_started"
        };
        let processing = match status {
            _ if !uploaded => "not_started",
            ContainerStatus::InProgress => "in_progress",
            ContainerStatus::Error(_) => "error",
            ContainerStatus::Expired => "expired",
            ContainerStatus::Finished | ContainerStatus::Published => "complete",
        };
        let publishing = if status == ContainerStatus::Published {
            "complete"
        } else {
            "not_started"
        };
        serde_json::json!({
            "uploading_phase": { "status": uploading, "bytes_transferred": bytes },
            "processing_phase": { "status": processing },
            "publishing_phase": { "status": publishing },
        })
    }

    /// Drops stories published more than 24 h ago (by the sandbox clock). Amortised O(1):
    /// the expiry queue is in publishing order.
    pub fn purge_expired_stories(&mut self) {
        let now = self.now();
        while self.story_expiry.front().is_some_and(|(t, _)| *t <= now) {
            let Some((_, id)) = self.story_expiry.pop_front() else {
                break;
            };
            self.engage.expired_stories.insert(id.clone());
            if let Some(m) = self.media.remove(&id) {
                if let Some(acct) = self.ig_accounts.get_mut(&m.owner) {
                    acct.stories.retain(|s| *s != id);
                }
            }
        }
    }
}
