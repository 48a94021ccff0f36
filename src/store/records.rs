//! Rows kept by the token, OAuth-state and job stores.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::crypto::SealedSecret;
use super::error::StoreError;
use crate::ids::{AgencyClientId, CompanyId, IgUserId, JobId, TokenId};

/// Declares a fieldless enum stored as a fixed snake_case string, with `as_str` and `FromStr`,
/// so that every backend writes the same text and a row from one can be read by another.
macro_rules! stored_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored (and serialised) form.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = StoreError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $( $text => Ok($name::$variant), )+
                    other => Err(StoreError::invalid(
                        stringify!($name),
                        format!("unknown value {other:?}"),
                    )),
                }
            }
        }
    };
}

stored_enum! {
    /// Which kind of token a [`TokenRecord`] holds.
    TokenKind {
        /// A Facebook user access token (Facebook Login).
        User => "user",
        /// A Page access token derived from a user token.
        Page => "page",
        /// An Instagram user access token (Instagram Login).
        InstagramUser => "instagram_user",
    }
}

stored_enum! {
    /// Which login flow produced a token or started an OAuth state.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
    LoginKind {
        /// Facebook Login (accounts reached through Pages and business portfolios).
        Facebook => "facebook",
        /// Instagram Login (Business Login for Instagram).
        Instagram => "instagram",
    }
}

stored_enum! {
    /// How an Instagram account was discovered.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
    AccountSource {
        /// Linked to a Page the user administers (`/me/accounts`).
        PageLinked => "page_linked",
        /// Reached through a Page owned by one of the user's business portfolios.
        BusinessOwned => "business_owned",
        /// Reached through a client Page of one of the user's business portfolios.
        BusinessClient => "business_client",
        /// Connected directly with Instagram Login.
        InstagramLogin => "instagram_login",
    }
}

stored_enum! {
    /// Where a publish job stands.
    #[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
    JobStatus {
        /// Created, not yet started, not scheduled.
        Pending => "pending",
        /// Waiting for `scheduled_at`; workers claim it when due.
        Scheduled => "scheduled",
        /// The media container exists (its id is persisted) but is not published yet.
        ContainerCreated => "container_created",
        /// `media_publish` is in flight.
        Publishing => "publishing",
        /// Done; `media_id` (and usually `permalink`) are set.
        Published => "published",
        /// Gave up; `error` says why.
        Failed => "failed",
        /// Cancelled by the user before publishing.
        Cancelled => "cancelled",
        /// Postponed (quota, throttling, container not ready); due again at `scheduled_at`.
        Deferred => "deferred",
    }
}

impl JobStatus {
    /// True for states a job never leaves.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Published | Self::Failed | Self::Cancelled)
    }

    /// True for the states that [`super::JobStore::claim_due_jobs`] picks up once the job is
    /// due and unleased: every state but the terminal ones. `Scheduled` and `Deferred` jobs wait
    /// for their time; `Pending`, `ContainerCreated` and `Publishing` jobs are normally leased by
    /// whoever is working on them, and become claimable only when that lease is dropped or
    /// lapses (the worker or publisher crashed), so that another worker resumes them.
    pub fn is_claimable(self) -> bool {
        !self.is_terminal()
    }
}

/// A stored token: its metadata in the clear, the secret only sealed.
///
/// `Debug` shows the sealed secret's key id only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRecord {
    /// The store's id for this token (never the token itself).
    pub id: TokenId,
    /// The tenant.
    pub company: CompanyId,
    /// User, Page or Instagram user token.
    pub kind: TokenKind,
    /// The login flow that produced it.
    pub login: LoginKind,
    /// Whose token it is: a Facebook user id, a Page id or an Instagram user id.
    pub subject_id: String,
    /// The sealed token.
    pub sealed: SealedSecret,
    /// Scopes granted with the token.
    pub scopes: Vec<String>,
    /// When it expires; `None` for tokens that do not (Page tokens from long-lived user tokens).
    pub expires_at: Option<DateTime<Utc>>,
    /// When Meta issued it.
    pub issued_at: DateTime<Utc>,
    /// False once Meta rejected it (revoked, password change, ...).
    pub valid: bool,
    /// When the row was first written.
    pub created_at: DateTime<Utc>,
    /// When the row was last written.
    pub updated_at: DateTime<Utc>,
}

