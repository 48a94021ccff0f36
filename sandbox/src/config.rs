//! Sandbox knobs: everything Meta documents ambiguously ([U] in GRAPH_API.md) or that tests need
//! to shorten (processing time, quotas, budgets).

use serde::{Deserialize, Serialize};

/// The Graph API version the sandbox answers with where a request names none (the rupload
/// `uri` of a resumable container): Meta's newest at the time of writing.
pub const CURRENT_API_VERSION: &str = "v26.0";

/// The shape of `POST api.instagram.com/oauth/access_token`'s answer.
///
/// Meta's pages show both shapes, so the sandbox can serve either and the SDK must accept both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum InstagramTokenShape {
    /// `{"access_token", "user_id", "permissions"}`.
    #[default]
    Flat,
    /// `{"data":[{"access_token", "user_id", "permissions"}]}`.
    Nested,
}

/// Configuration of a [`Sandbox`](super::Sandbox). `Default` behaves like Meta.
///
/// Every field has a default, so a partial JSON object (as `POST /__sandbox/config` takes)
/// deserialises.
///
/// Benches and bulk tests (hundreds of publishes) should set `app_call_budget_per_hour: 0`
/// and `business_call_budget_per_day: 0`, else the rate-limit budgets (which imitate Meta's)
/// throttle them; with `extra_instagram_accounts` they get enough accounts to spread over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SandboxConfig {
    /// The seeded app's id.
    pub app_id: String,
    /// The app secret; `None` draws a random one at start.
    pub app_secret: Option<String>,
    /// The app's display name (debug_token's `application`).
    pub app_name: String,
    /// Whether calls without `appsecret_proof` fail (Meta's "Require App Secret" switch, an
    /// opt-in app setting: off by default). A wrong proof always fails.
    pub require_appsecret_proof: bool,
    /// Redirect URIs the dialogs accept; empty accepts any http(s) URI.
    pub allowed_redirect_uris: Vec<String>,
    /// Shape of the Instagram Login code exchange answer.
    pub instagram_token_shape: InstagramTokenShape,
    /// Whether that answer carries `user_id` as a JSON number (older docs) instead of a string.
    pub instagram_user_id_as_number: bool,
    /// Page size of list edges when the request has no `limit`.
    pub default_page_size: usize,
    /// Largest `limit` honoured; larger ones are clamped as Meta does.
    pub max_page_size: usize,
    /// Calls per rolling hour that make `X-App-Usage` reach 100% (Meta: 200 × app users);
    /// 0 disables app throttling.
    pub app_call_budget_per_hour: u64,
    /// Calls per rolling 24 h per IG account or Page that make `X-Business-Use-Case-Usage`
    /// reach 100% (Meta: 4800 × impressions); 0 disables it.
    pub business_call_budget_per_day: u64,
    /// How long an image container (feed image, story image or carousel image item) stays
    /// `IN_PROGRESS`, in milliseconds of sandbox time. 0 (the default) makes it `FINISHED` at
    /// creation, already on the first status read: Meta fetches the image while it creates the
    /// container. Set it to test the not-ready path.
    pub image_processing_ms: u64,
    /// Processing time of a carousel video item, milliseconds of sandbox time.
    pub video_processing_ms: u64,
    /// Processing time of a reel, milliseconds of sandbox time.
    pub reel_processing_ms: u64,
    /// Processing time of a video story, milliseconds of sandbox time (an image story takes
    /// `image_processing_ms`).
    pub story_processing_ms: u64,
    /// Processing time of a carousel parent with at least one video item, counted from when its
    /// last child finishes (or from its creation, whichever is later), milliseconds of sandbox
    /// time. A carousel of images only takes no time of its own: it is `FINISHED` as soon as
    /// its children are (at once by default; `image_processing_ms` delays them and so it).
    pub carousel_processing_ms: u64,
    /// Whether container creation refuses (code 100) a parameter its media type does not take
    /// (`caption` on a carousel item, `alt_text` on a reel, `collaborators` on a story,
    /// reel-only parameters elsewhere, …). Meta's reference lists each type's parameters
    /// without saying that others are refused, so by default they are ignored (not stored,
    /// not validated).
    pub reject_inapplicable_params: bool,
    /// Posts an account may publish per rolling 24 h (Meta documents 50 and 100). A carousel
    /// counts once.
    pub publishing_quota: u32,
    /// Containers an account may create per rolling 24 h (Meta: 400). Over it, container
    /// creation answers code 4 (see the publish module docs).
    pub container_quota: u32,
    /// More IG professional accounts to seed, `@load.01` … `@load.NN`, each linked to its own
    /// Page that Alice manages (and able to sign in through Instagram Login), for bulk and
    /// load tests. 0 (the default) seeds none. Read when the sandbox starts (changing it later
    /// has no effect); the accounts appear in [`Sandbox::seed`](super::Sandbox::seed).
    pub extra_instagram_accounts: u32,
    /// Media seeded on each extra account (`@load.NN`), newest first, alternately feed images
    /// and reels, every one with insights: for benches that read many media (1,000 media are
    /// 10 pages at `limit=100`). 0 (the default) seeds none. Read when the sandbox starts.
    pub load_account_media: u32,
    /// Lifetime of a Facebook short-lived user token, seconds.
    pub facebook_short_lived_seconds: i64,
    /// Lifetime of an Instagram short-lived token, seconds.
    pub instagram_short_lived_seconds: i64,
    /// Lifetime of long-lived tokens (both logins), seconds.
    pub long_lived_seconds: i64,
    /// Lifetime of a Facebook Login authorization code, seconds.
    pub facebook_code_ttl_seconds: i64,
    /// Lifetime of an Instagram Login authorization code, seconds.
    pub instagram_code_ttl_seconds: i64,
    /// Unique hashtags an account may query per rolling 7 days (Meta: 30); the next one
    /// answers code 18. 0 disables the budget.
    pub hashtag_budget: u32,
    /// Batch operations whose `relative_url` contains one of these substrings "time out":
    /// they are not executed and come back as `null`, as Meta answers an operation that
    /// exceeded its time budget.
    pub batch_timeout_ops: Vec<String>,
    /// With fault injection's `slow_ms` at or above this (milliseconds), every batch
    /// operation times out (`null`); 0 disables it.
    pub batch_op_timeout_ms: u64,
    /// Whether graph.instagram.com accepts batch requests. Meta does not document it \[U\]:
    /// by default the sandbox answers code 100 there (graph.facebook.com always accepts).
    pub instagram_batch: bool,
    /// Whether webhook events are delivered only for fields the account subscribed the app
    /// to (`POST /{ig-id}/subscribed_apps`), as Meta does. Off by default so tests can
    /// deliver events without subscribing first.
    pub webhooks_require_subscription: bool,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            app_id: "100000000000001".to_owned(),
            app_secret: None,
            app_name: "instagraph Sandbox App".to_owned(),
            require_appsecret_proof: false,
            allowed_redirect_uris: Vec::new(),
            instagram_token_shape: InstagramTokenShape::Flat,
            instagram_user_id_as_number: false,
            default_page_size: 25,
            max_page_size: 100,
            // 200 calls × the three seeded app users (Alice, Bob, the Instagram Login user).
            app_call_budget_per_hour: 600,
            business_call_budget_per_day: 4800,
            image_processing_ms: 0,
            video_processing_ms: 1_500,
            reel_processing_ms: 3_000,
            story_processing_ms: 1_000,
            carousel_processing_ms: 500,
            reject_inapplicable_params: false,
            publishing_quota: 100,
            container_quota: 400,
            extra_instagram_accounts: 0,
            load_account_media: 0,
            facebook_short_lived_seconds: 7200,
            instagram_short_lived_seconds: 3600,
            long_lived_seconds: 5_183_944,
            facebook_code_ttl_seconds: 600,
            instagram_code_ttl_seconds: 3600,
            hashtag_budget: 30,
            batch_timeout_ops: Vec::new(),
            batch_op_timeout_ms: 0,
            instagram_batch: false,
            webhooks_require_subscription: false,
        }
    }
}

