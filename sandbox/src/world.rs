//! The sandbox's state: one `World` behind a mutex, mutated by synchronous handlers.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use chrono::{DateTime, Duration, Utc};
use rand::{distributions::Alphanumeric, rngs::StdRng, Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use super::config::{Faults, SandboxConfig};
pub(crate) use super::publish::model::{Container, ContainerStatus};

/// Which login (and so which Graph host) a token or code belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Login {
    /// Instagram API with Facebook Login (graph.facebook.com).
    Facebook,
    /// Instagram API with Instagram Login (graph.instagram.com).
    Instagram,
}

#[derive(Debug, Clone)]
pub(crate) struct App {
    pub id: String,
    pub secret: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub(crate) struct User {
    pub id: String,
    pub name: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub id: String,
    pub name: String,
    pub category: String,
    pub username: String,
    pub fan_count: u64,
    /// Facebook users who manage the Page directly (they see it in /me/accounts).
    pub managers: Vec<String>,
    pub ig_account: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Business {
    pub id: String,
    pub name: String,
    pub created_time: DateTime<Utc>,
    pub verification_status: String,
    /// Facebook users with a role in the portfolio.
    pub members: Vec<String>,
    pub owned_pages: Vec<String>,
    pub client_pages: Vec<String>,
    pub owned_ig: Vec<String>,
    pub client_ig: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct IgAccount {
    pub id: String,
    pub ig_id: u64,
    pub username: String,
    pub name: String,
    pub biography: String,
    pub website: String,
    pub profile_picture_url: String,
    pub followers_count: u64,
    pub follows_count: u64,
    /// `BUSINESS` or `MEDIA_CREATOR`.
    pub account_type: String,
    pub page_id: Option<String>,
    /// Whether this account can sign in through Instagram Login.
    pub instagram_login: bool,
    /// Top-level media ids, newest first.
    pub media: Vec<String>,
    /// When each post was published through the API (the rolling publishing quota).
    pub publishes: Vec<DateTime<Utc>>,
    /// Live story ids, newest first (stories are not in `media`'s feed list).
    pub stories: Vec<String>,
    /// When each container of the last 24 h was created (the container quota), oldest first.
    pub container_log: VecDeque<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub(crate) struct Media {
    pub id: String,
    pub ig_id: String,
    pub owner: String,
    pub caption: Option<String>,
    pub media_type: String,
    pub media_product_type: String,
    pub media_url: String,
    pub thumbnail_url: Option<String>,
    pub shortcode: String,
    pub timestamp: DateTime<Utc>,
    pub like_count: u64,
    pub comments_count: u64,
    pub is_comment_enabled: bool,
    pub is_shared_to_feed: Option<bool>,
    pub alt_text: Option<String>,
    pub children: Vec<String>,
    pub parent: Option<String>,
}

impl Media {
    /// Meta's permalink: `/p/{shortcode}/`, `/reel/{shortcode}/`, or for a story
    /// `/stories/{username}/{ig_id}/`.
    pub fn permalink(&self, username: Option<&str>) -> String {
        match self.media_product_type.as_str() {
            "REELS" => format!("https://www.instagram.com/reel/{}/", self.shortcode),
            "STORY" => format!(
                "https://www.instagram.com/stories/{}/{}/",
                username.unwrap_or("instagram"),
                self.ig_id
            ),
            _ => format!("https://www.instagram.com/p/{}/", self.shortcode),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    User,
    Page,
}

/// Why a token stopped working before its expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Revocation {
    /// The user removed the app (`DELETE /me/permissions`): subcode 458.
    AppRemoved,
    /// The session was invalidated (`POST /__sandbox/revoke`): subcode 460.
    SessionInvalidated,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub value: String,
    pub login: Login,
    pub kind: TokenKind,
    /// Facebook user id, or the IG account id for Instagram Login.
    pub subject: String,
    pub page_id: Option<String>,
    pub scopes: Vec<String>,
    pub issued_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub long_lived: bool,
    pub revoked: Option<Revocation>,
}

impl Token {
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct AuthCode {
    pub login: Login,
    pub user: String,
    pub scopes: Vec<String>,
    pub redirect_uri: String,
    pub created_at: DateTime<Utc>,
    pub used: bool,
}

/// Calls inside a rolling window, for the usage headers and throttling.
#[derive(Debug, Default)]
pub(crate) struct Usage {
    pub app: VecDeque<DateTime<Utc>>,
    pub objects: HashMap<String, VecDeque<DateTime<Utc>>>,
}

pub(crate) struct World {
    pub config: SandboxConfig,
    pub faults: Faults,
    pub fault_rng: StdRng,
    pub app: App,
    pub users: BTreeMap<String, User>,
    pub pages: BTreeMap<String, Page>,
    pub businesses: BTreeMap<String, Business>,
    pub ig_accounts: BTreeMap<String, IgAccount>,
    pub media: HashMap<String, Media>,
    pub containers: HashMap<String, Container>,
    /// Published stories by expiry time, oldest first: purged 24 h after publishing.
    pub story_expiry: VecDeque<(DateTime<Utc>, String)>,
    /// `server-error-once` media URLs already failed once (owner + URL).
    pub failed_once: HashSet<String>,
    /// Graph and rupload calls by endpoint kind (see the stats module).
    pub calls: BTreeMap<String, u64>,
    pub tokens: HashMap<String, Token>,
    /// (user token, page id) → Page token, so /me/accounts answers the same token each time.
    pub page_tokens: HashMap<(String, String), String>,
    pub codes: HashMap<String, AuthCode>,
    pub usage: Usage,
    pub clock_offset: Duration,
    pub next_media: u64,
    pub next_container: u64,
    /// Comments, hashtags, stories' viewers, conversations, subscriptions, the webhook.
    pub engage: super::engage::Engage,
}

impl World {
    /// The sandbox clock: real time plus whatever tests advanced it by.
    pub fn now(&self) -> DateTime<Utc> {
        later(Utc::now(), self.clock_offset)
    }

    pub fn new_media_id(&mut self) -> String {
        self.next_media += 1;
        self.next_media.to_string()
    }

    pub fn new_container_id(&mut self) -> String {
        self.next_container += 1;
        self.next_container.to_string()
    }

    pub fn reseed_faults(&mut self, faults: Faults) {
        self.fault_rng = match faults.seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_entropy(),
        };
        self.faults = faults;
    }

    /// Issues a new token and remembers it.
    #[allow(clippy::too_many_arguments)]
    pub fn mint_token(
        &mut self,
        login: Login,
        kind: TokenKind,
        subject: &str,
        page_id: Option<String>,
        scopes: Vec<String>,
        long_lived: bool,
        expires_at: Option<DateTime<Utc>>,
    ) -> Token {
        let prefix = match login {
            Login::Facebook => "EAA",
            Login::Instagram => "IGAA",
        };
        let token = Token {
            value: format!("{prefix}SBX{}", random_alnum(40)),
            login,
            kind,
            subject: subject.to_owned(),
            page_id,
            scopes,
            issued_at: self.now(),
            expires_at,
            long_lived,
            revoked: None,
        };
        self.tokens.insert(token.value.clone(), token.clone());
        token
    }

    /// A user token with the lifetime the config gives its login and kind.
    pub fn mint_user_token(
        &mut self,
        login: Login,
        subject: &str,
        scopes: Vec<String>,
        long_lived: bool,
    ) -> Token {
        let secs = match (login, long_lived) {
            (_, true) => self.config.long_lived_seconds,
            (Login::Facebook, false) => self.config.facebook_short_lived_seconds,
            (Login::Instagram, false) => self.config.instagram_short_lived_seconds,
        };
        let mut token = self.mint_token(
            login,
            TokenKind::User,
            subject,
            None,
            scopes,
            long_lived,
            None,
        );
        // Derived from issued_at so `expires_in` reports exactly the configured lifetime.
        token.expires_at = Some(later(
            token.issued_at,
            Duration::try_seconds(secs).unwrap_or(Duration::MAX),
        ));
        self.tokens.insert(token.value.clone(), token.clone());
        token
    }

    /// The Page token /me/accounts hands out for `page_id` under `user_token`. Page tokens from
    /// a long-lived user token do not expire (GRAPH_API.md [U]); others share the user token's
    /// expiry.
    pub fn page_token_for(&mut self, user_token: &Token, page_id: &str) -> String {
        let key = (user_token.value.clone(), page_id.to_owned());
        if let Some(existing) = self.page_tokens.get(&key) {
            return existing.clone();
        }
        let expires = if user_token.long_lived {
            None
        } else {
            user_token.expires_at
        };
        let token = self.mint_token(
            Login::Facebook,
            TokenKind::Page,
            &user_token.subject,
            Some(page_id.to_owned()),
            user_token.scopes.clone(),
            user_token.long_lived,
            expires,
        );
        self.page_tokens.insert(key, token.value.clone());
        token.value
    }

    pub fn new_code(
        &mut self,
        login: Login,
        user: &str,
        scopes: Vec<String>,
        redirect_uri: &str,
    ) -> String {
        let code = format!("AQ{}", random_alnum(86));
        let now = self.now();
        self.codes.insert(
            code.clone(),
            AuthCode {
                login,
                user: user.to_owned(),
                scopes,
                redirect_uri: redirect_uri.to_owned(),
                created_at: now,
                used: false,
            },
        );
        code
    }

    /// Posts an account published in the last 24 h by the sandbox clock (a carousel once).
    /// Publishes are appended in clock order, so only the window's tail is walked.
    pub fn quota_usage(&self, ig_id: &str) -> usize {
        let since = self.now() - Duration::hours(24);
        self.ig_accounts.get(ig_id).map_or(0, |a| {
            a.publishes.iter().rev().take_while(|t| **t > since).count()
        })
    }

    /// The IG account or Page a node belongs to, for the business use case usage header.
    pub fn business_object_of(&self, id: &str) -> Option<(String, &'static str)> {
        if self.ig_accounts.contains_key(id) {
            Some((id.to_owned(), "instagram"))
        } else if self.pages.contains_key(id) {
            Some((id.to_owned(), "pages"))
        } else if let Some(m) = self.media.get(id) {
            Some((m.owner.clone(), "instagram"))
        } else {
            self.containers
                .get(id)
                .map(|c| (c.owner.clone(), "instagram"))
        }
    }
}

/// `t + d`, saturating instead of panicking at the ends of time.
pub(crate) fn later(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    t.checked_add_signed(d).unwrap_or(if d < Duration::zero() {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}

pub(crate) fn random_alnum(n: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(n)
        .map(char::from)
        .collect()
}

/// Meta's timestamp format: `2019-09-26T22:36:43+0000`.
pub(crate) fn meta_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%z").to_string()
}