/// A pending OAuth authorization, kept between the redirect to Meta and the callback.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthStateRecord {
    /// The random `state` parameter (the key).
    pub state: String,
    /// The tenant that started the flow.
    pub company: CompanyId,
    /// Which login flow.
    pub login: LoginKind,
    /// The redirect URI sent to Meta; the code exchange must repeat it exactly.
    pub redirect_uri: String,
    /// Scopes asked for.
    pub scopes: Vec<String>,
    /// The agency client the connection is made for, if any.
    pub client_id: Option<AgencyClientId>,
    /// When the flow started.
    pub created_at: DateTime<Utc>,
    /// After this the state must be refused.
    pub expires_at: DateTime<Utc>,
}

/// A publish job: what to publish, where it stands, and who is working on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    /// The job's id.
    pub id: JobId,
    /// The tenant.
    pub company: CompanyId,
    /// The account that publishes.
    pub ig_user_id: IgUserId,
    /// Unique per company: inserting the same key again returns the existing job.
    pub idempotency_key: String,
    /// The post to publish, as the publisher serialises it.
    pub payload: serde_json::Value,
    /// Where the job stands.
    pub status: JobStatus,
    /// Containers created so far (children first, then the carousel container).
    pub container_ids: Vec<String>,
    /// The published media id.
    pub media_id: Option<String>,
    /// The published media permalink.
    pub permalink: Option<String>,
    /// The last error, for failed or deferred jobs.
    pub error: Option<String>,
    /// When a scheduled or deferred job becomes due.
    pub scheduled_at: Option<DateTime<Utc>>,
    /// The worker that holds the lease.
    pub lease_owner: Option<String>,
    /// When the lease lapses and another worker may claim the job.
    pub lease_expires_at: Option<DateTime<Utc>>,
    /// How many times a worker claimed the job to run it (the Scheduler gives the attempt back
    /// when it only defers the job for quota, so that this counts real tries).
    pub attempts: u32,
    /// When the job was created.
    pub created_at: DateTime<Utc>,
    /// When the job was last written.
    pub updated_at: DateTime<Utc>,
    /// The fencing number: 0 when inserted, one more after every write that changes the job or
    /// its holder (an update, a claim, an acquire, a release; not a lease renewal). Every
    /// conditional write ([`super::JobStore::update_job`], `renew_lease`, `release_job`) is a
    /// compare-and-swap on it, so a writer that lost the job, even to a worker with the same
    /// name, finds out before it acts. Stores set it; the value given to `insert_job` is
    /// ignored.
    pub version: u64,
}

impl JobRecord {
    /// A new `Pending` job with a fresh id, created now.
    pub fn new(
        company: CompanyId,
        ig_user_id: IgUserId,
        idempotency_key: impl Into<String>,
        payload: serde_json::Value,
    ) -> Self {
        let now = super::util::truncate_time(Utc::now());
        Self {
            id: JobId::new(uuid::Uuid::new_v4().to_string()),
            company,
            ig_user_id,
            idempotency_key: idempotency_key.into(),
            payload,
            status: JobStatus::Pending,
            container_ids: Vec::new(),
            media_id: None,
            permalink: None,
            error: None,
            scheduled_at: None,
            lease_owner: None,
            lease_expires_at: None,
            attempts: 0,
            created_at: now,
            updated_at: now,
            version: 0,
        }
    }

    /// Makes the job `Scheduled` for `at`.
    pub fn scheduled(mut self, at: DateTime<Utc>) -> Self {
        self.status = JobStatus::Scheduled;
        self.scheduled_at = Some(at);
        self
    }

    /// Drops sub-microsecond precision from every time, as storing it would.
    pub(crate) fn normalized(mut self) -> Self {
        use super::util::{truncate_opt, truncate_time};
        self.scheduled_at = truncate_opt(self.scheduled_at);
        self.lease_expires_at = truncate_opt(self.lease_expires_at);
        self.created_at = truncate_time(self.created_at);
        self.updated_at = truncate_time(self.updated_at);
        self
    }
}

