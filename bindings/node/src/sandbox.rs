//! `Sandbox`: the local Graph API, for tests.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;
use tokio::sync::RwLock;

use crate::error::{binding_error, guard, guard_sync, type_error};

/// Options of `Sandbox.start`.
#[napi(object)]
pub struct SandboxOptions {
    /// A fixed port (default: a free one).
    pub port: Option<u32>,
    /// Sandbox knobs (`SandboxConfig` of the Rust crate; camelCase or snake_case keys), e.g.
    /// `{ appCallBudgetPerHour: 0, businessCallBudgetPerDay: 0, extraInstagramAccounts: 1,
    /// loadAccountMedia: 1000 }` for a bench.
    #[napi(ts_type = "Record<string, unknown>")]
    pub config: Option<Value>,
}

/// A seeded Facebook user (`Sandbox.seedUsers`).
#[napi(object, use_nullable = true)]
#[derive(Clone)]
pub struct SeedUser {
    /// The Facebook user id (`userId` of `consent`).
    pub id: String,
    /// The user's name.
    pub name: String,
    /// The user's email, when the seed has one.
    pub email: Option<String>,
}

/// A local imitation of Meta's Graph API, seeded with users, Pages and IG accounts.
#[napi]
pub struct Sandbox {
    inner: RwLock<Option<instagraph_sandbox::Sandbox>>,
    base_url: String,
    app_id: String,
    app_secret: String,
    seed_users: Vec<SeedUser>,
    seed: Value,
}

#[napi]
impl Sandbox {
    /// Starts a sandbox in this process (on napi's tokio runtime).
    // Writable and configurable so that index.js can wrap it (statics default to neither).
    #[napi(writable = true, configurable = true)]
    pub async fn start(options: Option<SandboxOptions>) -> Result<Sandbox> {
        guard("Sandbox.start", async move {
            let mut builder = instagraph_sandbox::Sandbox::builder();
            let (port, config) = options.map_or((None, None), |o| (o.port, o.config));
            if let Some(config) = config {
                let config: instagraph_sandbox::SandboxConfig =
                    serde_json::from_value(crate::convert::snake_keys(config))
                        .map_err(|e| type_error("options.config", e))?;
                builder = builder.config(config);
            }
            if let Some(port) = port {
                let port = u16::try_from(port)
                    .map_err(|_| type_error("options.port", "must be between 0 and 65535"))?;
                builder = builder.port(port);
            }
            let sandbox = builder
                .start()
                .await
                .map_err(|e| binding_error("Sandbox.start failed", e))?;
            let seed_users = sandbox
                .seed()
                .users
                .iter()
                .map(|u| SeedUser {
                    id: u.id.clone(),
                    name: u.name.clone(),
                    email: u.email.clone(),
                })
                .collect();
            let seed = serde_json::to_value(sandbox.seed())
                .map(crate::convert::camel_keys)
                .unwrap_or(Value::Null);
            Ok(Sandbox {
                seed,
                base_url: sandbox.base_url().to_owned(),
                app_id: sandbox.app_id().to_owned(),
                app_secret: sandbox.app_secret().to_owned(),
                seed_users,
                inner: RwLock::new(Some(sandbox)),
            })
        })
        .await
    }

    /// The base URL (give it to `new Client({ mode: "sandbox", sandboxUrl })`).
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The seeded app id.
    #[napi(getter)]
    pub fn app_id(&self) -> String {
        self.app_id.clone()
    }

    /// The seeded app secret.
    #[napi(getter)]
    pub fn app_secret(&self) -> String {
        self.app_secret.clone()
    }

    /// The seeded Facebook users (Alice first, then Bob).
    #[napi(getter)]
    pub fn seed_users(&self) -> Vec<SeedUser> {
        self.seed_users.clone()
    }

    /// Everything the sandbox was seeded with (camelCase): `users`, `pages`, `businesses`,
    /// `instagramAccounts` (`[{ id, username, pageId, media, ... }]`) and `engagement` (the ids
    /// of seeded comments, stories, conversations, hashtags and mentions).
    #[napi(getter, ts_return_type = "Record<string, any>")]
    pub fn seed(&self) -> Value {
        self.seed.clone()
    }

