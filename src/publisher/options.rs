//! The settings of a [`Publisher`](super::Publisher) and of one publish, and what a publish
//! produced.

use std::fmt;
use std::time::Duration;

use super::progress::ProgressCallback;
#[cfg(doc)]
use super::{progress_channel, ProgressEvent, PublishFailure, Publisher, WorkerOptions};
use crate::ids::{ContainerId, JobId, MediaId};
use crate::store::JobRecord;

/// How a container is polled while it processes.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitPolicy {
    /// The pause before the first poll.
    pub first_poll: Duration,
    /// How much each pause grows (values below 1 count as 1).
    pub factor: f64,
    /// The longest pause between polls.
    pub max_interval: Duration,
    /// The longest the whole wait may take; past it, [`PublishFailure::ProcessingTimeout`]
    /// (the job stays resumable).
    pub timeout: Duration,
}

impl WaitPolicy {
    /// Images: 1 s (most image containers are ready by then, so the publish needs no poll),
    /// doubling, at most 5 s apart, 5 minutes in all.
    pub fn images() -> Self {
        Self {
            first_poll: Duration::from_secs(1),
            factor: 2.0,
            max_interval: Duration::from_secs(5),
            timeout: Duration::from_secs(300),
        }
    }

    /// Videos: 1 s, doubling, at most a minute apart (Meta's advice), 20 minutes in all.
    pub fn videos() -> Self {
        Self {
            first_poll: Duration::from_secs(1),
            factor: 2.0,
            max_interval: Duration::from_secs(60),
            timeout: Duration::from_secs(20 * 60),
        }
    }
}

/// Settings of a [`Publisher`].
#[derive(Debug, Clone, PartialEq)]
pub struct PublisherConfig {
    /// How long a job's lease lasts; renewed while working (2 minutes by default, the same as
    /// [`WorkerOptions::lease`]: keep the two equal, or a dead worker's started jobs wait the
    /// longer of the two before another takes them over).
    pub lease: Duration,
    /// Polling of image posts (and carousels of images).
    pub image_wait: WaitPolicy,
    /// Polling of reels, video stories and carousels with a video.
    pub video_wait: WaitPolicy,
    /// Read the permalink after publishing (one call; on by default).
    pub fetch_permalink: bool,
    /// How many times failed or expired containers are created again in one run (2).
    pub max_recreations: u32,
    /// How many `media_publish` attempts one run makes, counting "not ready" answers (4).
    pub max_publish_attempts: u32,
    /// How long the local quota accounting is trusted before `content_publishing_limit` is
    /// read again (1 hour).
    pub quota_refresh: Duration,
    /// Attempts of a resumable upload, the first included (5).
    pub upload_attempts: u32,
    /// Who counts the publishing quota: this publisher alone ([`QuotaAccounting::Local`], the
    /// default) or every publisher on the same store ([`QuotaAccounting::Shared`]).
    pub quota: QuotaAccounting,
}

/// Where a [`Publisher`] counts the publishing quota between two reads of
/// `content_publishing_limit` (see [`quota`](super::quota)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum QuotaAccounting {
    /// In this publisher's memory: right while it is the only one publishing on its accounts
    /// (other publishers' posts are seen at the next read).
    #[default]
    Local,
    /// In the store's [`BudgetStore`](crate::store::BudgetStore), shared by every publisher on
    /// the same database (SQLite file, Postgres, or host key-value storage): processes
    /// publishing on one account together cannot overshoot its quota.
    Shared,
}

impl Default for PublisherConfig {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(120),
            image_wait: WaitPolicy::images(),
            video_wait: WaitPolicy::videos(),
            fetch_permalink: true,
            max_recreations: 2,
            max_publish_attempts: 4,
            quota_refresh: Duration::from_secs(3600),
            upload_attempts: 5,
            quota: QuotaAccounting::Local,
        }
    }
}

impl PublisherConfig {
    /// The longest one publish may hold a quota slot: every wait of every container creation
    /// run to its timeout, plus two leases for the creations, uploads and publish attempts in
    /// between. A shared reservation older than this belongs to a crashed process.
    pub fn longest_publish(&self) -> Duration {
        let waits = self.image_wait.timeout.max(self.video_wait.timeout);
        waits.saturating_mul(self.max_recreations.saturating_add(1)) + self.lease.saturating_mul(2)
    }
}

/// Options of one [`Publisher::publish`].
#[derive(Clone, Default)]
pub struct PublishOptions {
    /// The idempotency key: publishing again with it returns the first result (a UUID is
    /// drawn when `None`, which makes the call non-repeatable).
    pub idempotency_key: Option<String>,
    /// Called with every [`ProgressEvent`].
    pub progress: Option<ProgressCallback>,
}

impl PublishOptions {
    /// No key, no progress.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the idempotency key.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Sets the progress callback (see [`progress_channel`] for a stream).
    pub fn progress(mut self, callback: ProgressCallback) -> Self {
        self.progress = Some(callback);
        self
    }
}

impl fmt::Debug for PublishOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublishOptions")
            .field("idempotency_key", &self.idempotency_key)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// What a publish produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishResult {
    /// The job in the store.
    pub job_id: JobId,
    /// Its idempotency key.
    pub idempotency_key: String,
    /// The new media's id; `None` only when a lost `media_publish` answer could not be matched
    /// back to the post (it exists all the same).
    pub media_id: Option<MediaId>,
    /// The post's permalink, when read.
    pub permalink: Option<String>,
    /// The published container (the carousel container for a carousel).
    pub container_id: Option<ContainerId>,
    /// The carousel items' containers, in item order (empty for other posts).
    pub item_containers: Vec<ContainerId>,
    /// True when this is the stored result of an earlier publish with the same key.
    pub replayed: bool,
}

impl PublishResult {
    /// The result a `Published` job holds.
    pub fn from_job(job: &JobRecord, replayed: bool) -> Self {
        let mut ids: Vec<ContainerId> = job
            .container_ids
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| ContainerId::new(s.clone()))
            .collect();
        let container_id = ids.pop();
        Self {
            job_id: job.id.clone(),
            idempotency_key: job.idempotency_key.clone(),
            media_id: job.media_id.clone().map(MediaId::new),
            permalink: job.permalink.clone(),
            container_id,
            item_containers: ids,
            replayed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_publish_covers_every_wait_and_two_leases() {
        // Three video waits of 20 minutes and two leases of 2 minutes.
        assert_eq!(
            PublisherConfig::default().longest_publish(),
            Duration::from_secs(3 * 20 * 60 + 2 * 120)
        );
    }
}
