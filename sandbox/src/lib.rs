#![warn(missing_docs)]
//! The local sandbox of the Graph API: a stateful imitation of every Meta host the SDK talks to,
//! on one 127.0.0.1 listener.
//!
//! ```no_run
//! # async fn demo() -> Result<(), instagraph_sandbox::SandboxError> {
//! use instagraph_sandbox::{Sandbox, SandboxConfig};
//!
//! let sandbox = Sandbox::builder()
//!     .config(SandboxConfig { image_processing_ms: 50, ..SandboxConfig::default() })
//!     .start()
//!     .await?;
//! let graph = format!("{}/graph.facebook.com/v24.0", sandbox.base_url());
//! let alice = sandbox.seed().user("Alice").map(|u| u.id.clone());
//! # let _ = (graph, alice);
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Each Meta host lives under a path prefix of [`Sandbox::base_url`]:
//! `/graph.facebook.com`, `/graph.instagram.com`, `/www.facebook.com`, `/www.instagram.com`,
//! `/api.instagram.com`, `/rupload.facebook.com`. Graph paths accept any `vN.M` version
//! segment or none. `/__sandbox/*` holds control endpoints (config, faults, clock, tokens,
//! revoke) that need no token.
//!
//! The sandbox is the oracle of the SDK's tests, so it is never stricter than Meta documents;
//! every stricter behaviour is a knob of [`SandboxConfig`], off by default:
//! - parameters come from the query string, a form, `multipart/form-data` or JSON body, on any
//!   method, merged in one place (a body value wins over the query's); the token also from
//!   `Authorization: Bearer|OAuth`; the client credentials of the token endpoints also from
//!   `Authorization: Basic` (RFC 6749 §2.3.1), which take GET or POST;
//! - `appsecret_proof` is checked when sent (also Meta's `appsecret_time` variant) and required
//!   only with `require_appsecret_proof` (Meta's opt-in "Require App Secret"); a wrong proof
//!   always fails;
//! - image containers (feed, story, carousel item) and image-only carousels are `FINISHED` at
//!   creation (`image_processing_ms` is 0): Meta fetches the image while it creates the
//!   container; videos keep their processing times;
//! - booleans read `true`/`false` in any case or `1`/`0`; `since`/`until` take unix seconds or
//!   dates; a `limit` that is not a number reads as none; a batch is `POST` with `batch` on any
//!   path; container parameters a media type does not take are ignored
//!   (`reject_inapplicable_params` refuses them); Facebook Login's dialog takes
//!   `response_type=token` and `granted_scopes`.
//!
//! Behaviour follows Meta's documentation of the Graph API. Choices where Meta is silent or ambiguous:
//! - publishing an already published container answers code 9007 without subcode (never a
//!   second post), with a message naming the media id;
//! - media problems are decided by markers in the media URL and surface at processing
//!   (`ERROR` with the subcode in `status`): the table is in the `publish` module below and
//!   in `GET /__sandbox/config` (`media_url_markers`), e.g. `.png` → 2207005, `bad-format`
//!   on a video → 2207026, `duration=90` on a story → 2207026, `spam` → 2207051;
//! - more than `container_quota` containers in 24 h answer code 4 (an account-scoped throttle);
//! - `rupload.facebook.com` answers `GET` with the upload's offset (see [`UploadState`]);
//! - empty list edges answer `{"data":[]}` without `paging`, as Meta does.
//!
//! Publishing, media types and the marker table are documented in [`publishing`]; in short: images, carousels (2–10 items, images or videos), reels and stories,
//! with processing times in [`SandboxConfig`] on the sandbox clock, so
//! [`Sandbox::advance_clock`] finishes processing, expires containers (24 h) and stories.
//!
//! Reading and engaging (seeded relative to the sandbox clock at start; ids in
//! [`Seed::engagement`] and `GET /__sandbox/config` → `engagement`): comments and replies
//! (`/{media}/comments`, `/{comment}`, `/{comment}/replies`, ≤ 50 a page), mentions and tags,
//! hashtags (`/ig_hashtag_search`, `/{hashtag}/top_media|recent_media`, 30 per 7 days →
//! code 18), insights (`/{ig-user}/insights`, `/{media}/insights`), messaging
//! (`/{ig-id|page-id|me}/conversations`, `/{conversation}`, `/{message}`,
//! `POST …/messages` with the 24 h / 7 day window → 10/2534022, private replies),
//! `subscribed_apps`, batch requests (`POST /` on graph.facebook.com) and webhooks
//! (`POST /__sandbox/webhooks`, `POST /__sandbox/events`). The error codes the sandbox chose
//! where Meta is silent are listed under `errors` in `GET /__sandbox/config`.
//!
//! Bulk tests and benches: set `app_call_budget_per_hour: 0` and
//! `business_call_budget_per_day: 0` (Meta-like budgets would throttle hundreds of publishes)
//! and `extra_instagram_accounts` for more accounts (`@load.01` …, on Pages Alice manages).
//! [`Sandbox::call_counts`] counts calls by endpoint kind for efficiency tests.

