//! What a command works with: the client (Meta or a sandbox), the store, the account manager,
//! the company.

use std::path::PathBuf;

use instagraph::accounts::ConnectRequest;
use instagraph::store::{Sealer, SealingKey, Store};
use instagraph::{AccountManager, Client, CompanyId, Config, IgUserId, Mode};
use instagraph_sandbox::{remote, Sandbox};
use serde_json::Value;

use crate::args::Global;
use crate::output::Failure;

/// The sandbox a command talks to.
pub enum SandboxLink {
    /// Started by this process; it stops when the command ends.
    InProcess(Box<Sandbox>),
    /// Started by another process, at this base URL.
    Remote(String),
}

impl SandboxLink {
    /// Its base URL.
    pub fn base_url(&self) -> &str {
        match self {
            SandboxLink::InProcess(s) => s.base_url(),
            SandboxLink::Remote(url) => url,
        }
    }
}

/// What a command works with.
pub struct Context {
    /// The SDK client.
    pub client: Client,
    /// Accounts and tokens of the store.
    pub accounts: AccountManager,
    /// The tenant.
    pub company: CompanyId,
    /// The sandbox, in sandbox mode.
    pub sandbox: Option<SandboxLink>,
}

/// Whether the command runs against the sandbox (`--sandbox`, `--sandbox-url`, or
/// `INSTAGRAM_MODE=sandbox`).
pub fn sandbox_mode(global: &Global) -> bool {
    global.sandbox
        || global.sandbox_url.is_some()
        || std::env::var("INSTAGRAM_MODE").is_ok_and(|m| m.trim().eq_ignore_ascii_case("sandbox"))
}

/// The store URL: `--store`, else a SQLite file in the user's data directory.
pub fn store_url(global: &Global) -> Result<String, Failure> {
    if let Some(url) = global.store.as_deref().filter(|u| !u.trim().is_empty()) {
        return Ok(url.to_owned());
    }
    let path = default_store_path()?;
    Ok(format!("sqlite:{}", path.display()))
}

/// `<data dir>/instagraph/instagraph.db` (the directory is created).
pub fn default_store_path() -> Result<PathBuf, Failure> {
    let dir = dirs::data_dir()
        .ok_or_else(|| {
            Failure::message("no data directory for this user").hint("pass --store sqlite:PATH")
        })?
        .join("instagraph");
    std::fs::create_dir_all(&dir)?;
    Ok(dir.join("instagraph.db"))
}

/// The sealer of `INSTAGRAPH_SEALING_KEY` (and `INSTAGRAPH_PREVIOUS_SEALING_KEYS`).
pub fn sealer() -> Result<Sealer, Failure> {
    Sealer::from_env().map_err(|e| {
        Failure::from(e).hint(
            "generate one with `instagraph store generate-key` and export it as \
             INSTAGRAPH_SEALING_KEY (keep it secret: it opens the stored tokens)",
        )
    })
}

/// The sandbox of this command: connected to `--sandbox-url`, or started here.
pub async fn sandbox(global: &Global) -> Result<SandboxLink, Failure> {
    Ok(match global.sandbox_url.as_deref() {
        Some(url) => SandboxLink::Remote(url.trim_end_matches('/').to_owned()),
        None => SandboxLink::InProcess(Box::new(Sandbox::start().await?)),
    })
}

/// The client of a sandbox: its app id and secret as `GET /__sandbox/config` tells them.
pub async fn sandbox_client(base_url: &str, redirect_uri: &str) -> Result<Client, Failure> {
    let description = remote::describe(base_url).await?;
    let app = &description["app"];
    let (Some(id), Some(secret)) = (app["id"].as_str(), app["secret"].as_str()) else {
        return Err(Failure::message(format!(
            "{base_url} is not an instagraph sandbox (no app in /__sandbox/config)"
        )));
    };
    Ok(Client::builder()
        .app(id, secret)
        .sandbox(base_url)
        .redirect_uri(redirect_uri)
        .build()?)
}

/// The redirect URI of commands that do not connect (the client needs one).
pub const DEFAULT_REDIRECT_URI: &str = "http://127.0.0.1/instagraph/callback";