/// Fault injection, set by `POST /__sandbox/faults` (an empty object clears every fault).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Probability (0..1) that a Graph call fails with a transient error (code 1 or 2, HTTP 500/503).
    pub transient_rate: f64,
    /// Probability (0..1) that a Graph call is throttled with `throttle_code`.
    pub throttle_rate: f64,
    /// The throttling code: 4, 17, 32, 613 or 80002.
    pub throttle_code: i64,
    /// Delay added to every Graph call, milliseconds.
    pub slow_ms: u64,
    /// Probability (0..1) that the connection is closed without an answer.
    pub drop_connection_rate: f64,
    /// Probability (0..1) that a successful `media_publish` loses its answer: the post IS
    /// created, then the client gets no answer (`lost_publish_mode`). Publishing the same
    /// container again never creates a second post.
    pub lost_publish_rate: f64,
    /// How a lost `media_publish` answer looks to the client.
    pub lost_publish_mode: LostPublishMode,
    /// Cut the connection once `N` bytes of a resumable upload body have arrived, once per
    /// container (the bytes before the cut are kept, so the client can resume from them).
    pub upload_drop_after_bytes: Option<u64>,
    /// Seed of the fault RNG, so a test sees the same sequence every run; `None` is random.
    pub seed: Option<u64>,
}

/// What the client sees when a `media_publish` answer is lost ([`Faults::lost_publish_rate`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LostPublishMode {
    /// The connection closes without an answer.
    #[default]
    Drop,
    /// A transient error: HTTP 500, code 2, `is_transient: true`.
    Error,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            transient_rate: 0.0,
            throttle_rate: 0.0,
            throttle_code: 17,
            slow_ms: 0,
            drop_connection_rate: 0.0,
            lost_publish_rate: 0.0,
            lost_publish_mode: LostPublishMode::Drop,
            upload_drop_after_bytes: None,
            seed: None,
        }
    }
}

impl Faults {
    /// Whether any fault is switched on.
    pub fn is_active(&self) -> bool {
        self.transient_rate > 0.0
            || self.throttle_rate > 0.0
            || self.slow_ms > 0
            || self.drop_connection_rate > 0.0
            || self.lost_publish_rate > 0.0
            || self.upload_drop_after_bytes.is_some()
    }
}