mod access;
mod batch;
mod collab;
mod comments;
mod config;
mod control;
mod credentials;
mod dialog;
mod discovery;
mod engage;
mod error;
mod faults;
mod fields;
mod graph;
mod hashtags;
mod html;
mod incoming;
mod insights;
mod live;
mod mentions;
mod messaging;
mod net;
mod nodes;
mod oauth;
mod oembed;
mod paging;
mod publish;
pub mod remote;
mod rupload;
mod seed;
mod server;
mod shopping;
mod stats;
mod subscriptions;
mod usage;
mod webhooks;
mod world;

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::LostPublishMode;
pub use config::{Faults, InstagramTokenShape, SandboxConfig};
pub use control::{IssuedToken, TokenRequest};
pub use engage::seed::{SeedConversation, SeedEngagement};
pub use rupload::UploadState;
pub use seed::{Seed, SeedBusiness, SeedIgAccount, SeedPage, SeedUser};
pub use world::Login;

use net::{ConnHandle, CuttableListener};

/// Documentation only: how the sandbox publishes (container types and their rules, the
/// media URL markers that make processing fail with each subcode, quotas, media management).
#[doc = include_str!("publish/RULES.md")]
pub mod publishing {}
use server::Shared;

/// Why a sandbox could not start or act.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The listener could not be bound.
    #[error("sandbox could not bind {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A request to the sandbox's own API was invalid (unknown user, scope, …).
    #[error("sandbox request rejected: {0}")]
    Invalid(String),
}

/// Builds and starts a [`Sandbox`].
#[derive(Debug, Clone)]
pub struct SandboxBuilder {
    ip: IpAddr,
    port: u16,
    config: SandboxConfig,
}

impl Default for SandboxBuilder {
    fn default() -> Self {
        Self {
            ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            config: SandboxConfig::default(),
        }
    }
}

impl SandboxBuilder {
    /// The port to bind on 127.0.0.1; 0 (the default) picks a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The configuration (defaults behave like Meta).
    pub fn config(mut self, config: SandboxConfig) -> Self {
        self.config = config;
        self
    }

    /// Binds, seeds and starts serving on the current tokio runtime.
    pub async fn start(self) -> Result<Sandbox, SandboxError> {
        let addr = SocketAddr::new(self.ip, self.port);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| SandboxError::Bind { addr, source })?;
        let local = listener
            .local_addr()
            .map_err(|source| SandboxError::Bind { addr, source })?;
        let base_url = format!("http://{}:{}", local.ip(), local.port());
        let (world, seed) = seed::build(self.config);
        let app_id = world.app.id.clone();
        let app_secret = world.app.secret.clone();
        let shared = Arc::new(Shared::new(world, base_url.clone()));
        let app =
            server::router(shared.clone()).into_make_service_with_connect_info::<ConnHandle>();
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(CuttableListener { inner: listener }, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                });
            if let Err(e) = serve.await {
                tracing::warn!(error = %e, "sandbox server stopped with an error");
            }
        });
        Ok(Sandbox {
            shared,
            base_url,
            app_id,
            app_secret,
            seed,
            shutdown: Some(tx),
            task: Some(task),
        })
    }
}

