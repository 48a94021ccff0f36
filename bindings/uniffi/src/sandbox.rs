//! `Sandbox`: the local imitation of Meta's API, inside the loaded library, so that Python and
//! Kotlin tests run with no Meta app.

use std::sync::Arc;

use tokio::sync::RwLock;

use crate::error::{binding, required, Result};

/// A seeded Facebook user (plays the person on the consent page).
#[derive(Debug, Clone, uniffi::Record)]
pub struct SeedUser {
    /// App-scoped user id.
    pub id: String,
    /// Display name (`Alice ...` first, then `Bob ...`).
    pub name: String,
}

/// A seeded Instagram professional account.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SeedAccount {
    /// The IG user id.
    pub id: String,
    /// Its username.
    pub username: String,
    /// Whether it can connect with Instagram Login.
    pub instagram_login: bool,
    /// Its seeded media ids.
    pub media: Vec<String>,
}

/// A seeded conversation.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SeedConversation {
    /// The conversation id.
    pub id: String,
    /// The professional account.
    pub ig_user_id: String,
    /// The person's IGSID (the recipient of a reply).
    pub user_id: String,
    /// The person's username.
    pub username: String,
    /// `open` (a reply is allowed), `human_agent` (only with that tag) or `closed`.
    pub window: String,
}

/// The seeded engagement data (comments, stories, mentions, hashtags) the tests read.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SeedEngagement {
    /// A media with comments turned off.
    pub media_comments_disabled: String,
    /// A comment older than 7 days (private replies refused).
    pub old_comment: String,
    /// A hidden comment.
    pub hidden_comment: String,
    /// A recent comment (within the private-reply window).
    pub recent_comment: String,
    /// `client.studio`'s live story with 120 viewers.
    pub story_many_viewers: String,
    /// `client.studio`'s live story with 3 viewers (insights refused).
    pub story_few_viewers: String,
    /// The seeded hashtags' names.
    pub hashtag_names: Vec<String>,
    /// Another account's media whose caption mentions `alice.bakery`.
    pub mentioned_media: String,
    /// A comment mentioning `alice.bakery` on another account's media.
    pub mentioned_comment: String,
}

/// A running sandbox.
#[derive(uniffi::Object)]
pub struct Sandbox {
    inner: RwLock<Option<instagraph_sandbox::Sandbox>>,
    base_url: String,
    app_id: String,
    app_secret: String,
    users: Vec<SeedUser>,
    accounts: Vec<SeedAccount>,
    conversations: Vec<SeedConversation>,
    engagement: SeedEngagement,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.base_url)
            .finish()
    }
}

/// Starts a sandbox in this process on a free port of 127.0.0.1 (`port` 0) or the one given.
#[uniffi::export(async_runtime = "tokio")]
pub async fn start_sandbox(port: u16) -> Result<Arc<Sandbox>> {
    let sandbox = instagraph_sandbox::Sandbox::builder()
        .port(port)
        .start()
        .await
        .map_err(|e| binding("start_sandbox failed", e))?;
    let seed = sandbox.seed();
    let users = seed
        .users
        .iter()
        .map(|u| SeedUser {
            id: u.id.clone(),
            name: u.name.clone(),
        })
        .collect();
    let accounts = seed
        .instagram_accounts
        .iter()
        .map(|a| SeedAccount {
            id: a.id.clone(),
            username: a.username.clone(),
            instagram_login: a.instagram_login,
            media: a.media.clone(),
        })
        .collect();
    let conversations = seed
        .engagement
        .conversations
        .iter()
        .map(|c| SeedConversation {
            id: c.id.clone(),
            ig_user_id: c.ig_id.clone(),
            user_id: c.user_id.clone(),
            username: c.username.clone(),
            window: c.window.clone(),
        })
        .collect();
    let e = &seed.engagement;
    let engagement = SeedEngagement {
        media_comments_disabled: e.media_comments_disabled.clone(),
        old_comment: e.old_comment.clone(),
        hidden_comment: e.hidden_comment.clone(),
        recent_comment: e.recent_comment.clone(),
        story_many_viewers: e.story_many_viewers.clone(),
        story_few_viewers: e.story_few_viewers.clone(),
        hashtag_names: e.hashtags.iter().map(|(name, _)| name.clone()).collect(),
        mentioned_media: e.mentioned_media.clone(),
        mentioned_comment: e.mentioned_comment.clone(),
    };
    Ok(Arc::new(Sandbox {
        base_url: sandbox.base_url().to_owned(),
        app_id: sandbox.app_id().to_owned(),
        app_secret: sandbox.app_secret().to_owned(),
        users,
        accounts,
        conversations,
        engagement,
        inner: RwLock::new(Some(sandbox)),
    }))
}

