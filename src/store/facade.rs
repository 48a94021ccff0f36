//! [`Store`]: a backend plus the sealer, so that callers hand over and get back plaintext tokens
//! while the backend only ever sees sealed ones.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::crypto::{token_aad, Sealer, SealingKey};
use super::error::{StoreError, StoreResult};
use super::memory::MemoryStore;
use super::records::{LoginKind, TokenKind, TokenRecord};
use super::traits::StoreBackend;
use super::util::truncate_time;
use super::watch::{CredentialWrites, Watched};
use crate::ids::{CompanyId, TokenId};
use crate::AccessToken;

/// A token to save with [`Store::save_token`]. `Debug` shows the token redacted.
#[derive(Clone, Debug)]
pub struct NewToken {
    /// User, Page or Instagram user token.
    pub kind: TokenKind,
    /// The login flow that produced it.
    pub login: LoginKind,
    /// Whose token it is: a Facebook user id, a Page id or an Instagram user id.
    pub subject_id: String,
    /// The token.
    pub token: AccessToken,
    /// Scopes granted with it.
    pub scopes: Vec<String>,
    /// When it expires, if it does.
    pub expires_at: Option<DateTime<Utc>>,
    /// When Meta issued it.
    pub issued_at: DateTime<Utc>,
}

/// What [`Store::reseal_tokens`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ResealReport {
    /// Tokens found sealed with another key than the current one.
    pub found: u64,
    /// Tokens now sealed with the current key.
    pub resealed: u64,
    /// Tokens saved again while this ran (so already sealed with the current key): left as
    /// they are.
    pub changed: u64,
    /// Tokens that no key of the sealer opens (a key missing from the configuration, or a
    /// tampered row): left as they are. Non-zero means an old key is still needed.
    pub unreadable: u64,
}

/// Where [`Store::open`] opens a store: a URL checked by [`StoreUrl::parse`]. `Debug` shows the
/// kind only (a Postgres URL may hold a password).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreUrl {
    /// `memory:`: in this process, gone when it exits.
    Memory,
    /// `sqlite:PATH`: a file (created and migrated when opened).
    #[cfg(feature = "sqlite")]
    Sqlite(std::path::PathBuf),
    /// `postgres://…`: a database shared by every process that uses it.
    #[cfg(feature = "postgres")]
    Postgres(String),
}

impl StoreUrl {
    /// Parses `memory:`, `sqlite:PATH` (or `sqlite://PATH`), `postgres://…` or
    /// `postgresql://…`; a bad URL, or the URL of a backend this build lacks, is an
    /// [`StoreError::InvalidInput`] on `url`.
    pub fn parse(url: &str) -> StoreResult<Self> {
        if url == "memory:" || url == "memory" {
            return Ok(Self::Memory);
        }
        if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(StoreError::invalid("url", "`sqlite:` needs a file path"));
            }
            #[cfg(feature = "sqlite")]
            return Ok(Self::Sqlite(path.into()));
            #[cfg(not(feature = "sqlite"))]
            return Err(StoreError::invalid(
                "url",
                "built without the `sqlite` feature",
            ));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            #[cfg(feature = "postgres")]
            return Ok(Self::Postgres(url.to_owned()));
            #[cfg(not(feature = "postgres"))]
            return Err(StoreError::invalid(
                "url",
                "built without the `postgres` feature",
            ));
        }
        let scheme = url.split(':').next().unwrap_or_default();
        Err(StoreError::invalid(
            "url",
            format!("scheme {scheme:?} is none of `memory:`, `sqlite:PATH`, `postgres://…`"),
        ))
    }

    /// Whether the data outlives the process (so a sealing key must too).
    pub fn persists(&self) -> bool {
        !matches!(self, Self::Memory)
    }

    /// Opens the store (creating it and applying pending migrations, as [`Store::open`] does),
    /// and returns the migrations it records as applied, `(version, name)` in order. A memory
    /// store has none.
    pub async fn applied_migrations(&self) -> StoreResult<Vec<(i64, String)>> {
        match self {
            Self::Memory => Ok(Vec::new()),
            #[cfg(feature = "sqlite")]
            Self::Sqlite(path) => {
                let store = super::sqlite::SqliteStore::open(path).await?;
                let applied = store.applied_migrations().await;
                store.close().await;
                applied
            }
            #[cfg(feature = "postgres")]
            Self::Postgres(url) => {
                let store = super::postgres::PostgresStore::connect(url).await?;
                let applied = store.applied_migrations().await;
                store.close().await;
                applied
            }
        }
    }
}

impl fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Memory => "StoreUrl::Memory",
            #[cfg(feature = "sqlite")]
            Self::Sqlite(_) => "StoreUrl::Sqlite",
            #[cfg(feature = "postgres")]
            Self::Postgres(_) => "StoreUrl::Postgres",
        })
    }
}