/// The client for Meta from the environment (`INSTAGRAM_APP_ID`, …), with `redirect_uri`.
pub fn production_client(redirect_uri: &str) -> Result<Client, Failure> {
    let mut config = Config::from_env().map_err(|e| {
        Failure::from(e).hint(
            "set INSTAGRAM_APP_ID and INSTAGRAM_APP_SECRET, or try the sandbox with --sandbox",
        )
    })?;
    if config.mode == Mode::Production {
        config.redirect_uri = Some(redirect_uri.to_owned());
    }
    Ok(Client::with_config(config)?)
}

impl Context {
    /// The context of a command: the sandbox or Meta, the store, the company. A sandbox started
    /// in this process gets a memory store (unless `--store` names one) in which the sandbox
    /// user has connected and added every account, so that the command has something to act on.
    pub async fn open(global: &Global) -> Result<Self, Failure> {
        Self::open_with(global, DEFAULT_REDIRECT_URI, true).await
    }

    /// Like [`Context::open`], with the redirect URI of a connect, and without connecting the
    /// sandbox user when `bootstrap` is false.
    pub async fn open_with(
        global: &Global,
        redirect_uri: &str,
        bootstrap: bool,
    ) -> Result<Self, Failure> {
        let company = CompanyId::new(global.company.trim());
        if !sandbox_mode(global) {
            let client = production_client(redirect_uri)?;
            let store = Store::open_url(&store_url(global)?, sealer()?).await?;
            return Ok(Self {
                accounts: AccountManager::new(client.clone(), store),
                client,
                company,
                sandbox: None,
            });
        }
        let link = sandbox(global).await?;
        let client = sandbox_client(link.base_url(), redirect_uri).await?;
        let in_process = matches!(link, SandboxLink::InProcess(_));
        let store = match (&global.store, in_process) {
            // A throwaway sandbox's tokens die with it: nothing worth persisting.
            (None, true) => Store::memory(SealingKey::generate()),
            _ => Store::open_url(&store_url(global)?, sealer()?).await?,
        };
        let context = Self {
            accounts: AccountManager::new(client.clone(), store),
            client,
            company,
            sandbox: Some(link),
        };
        if in_process && bootstrap {
            let request = ConnectRequest::facebook(context.company.clone());
            let connection = context
                .connect_as_sandbox_user(request, global.sandbox_user.as_deref())
                .await?;
            let ids: Vec<IgUserId> = connection
                .accounts
                .iter()
                .map(|a| a.ig_user_id.clone())
                .collect();
            context.accounts.add(&context.company, &ids).await?;
        }
        Ok(context)
    }

    /// Starts a connection and approves it on the sandbox's consent page as `user` (a first
    /// name, a username or an id of a seeded user), without a browser.
    pub async fn connect_as_sandbox_user(
        &self,
        request: ConnectRequest,
        user: Option<&str>,
    ) -> Result<instagraph::accounts::Connection, Failure> {
        let link = self
            .sandbox
            .as_ref()
            .ok_or_else(|| Failure::message("approving as a seeded user needs --sandbox"))?;
        let instagram = request.login == instagraph::store::LoginKind::Instagram;
        let start = self.accounts.start_connect(request).await?;
        let user_id = seeded_user(link.base_url(), user, instagram).await?;
        let callback = remote::consent(link.base_url(), &start.url, &user_id, true).await?;
        Ok(self.accounts.finish_connect(&callback).await?)
    }
}

/// The id of the seeded user `name` (first name, username or id) of the given login, or of its
/// first seeded user.
async fn seeded_user(
    base_url: &str,
    name: Option<&str>,
    instagram: bool,
) -> Result<String, Failure> {
    let description = remote::describe(base_url).await?;
    let kind = if instagram { "instagram" } else { "facebook" };
    let users = description["users"].as_array().cloned().unwrap_or_default();
    let matches = |u: &Value| {
        let Some(name) = name else {
            return u["kind"] == kind;
        };
        let first = u["name"].as_str().and_then(|n| n.split(' ').next());
        u["kind"] == kind
            && (u["id"] == name || u["username"] == name || first.is_some_and(|f| f == name))
    };
    users
        .iter()
        .find(|u| matches(u))
        .and_then(|u| u["id"].as_str())
        .map(str::to_owned)
        .ok_or_else(|| {
            Failure::message(format!(
                "the sandbox has no {kind} user {}",
                name.unwrap_or("at all")
            ))
            .hint("`instagraph sandbox` lists the seeded users")
        })
}