impl Sandbox {
    fn count(
        &self,
        what: &str,
        f: impl FnOnce(&instagraph_sandbox::Sandbox) -> usize,
    ) -> Result<u32> {
        let guard = self
            .inner
            .try_read()
            .map_err(|_| binding(what, "the sandbox is busy"))?;
        let sandbox = guard
            .as_ref()
            .ok_or_else(|| binding(what, "the sandbox is stopped"))?;
        Ok(u32::try_from(f(sandbox)).unwrap_or(u32::MAX))
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Sandbox {
    /// The base URL (give it to `ClientConfig.sandbox_url`).
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The seeded app id.
    pub fn app_id(&self) -> String {
        self.app_id.clone()
    }

    /// The seeded app secret.
    pub fn app_secret(&self) -> String {
        self.app_secret.clone()
    }

    /// The seeded Facebook users (Alice first, then Bob).
    pub fn users(&self) -> Vec<SeedUser> {
        self.users.clone()
    }

    /// The seeded Instagram professional accounts.
    pub fn accounts(&self) -> Vec<SeedAccount> {
        self.accounts.clone()
    }

    /// The seeded conversations.
    pub fn conversations(&self) -> Vec<SeedConversation> {
        self.conversations.clone()
    }

    /// The seeded engagement: comments, stories, mentions, hashtags.
    pub fn engagement(&self) -> SeedEngagement {
        self.engagement.clone()
    }

    /// Plays the person on the consent page of `url` (approving or denying) and returns the
    /// callback URL Meta would redirect to (with `code` and `state`, or the denial's error).
    pub async fn consent(
        self: Arc<Self>,
        url: String,
        user_id: String,
        approve: bool,
    ) -> Result<String> {
        const WHAT: &str = "Sandbox.consent";
        required("url", &url)?;
        required("user_id", &user_id)?;
        let guard = self.inner.read().await;
        let sandbox = guard
            .as_ref()
            .ok_or_else(|| binding(WHAT, "the sandbox is stopped"))?;
        sandbox
            .consent(&url, &user_id, approve)
            .await
            .map_err(|e| binding(WHAT, e))
    }

    /// How many posts were published on an IG account.
    pub fn published_count(&self, ig_user_id: String) -> Result<u32> {
        self.count("Sandbox.published_count", |s| {
            s.published_count(&ig_user_id)
        })
    }

    /// How many comments a media has (replies included).
    pub fn comment_count(&self, media_id: String) -> Result<u32> {
        self.count("Sandbox.comment_count", |s| s.comment_count(&media_id))
    }

    /// How many messages a conversation has.
    pub fn message_count(&self, conversation_id: String) -> Result<u32> {
        self.count("Sandbox.message_count", |s| {
            s.message_count(&conversation_id)
        })
    }

    /// Stops the sandbox (idempotent).
    pub async fn stop(self: Arc<Self>) -> Result<()> {
        let taken = self.inner.write().await.take();
        if let Some(sandbox) = taken {
            sandbox.shutdown().await;
        }
        Ok(())
    }
}