/// The storage facade: any [`StoreBackend`] plus token sealing. Cheap to clone.
///
/// Tokens go through [`Store::save_token`] / [`Store::load_token`], which seal and open them;
/// accounts, OAuth states and jobs go straight to [`Store::backend`].
#[derive(Clone)]
pub struct Store {
    /// The backend given, wrapped so that its token and account writes are counted.
    backend: Arc<dyn StoreBackend>,
    sealer: Arc<Sealer>,
    credential_writes: Arc<CredentialWrites>,
}

impl Store {
    /// A store over `backend`, sealing with `key`.
    pub fn new(backend: Arc<dyn StoreBackend>, key: SealingKey) -> Self {
        Self::with_sealer(backend, Sealer::new(key))
    }

    /// A store over `backend` with a prepared sealer (for example one holding older keys).
    pub fn with_sealer(backend: Arc<dyn StoreBackend>, sealer: Sealer) -> Self {
        let credential_writes = Arc::new(CredentialWrites::default());
        Self {
            backend: Arc::new(Watched::new(backend, credential_writes.clone())),
            sealer: Arc::new(sealer),
            credential_writes,
        }
    }

    /// A store that keeps everything in memory.
    pub fn memory(key: SealingKey) -> Self {
        Self::new(Arc::new(MemoryStore::new()), key)
    }

    /// A store in the SQLite file at `path` (created if missing, migrated to the latest schema).
    #[cfg(feature = "sqlite")]
    pub async fn sqlite(path: impl AsRef<std::path::Path>, key: SealingKey) -> StoreResult<Self> {
        let backend = super::sqlite::SqliteStore::open(path).await?;
        Ok(Self::new(Arc::new(backend), key))
    }

    /// A store in the Postgres database at `url` (`postgres://user:password@host/db`), with a
    /// pool of default size ([`super::PostgresOptions`]); pending migrations are applied. Every
    /// process that shares the database shares the accounts, tokens, states and jobs; claims
    /// of due jobs never hand one job to two workers.
    #[cfg(feature = "postgres")]
    pub async fn postgres(url: &str, key: SealingKey) -> StoreResult<Self> {
        let backend = super::postgres::PostgresStore::connect(url).await?;
        Ok(Self::new(Arc::new(backend), key))
    }

    /// A store from a URL: `memory:`, `sqlite:PATH` (or `sqlite://PATH`), or
    /// `postgres://…` / `postgresql://…` (each backend only with its feature). Bad URLs are an
    /// [`StoreError::InvalidInput`] on `url`, before anything is opened.
    pub async fn open_url(url: &str, sealer: Sealer) -> StoreResult<Self> {
        Self::open(&StoreUrl::parse(url)?, sealer).await
    }

    /// A store at a parsed [`StoreUrl`] (check a URL early with [`StoreUrl::parse`], open it
    /// later with this).
    pub async fn open(url: &StoreUrl, sealer: Sealer) -> StoreResult<Self> {
        let backend: Arc<dyn StoreBackend> = match url {
            StoreUrl::Memory => Arc::new(MemoryStore::new()),
            #[cfg(feature = "sqlite")]
            StoreUrl::Sqlite(path) => Arc::new(super::sqlite::SqliteStore::open(path).await?),
            #[cfg(feature = "postgres")]
            StoreUrl::Postgres(url) => {
                Arc::new(super::postgres::PostgresStore::connect(url).await?)
            }
        };
        Ok(Self::with_sealer(backend, sealer))
    }

    /// Seals again, with the current key, every token sealed with another one (after a key
    /// rotation: see [`Sealer::from_env`]), across tenants, `batch` rows at a time (0 means 50,
    /// at most 500). Reads keep working throughout, since the sealer opens old and new rows
    /// alike; a token saved meanwhile is never overwritten (each row is replaced only if it
    /// still holds what was read). Rows that no key of the sealer opens are counted and left
    /// alone. Safe to run from several processes at once, and again after a failure.
    ///
    /// It runs in the caller's task; to reseal in the background, spawn it:
    /// `tokio::spawn({ let s = store.clone(); async move { s.reseal_tokens(100).await } })`.
    /// The backend must implement [`super::TokenStore::tokens_sealed_without_key`] and
    /// [`super::TokenStore::replace_sealed`] (memory, SQLite and Postgres do).
    pub async fn reseal_tokens(&self, batch: u64) -> StoreResult<ResealReport> {
        let current = self.sealer.current_key_id().to_owned();
        let mut report = ResealReport::default();
        let mut cursor: Option<(CompanyId, TokenId)> = None;
        loop {
            let rows = self
                .backend
                .tokens_sealed_without_key(&current, cursor.as_ref().map(|(c, i)| (c, i)), batch)
                .await?;
            let Some(last) = rows.last() else { break };
            cursor = Some((last.company.clone(), last.id.clone()));
            for record in rows {
                report.found += 1;
                let Ok(token) = self.open_token(&record) else {
                    report.unreadable += 1;
                    continue;
                };
                let aad = token_aad(
                    record.company.as_str(),
                    record.kind.as_str(),
                    record.login.as_str(),
                    &record.subject_id,
                );
                let sealed = self.sealer.seal(token.expose(), &aad)?;
                if self
                    .backend
                    .replace_sealed(&record.company, &record.id, &record.sealed, sealed)
                    .await?
                {
                    report.resealed += 1;
                } else {
                    report.changed += 1;
                }
            }
        }
        Ok(report)
    }