/// Which of a company's jobs [`super::JobStore::list_jobs`] returns, newest first (`created_at`,
/// then `id`, both descending).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobQuery {
    /// Only jobs in this status.
    pub status: Option<JobStatus>,
    /// Only jobs of this account.
    pub ig_user_id: Option<IgUserId>,
    /// Only jobs strictly older than this `(created_at, id)` position: the last job of the
    /// previous page, to read further back.
    pub before: Option<(DateTime<Utc>, JobId)>,
    /// At most this many; 0 means 50, above 500 is an `InvalidInput` error naming `limit`.
    pub limit: u64,
}

impl JobQuery {
    /// Every job, the default page size.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only jobs in `status`.
    pub fn status(mut self, status: JobStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Only jobs of `ig_user_id`.
    pub fn account(mut self, ig_user_id: IgUserId) -> Self {
        self.ig_user_id = Some(ig_user_id);
        self
    }

    /// The page after `last`, the last job of the previous page.
    pub fn after(mut self, last: &JobRecord) -> Self {
        self.before = Some((last.created_at, last.id.clone()));
        self
    }

    /// At most `limit` jobs.
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = limit;
        self
    }

    /// Whether `job` (of the queried company) is one this query returns, page size aside: the
    /// rule every backend without SQL applies.
    pub fn matches(&self, job: &JobRecord) -> bool {
        self.status.map_or(true, |s| job.status == s)
            && self
                .ig_user_id
                .as_ref()
                .map_or(true, |a| &job.ig_user_id == a)
            && self.before.as_ref().map_or(true, |(t, id)| {
                (job.created_at, &job.id) < (super::util::truncate_time(*t), id)
            })
    }

    /// Newest first: the order of [`super::JobStore::list_jobs`].
    pub fn order(a: &JobRecord, b: &JobRecord) -> std::cmp::Ordering {
        (b.created_at, &b.id).cmp(&(a.created_at, &a.id))
    }
}

/// What [`super::JobStore::insert_job`] did.
#[derive(Clone, Debug, PartialEq)]
pub enum JobInsert {
    /// The job was new and is now stored.
    Inserted(JobRecord),
    /// A job with the same `(company, idempotency_key)` already existed; this is it, unchanged.
    Existing(JobRecord),
}

impl JobInsert {
    /// The stored job, whichever way.
    pub fn into_record(self) -> JobRecord {
        match self {
            Self::Inserted(j) | Self::Existing(j) => j,
        }
    }

    /// The stored job, whichever way.
    pub fn record(&self) -> &JobRecord {
        match self {
            Self::Inserted(j) | Self::Existing(j) => j,
        }
    }

    /// True when this call stored the job.
    pub fn is_inserted(&self) -> bool {
        matches!(self, Self::Inserted(_))
    }
}

impl TokenRecord {
    /// Whether an account row pointing at this token is reached through a connection other
    /// than Facebook user `user`'s: an Instagram Login token (the account was reconnected
    /// through Instagram Login), or the user token of another Facebook user (the account is
    /// shared with that user). [`super::AccountStore::remove_accounts_of_user`] keeps such rows.
    pub fn belongs_to_other_connection(&self, user: &crate::ids::FacebookUserId) -> bool {
        self.login == LoginKind::Instagram
            || (self.kind == TokenKind::User && self.subject_id != user.as_str())
    }

    pub(crate) fn normalized(mut self) -> Self {
        use super::util::{truncate_opt, truncate_time};
        self.expires_at = truncate_opt(self.expires_at);
        self.issued_at = truncate_time(self.issued_at);
        self.created_at = truncate_time(self.created_at);
        self.updated_at = truncate_time(self.updated_at);
        self
    }
}

impl OAuthStateRecord {
    pub(crate) fn normalized(mut self) -> Self {
        use super::util::truncate_time;
        self.created_at = truncate_time(self.created_at);
        self.expires_at = truncate_time(self.expires_at);
        self
    }
}
