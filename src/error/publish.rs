//! The publishing failure types: [`MediaRef`] and [`PublishFailure`].

use std::fmt;

use serde::{Deserialize, Serialize};

use super::ErrorClass;

/// The media a publishing error concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MediaRef {
    /// The media of a single-media post (image, reel, story): its URL or local file path.
    Media {
        /// The media URL (or the local file path of an uploaded video).
        url: String,
    },
    /// One item of a carousel.
    Child {
        /// Its index in the carousel (from 0).
        index: usize,
        /// Its URL (or local file path).
        url: String,
    },
    /// The carousel container itself (its caption, collaborators, children list).
    Carousel,
    /// A published media object (delete, comment settings).
    Published {
        /// The media id.
        media_id: String,
    },
}

impl fmt::Display for MediaRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MediaRef::Media { url } => write!(f, "media {url}"),
            MediaRef::Child { index, url } => write!(f, "carousel child {index} ({url})"),
            MediaRef::Carousel => f.write_str("the carousel container"),
            MediaRef::Published { media_id } => write!(f, "media {media_id}"),
        }
    }
}

/// Why publishing failed, mapped from Meta's publishing subcodes (GRAPH_API.md, "Errors") and
/// from a container's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cause", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PublishFailure {
    /// 2207001, 2207032, 2207053: a server-side failure at Meta; creating the container again
    /// may succeed.
    ServerError {
        /// The subcode Meta sent.
        subcode: i64,
    },
    /// 2207003: Meta timed out downloading the media; retrying may succeed.
    DownloadTimeout,
    /// 2207020, or `status_code` `EXPIRED`: the container was not published within 24 hours.
    Expired,
    /// 2207004: the image is larger than 8 MiB.
    ImageTooLarge,
    /// 2207005: the image format is not supported (JPEG only).
    UnsupportedImageFormat,
    /// 2207009: the aspect ratio is outside 4:5 … 1.91:1.
    AspectRatio,
    /// 2207010: the caption is too long (or has too many hashtags).
    CaptionTooLong,
    /// 2207026: the video format is not supported.
    UnsupportedVideoFormat,
    /// 2207027 (code 9007): the container is not ready to publish yet.
    NotReady,
    /// 2207028: a carousel needs 2 to 10 children.
    CarouselSize,
    /// 2207040: more than 20 @-mentions.
    TooManyMentions,
    /// 2207042 (code 9): the daily publishing quota is reached.
    QuotaReached,
    /// 2207050: the account is restricted.
    AccountRestricted,
    /// 2207051: the action was blocked as spam.
    Spam,
    /// 2207052 (code 9004): Meta could not fetch the media URL.
    MediaUnreachable,
    /// 2207006: the container does not exist (or belongs to another account).
    ContainerNotFound,
    /// 2207073: a carousel item cannot be deleted on its own.
    CarouselChildNotDeletable,
    /// 2207057: the thumbnail offset is past the end of the video.
    ThumbnailOffset,
    /// The container was still processing when the wait's deadline passed.
    ProcessingTimeout,
    /// The resumable upload of a local file failed.
    UploadFailed {
        /// Whether the upload host said retrying can succeed.
        retriable: bool,
    },
    /// Another subcode, or none.
    Other {
        /// The subcode, when there was one.
        subcode: Option<i64>,
    },
}

impl PublishFailure {
    /// Maps a publishing subcode (from an error response or a container's `status` text).
    pub fn from_subcode(subcode: Option<i64>) -> Self {
        match subcode {
            Some(s @ (2207001 | 2207032 | 2207053)) => Self::ServerError { subcode: s },
            Some(2207003) => Self::DownloadTimeout,
            Some(2207004) => Self::ImageTooLarge,
            Some(2207005) => Self::UnsupportedImageFormat,
            Some(2207006) => Self::ContainerNotFound,
            Some(2207009) => Self::AspectRatio,
            Some(2207010) => Self::CaptionTooLong,
            Some(2207020) => Self::Expired,
            Some(2207026) => Self::UnsupportedVideoFormat,
            Some(2207027) => Self::NotReady,
            Some(2207028) => Self::CarouselSize,
            Some(2207040) => Self::TooManyMentions,
            Some(2207042) => Self::QuotaReached,
            Some(2207050) => Self::AccountRestricted,
            Some(2207051) => Self::Spam,
            Some(2207052) => Self::MediaUnreachable,
            Some(2207073) => Self::CarouselChildNotDeletable,
            Some(2207057) => Self::ThumbnailOffset,
            other => Self::Other { subcode: other },
        }
    }

