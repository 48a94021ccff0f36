//! `Sandbox`: the local imitation of Meta's API, inside the loaded library, so that Python and
//! Kotlin tests run with no Meta app.

use std::sync::Arc;

use tokio::sync::RwLock;

use crate::error::{binding, guard_sync, required, run, Result};

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
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("base_url", &self.base_url)
            .finish()
    }
}

/// Starts a sandbox in this process on a free port of 127.0.0.1 (`port` 0) or the one given.
#[uniffi::export]
pub async fn start_sandbox(port: u16) -> Result<Arc<Sandbox>> {
    run("start_sandbox", async move {
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
        Ok(Arc::new(Sandbox {
            base_url: sandbox.base_url().to_owned(),
            app_id: sandbox.app_id().to_owned(),
            app_secret: sandbox.app_secret().to_owned(),
            users,
            accounts,
            conversations,
            inner: RwLock::new(Some(sandbox)),
        }))
    })
    .await
}

impl Sandbox {
    fn count(
        &self,
        what: &str,
        f: impl FnOnce(&instagraph_sandbox::Sandbox) -> usize,
    ) -> Result<u32> {
        guard_sync(what, || {
            let guard = self
                .inner
                .try_read()
                .map_err(|_| binding(what, "the sandbox is busy"))?;
            let sandbox = guard
                .as_ref()
                .ok_or_else(|| binding(what, "the sandbox is stopped"))?;
            Ok(u32::try_from(f(sandbox)).unwrap_or(u32::MAX))
        })
    }
}

#[uniffi::export]
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

    /// Plays the person on the consent page of `url` (approving or denying) and returns the
    /// callback URL Meta would redirect to (with `code` and `state`, or the denial's error).
    pub async fn consent(
        self: Arc<Self>,
        url: String,
        user_id: String,
        approve: bool,
    ) -> Result<String> {
        const WHAT: &str = "Sandbox.consent";
        run(WHAT, async move {
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
        })
        .await
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
        run("Sandbox.stop", async move {
            let taken = self.inner.write().await.take();
            if let Some(sandbox) = taken {
                sandbox.shutdown().await;
            }
            Ok(())
        })
        .await
    }
}