/// A running sandbox. Dropping it stops the server.
pub struct Sandbox {
    shared: Arc<Shared>,
    base_url: String,
    app_id: String,
    app_secret: String,
    seed: Seed,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The app secret stays out of logs.
        f.debug_struct("Sandbox")
            .field("base_url", &self.base_url)
            .field("app_id", &self.app_id)
            .finish_non_exhaustive()
    }
}

impl Sandbox {
    /// Starts a sandbox on 127.0.0.1 with a free port and the default configuration.
    pub async fn start() -> Result<Sandbox, SandboxError> {
        Self::builder().start().await
    }

    /// A builder for port and configuration.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder::default()
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The seeded app's id.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// The seeded app's secret.
    pub fn app_secret(&self) -> &str {
        &self.app_secret
    }

    /// What was seeded (users, Pages, business, IG accounts and their media).
    pub fn seed(&self) -> &Seed {
        &self.seed
    }

    /// Top-level media of an IG account (seeded plus published through the API); 0 for an
    /// unknown account.
    pub fn media_count(&self, ig_user_id: &str) -> usize {
        self.shared
            .lock()
            .ig_accounts
            .get(ig_user_id)
            .map_or(0, |a| a.media.len())
    }

    /// Posts the account published through the API (its publishing-quota usage, all time).
    pub fn published_count(&self, ig_user_id: &str) -> usize {
        self.shared
            .lock()
            .ig_accounts
            .get(ig_user_id)
            .map_or(0, |a| a.publishes.len())
    }

    /// Live stories of an IG account (published in the last 24 h by the sandbox clock).
    pub fn story_count(&self, ig_user_id: &str) -> usize {
        let mut w = self.shared.lock();
        w.purge_expired_stories();
        w.ig_accounts.get(ig_user_id).map_or(0, |a| a.stories.len())
    }