    /// Plays the user on the consent page of `url`; resolves to the callback URL
    /// (with `code` and `state`, or the error of a denial).
    #[napi]
    pub async fn consent(&self, url: String, user_id: String, approve: bool) -> Result<String> {
        guard("Sandbox.consent", async {
            let guard = self.inner.read().await;
            let sandbox = guard
                .as_ref()
                .ok_or_else(|| binding_error("Sandbox.consent failed", "the sandbox is stopped"))?;
            sandbox
                .consent(&url, &user_id, approve)
                .await
                .map_err(|e| binding_error("Sandbox.consent failed", e))
        })
        .await
    }

    /// How many posts were published on an IG account.
    #[napi]
    pub fn published_count(&self, ig_user_id: String) -> Result<u32> {
        guard_sync("Sandbox.publishedCount", || {
            let guard = self.inner.try_read().map_err(|_| {
                binding_error("Sandbox.publishedCount failed", "the sandbox is busy")
            })?;
            let sandbox = guard.as_ref().ok_or_else(|| {
                binding_error("Sandbox.publishedCount failed", "the sandbox is stopped")
            })?;
            Ok(u32::try_from(sandbox.published_count(&ig_user_id)).unwrap_or(u32::MAX))
        })
    }

    /// How many calls of one kind the sandbox answered (`'container_create'`,
    /// `'media_publish'`, ...: the Rust sandbox's `call_counts` keys); 0 for a kind never called.
    #[napi]
    pub fn call_count(&self, kind: String) -> Result<u32> {
        guard_sync("Sandbox.callCount", || {
            let guard = self
                .inner
                .try_read()
                .map_err(|_| binding_error("Sandbox.callCount failed", "the sandbox is busy"))?;
            let sandbox = guard.as_ref().ok_or_else(|| {
                binding_error("Sandbox.callCount failed", "the sandbox is stopped")
            })?;
            let count = sandbox
                .call_counts()
                .get(&kind)
                .copied()
                .unwrap_or_default();
            Ok(u32::try_from(count).unwrap_or(u32::MAX))
        })
    }

    /// Moves the sandbox clock forward by `seconds` (token expiry and refresh age, container
    /// processing, story expiry, quotas).
    #[napi]
    pub fn advance_clock(&self, seconds: f64) -> Result<()> {
        guard_sync("Sandbox.advanceClock", || {
            if !seconds.is_finite() || seconds < 0.0 {
                return Err(type_error("seconds", "must be a non-negative number"));
            }
            let guard = self
                .inner
                .try_read()
                .map_err(|_| binding_error("Sandbox.advanceClock failed", "the sandbox is busy"))?;
            let sandbox = guard.as_ref().ok_or_else(|| {
                binding_error("Sandbox.advanceClock failed", "the sandbox is stopped")
            })?;
            sandbox.advance_clock(std::time::Duration::from_secs_f64(seconds.min(1e12)));
            Ok(())
        })
    }

    /// Makes an event happen and delivers its signed webhook to the registered callback
    /// (`POST /__sandbox/webhooks` registers one), as `POST /__sandbox/events` does:
    /// `{ type: "comment" | "mention" | "message" | ..., ... }` with the Rust sandbox's
    /// snake_case fields; resolves to `{ delivered, status, event, created, ... }`.
    #[napi(ts_return_type = "Promise<Record<string, any>>")]
    pub async fn event(&self, event: Value) -> Result<Value> {
        guard("Sandbox.event", async {
            let guard = self.inner.read().await;
            let sandbox = guard
                .as_ref()
                .ok_or_else(|| binding_error("Sandbox.event failed", "the sandbox is stopped"))?;
            sandbox
                .event(event)
                .await
                .map_err(|e| binding_error("Sandbox.event failed", e))
        })
        .await
    }

    /// Stops the sandbox (idempotent).
    #[napi]
    pub async fn stop(&self) -> Result<()> {
        guard("Sandbox.stop", async {
            let taken = self.inner.write().await.take();
            if let Some(sandbox) = taken {
                sandbox.shutdown().await;
            }
            Ok(())
        })
        .await
    }
}