    /// The backend, for accounts, OAuth states, jobs and token metadata.
    pub fn backend(&self) -> &Arc<dyn StoreBackend> {
        &self.backend
    }

    /// The backend's shared budgets, for [`HashtagBudget::shared`](crate::api::HashtagBudget::shared)
    /// and [`SharedDeduper`](crate::webhooks::SharedDeduper): every process opening the same
    /// store counts against the same budgets.
    pub fn budgets(&self) -> Arc<dyn super::BudgetStore> {
        Arc::new(super::budgets::BackendBudgets(self.backend.clone()))
    }

    /// The sealer.
    pub fn sealer(&self) -> &Sealer {
        &self.sealer
    }

    /// How many token and account writes went through this store and its clones: a value read
    /// from them after taking this count is stale once the count moved on.
    pub(crate) fn credential_writes(&self) -> u64 {
        self.credential_writes.current()
    }

    /// Seals and stores a token, upserting by `(company, kind, login, subject_id)`. The token is
    /// marked valid. Returns the stored id (the existing one when the subject had a token).
    pub async fn save_token(&self, company: &CompanyId, token: NewToken) -> StoreResult<TokenId> {
        if token.token.is_blank() {
            return Err(StoreError::invalid("token", "must not be empty"));
        }
        super::util::require_non_empty("subject_id", &token.subject_id)?;
        let aad = token_aad(
            company.as_str(),
            token.kind.as_str(),
            token.login.as_str(),
            &token.subject_id,
        );
        let sealed = self.sealer.seal(token.token.expose(), &aad)?;
        let now = truncate_time(Utc::now());
        let record = TokenRecord {
            id: TokenId::new(uuid::Uuid::new_v4().to_string()),
            company: company.clone(),
            kind: token.kind,
            login: token.login,
            subject_id: token.subject_id,
            sealed,
            scopes: token.scopes,
            expires_at: token.expires_at,
            issued_at: token.issued_at,
            valid: true,
            created_at: now,
            updated_at: now,
        };
        self.backend.put_token(record).await
    }

    /// A token and its opened secret. [`StoreError::Crypto`] when the row cannot be opened with
    /// this store's keys or does not belong where it is stored.
    pub async fn load_token(
        &self,
        company: &CompanyId,
        id: &TokenId,
    ) -> StoreResult<Option<(TokenRecord, AccessToken)>> {
        match self.backend.get_token(company, id).await? {
            Some(record) => self.open_in(company, record).map(Some),
            None => Ok(None),
        }
    }

    /// The token of a subject and its opened secret.
    pub async fn find_token_secret(
        &self,
        company: &CompanyId,
        kind: TokenKind,
        login: LoginKind,
        subject_id: &str,
    ) -> StoreResult<Option<(TokenRecord, AccessToken)>> {
        match self
            .backend
            .find_token(company, kind, login, subject_id)
            .await?
        {
            Some(record) => self.open_in(company, record).map(Some),
            None => Ok(None),
        }
    }

    /// Opens the secret of a record read from the backend (for example from `list_tokens`).
    pub fn open_token(&self, record: &TokenRecord) -> StoreResult<AccessToken> {
        let aad = token_aad(
            record.company.as_str(),
            record.kind.as_str(),
            record.login.as_str(),
            &record.subject_id,
        );
        self.sealer.open(&record.sealed, &aad)
    }

    fn open_in(
        &self,
        company: &CompanyId,
        record: TokenRecord,
    ) -> StoreResult<(TokenRecord, AccessToken)> {
        // The asked-for tenant, not the row's, goes into the AAD: a backend that mixed up rows
        // then fails closed instead of returning another company's token.
        let aad = token_aad(
            company.as_str(),
            record.kind.as_str(),
            record.login.as_str(),
            &record.subject_id,
        );
        let token = self.sealer.open(&record.sealed, &aad)?;
        Ok((record, token))
    }
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("backend", &"dyn StoreBackend")
            .field("sealer", &self.sealer)
            .finish()
    }
}