    /// A container's `status_code` (`IN_PROGRESS`, `FINISHED`, `ERROR`, `EXPIRED`,
    /// `PUBLISHED`), read without a token or a counted call; `None` for an unknown id.
    pub fn container_status(&self, container_id: &str) -> Option<&'static str> {
        let w = self.shared.lock();
        let c = w.containers.get(container_id)?;
        Some(w.container_status(c).code())
    }

    /// How far the resumable upload of a container got; `None` when the container does not
    /// exist or was not created with `upload_type=resumable`.
    pub fn upload_state(&self, container_id: &str) -> Option<UploadState> {
        rupload::upload_state(&self.shared.lock(), container_id)
    }

    /// Graph and rupload calls received since the start (or the last reset), by endpoint
    /// kind: `container_create`, `container_status`, `media_publish`, `publishing_limit`,
    /// `media_get`, `media_list`, `stories_list`, `media_update`, `media_delete`, `upload`,
    /// `upload_status`, `oauth`, `other`. Kinds never called are absent. Calls refused by
    /// faults, throttling or errors count too. Also served as `GET /__sandbox/stats`.
    pub fn call_counts(&self) -> BTreeMap<String, u64> {
        stats::snapshot(&self.shared.lock())
    }

    /// Sets every call count back to zero.
    pub fn reset_call_counts(&self) {
        self.shared.lock().calls.clear();
    }

    /// Moves the sandbox clock forward (token expiry, container processing and expiry, story
    /// expiry, quotas). A move past the year 9000 is ignored.
    pub fn advance_clock(&self, by: Duration) {
        let by = chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX);
        let mut w = self.shared.lock();
        if let Some(offset) = w
            .clock_offset
            .checked_add(&by)
            .filter(|o| control::sane_offset(*o))
        {
            w.clock_offset = offset;
        }
    }

    /// The current configuration.
    pub fn config(&self) -> SandboxConfig {
        self.shared.lock().config.clone()
    }

    /// Replaces the configuration (the app id and secret keep their start values).
    pub fn set_config(&self, config: SandboxConfig) {
        let mut w = self.shared.lock();
        let (id, secret) = (w.config.app_id.clone(), w.config.app_secret.clone());
        w.config = SandboxConfig {
            app_id: id,
            app_secret: secret,
            ..config
        };
    }

    /// Sets fault injection (`Faults::default()` clears it).
    pub fn set_faults(&self, faults: Faults) {
        self.shared.lock().reseed_faults(faults);
    }

    /// Mints a token for a seeded user without the consent dance.
    pub fn issue_token(&self, request: &TokenRequest) -> Result<IssuedToken, SandboxError> {
        control::issue_token(&mut self.shared.lock(), request).map_err(SandboxError::Invalid)
    }

    /// Plays the user's part on the consent page of either login flow: `user_id` approves (or
    /// denies) the request of `authorize_url`, and the URL Meta would redirect the browser to is
    /// returned (the `redirect_uri` with `code` and `state`, or the `error=access_denied` triple).
    /// Pass it, or its query, to the callback handler.
    pub async fn consent(
        &self,
        authorize_url: &str,
        user_id: &str,
        approve: bool,
    ) -> Result<String, SandboxError> {
        remote::consent(&self.base_url, authorize_url, user_id, approve).await
    }

    /// Comments and replies under a media (what its `comments_count` reports); 0 for an
    /// unknown media.
    pub fn comment_count(&self, media_id: &str) -> usize {
        self.shared.lock().engage.comment_total(media_id) as usize
    }

    /// Messages in a conversation; 0 for an unknown conversation.
    pub fn message_count(&self, conversation_id: &str) -> usize {
        self.shared
            .lock()
            .engage
            .conversations
            .get(conversation_id)
            .map_or(0, |c| c.messages.len())
    }

    /// Sets how many people viewed a story (fewer than 5: its insights answer code 10).
    pub fn set_story_viewers(&self, story_id: &str, viewers: u64) {
        self.shared
            .lock()
            .engage
            .story_viewers
            .insert(story_id.to_owned(), viewers);
    }

    /// Starts (`live: true`) or ends a live broadcast of the account, as `POST /__sandbox/live`
    /// does: answers `{"id"}` of the broadcast started, or `{"ended":[ids]}`.
    pub fn set_live(
        &self,
        ig_user_id: &str,
        live: bool,
    ) -> Result<serde_json::Value, SandboxError> {
        live::set_live(&mut self.shared.lock(), ig_user_id, live).map_err(SandboxError::Invalid)
    }

    /// Unique hashtags the account queried in the rolling 7 days (the budget's usage).
    pub fn hashtags_queried(&self, ig_user_id: &str) -> usize {
        let w = self.shared.lock();
        let now = w.now();
        w.engage.hashtag_queries.get(ig_user_id).map_or(0, |log| {
            log.iter()
                .filter(|(t, _)| now - *t < chrono::Duration::days(7))
                .count()
        })
    }

    /// The registered webhook callback URL, if any (`POST /__sandbox/webhooks`).
    pub fn webhook_callback(&self) -> Option<String> {
        self.shared
            .lock()
            .engage
            .webhook
            .as_ref()
            .map(|h| h.callback_url.clone())
    }

    /// Makes an event happen and delivers its webhook, as `POST /__sandbox/events` does
    /// (event types in the module docs); answers the same JSON.
    pub async fn event(&self, event: serde_json::Value) -> Result<serde_json::Value, SandboxError> {
        let serde_json::Value::Object(e) = event else {
            return Err(SandboxError::Invalid("an event is a JSON object".into()));
        };
        webhooks::event(&self.shared, &e)
            .await
            .map_err(SandboxError::Invalid)
    }

    /// `appsecret_proof` for a token under this sandbox's app secret.
    pub fn appsecret_proof(&self, access_token: &str) -> String {
        credentials::proof_for(&self.app_secret, access_token)
    }

    /// Stops the server and waits (up to 5 s) for it to finish.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