    /// The subcode this cause stands for, when it has one.
    pub fn subcode(&self) -> Option<i64> {
        Some(match self {
            Self::ServerError { subcode } => *subcode,
            Self::DownloadTimeout => 2207003,
            Self::Expired => 2207020,
            Self::ImageTooLarge => 2207004,
            Self::UnsupportedImageFormat => 2207005,
            Self::AspectRatio => 2207009,
            Self::CaptionTooLong => 2207010,
            Self::UnsupportedVideoFormat => 2207026,
            Self::NotReady => 2207027,
            Self::CarouselSize => 2207028,
            Self::TooManyMentions => 2207040,
            Self::QuotaReached => 2207042,
            Self::AccountRestricted => 2207050,
            Self::Spam => 2207051,
            Self::MediaUnreachable => 2207052,
            Self::ContainerNotFound => 2207006,
            Self::CarouselChildNotDeletable => 2207073,
            Self::ThumbnailOffset => 2207057,
            Self::Other { subcode } => return *subcode,
            Self::ProcessingTimeout | Self::UploadFailed { .. } => return None,
        })
    }

    /// Whether creating the container again (or uploading again) may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::ServerError { .. }
                | Self::DownloadTimeout
                | Self::Expired
                | Self::UploadFailed { retriable: true }
        )
    }

    /// What a caller should do about it.
    pub fn class(&self) -> ErrorClass {
        match self {
            Self::ServerError { .. } | Self::DownloadTimeout | Self::Expired => {
                ErrorClass::Transient
            }
            Self::UploadFailed { retriable: true } => ErrorClass::Transient,
            Self::NotReady | Self::ProcessingTimeout => ErrorClass::NotReady,
            Self::QuotaReached => ErrorClass::QuotaExceeded,
            Self::AccountRestricted | Self::Spam => ErrorClass::PolicyBlocked,
            Self::Other { subcode: None } => ErrorClass::Unknown,
            _ => ErrorClass::InvalidInput,
        }
    }
}

impl fmt::Display for PublishFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ServerError { .. } => "a server-side error at Meta (retry the container)",
            Self::DownloadTimeout => "Meta timed out downloading the media",
            Self::Expired => "the container expired (not published within 24 hours)",
            Self::ImageTooLarge => "the image is larger than 8 MiB",
            Self::UnsupportedImageFormat => "the image format is not supported (JPEG only)",
            Self::AspectRatio => "the aspect ratio is outside 4:5 to 1.91:1",
            Self::CaptionTooLong => "the caption is too long",
            Self::UnsupportedVideoFormat => "the video format is not supported",
            Self::NotReady => "the container is not ready to publish",
            Self::CarouselSize => "a carousel needs 2 to 10 items",
            Self::TooManyMentions => "more than 20 @-mentions",
            Self::QuotaReached => "the daily publishing quota is reached",
            Self::AccountRestricted => "the account is restricted",
            Self::Spam => "blocked as spam",
            Self::MediaUnreachable => "Meta could not fetch the media URL",
            Self::ContainerNotFound => "the container does not exist",
            Self::CarouselChildNotDeletable => {
                "a carousel item cannot be deleted on its own; delete the carousel"
            }
            Self::ThumbnailOffset => "the thumbnail offset is past the end of the video",
            Self::ProcessingTimeout => "the container was still processing at the deadline",
            Self::UploadFailed { retriable: true } => "the upload failed (retriable)",
            Self::UploadFailed { retriable: false } => "the upload failed",
            Self::Other { .. } => "publishing failed",
        })
    }
}
