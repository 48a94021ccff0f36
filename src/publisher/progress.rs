//! Progress of a publish: events to a callback, or to a stream through [`progress_channel`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::api::models::ContainerStatus;
use crate::error::MediaRef;
use crate::ids::{ContainerId, MediaId};

/// One step of a publish, in the order they happen.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ProgressEvent {
    /// A container was created (each carousel item, then the carousel) and its id persisted.
    Created {
        /// The media it holds.
        media: MediaRef,
        /// The new container.
        container_id: ContainerId,
    },
    /// Bytes of a local file sent to the upload host.
    Uploading {
        /// The media being uploaded.
        media: MediaRef,
        /// Bytes sent so far (counting bytes the host already had when resuming).
        bytes: u64,
        /// The file's size.
        total: u64,
    },
    /// A poll found the container still processing.
    Processing {
        /// The container polled.
        container_id: ContainerId,
        /// Its `status_code` (`IN_PROGRESS` while processing).
        status: ContainerStatus,
        /// How long this wait has lasted.
        elapsed: Duration,
    },
    /// The container is `FINISHED`: ready to publish.
    Ready {
        /// The container.
        container_id: ContainerId,
    },
    /// The post is published.
    Published {
        /// The new media's id (`None` only when a lost answer could not be matched back to it;
        /// the post exists all the same).
        media_id: Option<MediaId>,
        /// Its permalink, when read.
        permalink: Option<String>,
    },
}

/// A function called with every [`ProgressEvent`]; it should return quickly.
pub type ProgressCallback = Arc<dyn Fn(ProgressEvent) + Send + Sync>;

/// The receiving end of [`progress_channel`]: a `futures::Stream` of events that ends when the
/// publish is over (when its callback is dropped).
pub type ProgressStream = futures::channel::mpsc::UnboundedReceiver<ProgressEvent>;

/// A callback that forwards events into a stream, for callers that prefer to consume progress
/// as a `Stream` (e.g. `while let Some(ev) = stream.next().await`).
pub fn progress_channel() -> (ProgressCallback, ProgressStream) {
    let (tx, rx) = futures::channel::mpsc::unbounded();
    let callback: ProgressCallback = Arc::new(move |event| {
        // A receiver that went away just stops listening.
        let _ = tx.unbounded_send(event);
    });
    (callback, rx)
}

/// The optional callback the engine reports to.
#[derive(Clone, Default)]
pub(crate) struct Progress(Option<ProgressCallback>);

impl Progress {
    pub(crate) fn new(callback: Option<ProgressCallback>) -> Self {
        Self(callback)
    }

    pub(crate) fn emit(&self, event: ProgressEvent) {
        if let Some(cb) = &self.0 {
            cb(event);
        }
    }
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Progress(callback)"
        } else {
            "Progress(none)"
        })
    }
}
