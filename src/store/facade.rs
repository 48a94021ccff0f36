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

/// The storage facade: any [`StoreBackend`] plus token sealing. Cheap to clone.
///
/// Tokens go through [`Store::save_token`] / [`Store::load_token`], which seal and open them;
/// accounts, OAuth states and jobs go straight to [`Store::backend`].
#[derive(Clone)]
pub struct Store {
    backend: Arc<dyn StoreBackend>,
    sealer: Arc<Sealer>,
}

impl Store {
    /// A store over `backend`, sealing with `key`.
    pub fn new(backend: Arc<dyn StoreBackend>, key: SealingKey) -> Self {
        Self::with_sealer(backend, Sealer::new(key))
    }

    /// A store over `backend` with a prepared sealer (for example one holding older keys).
    pub fn with_sealer(backend: Arc<dyn StoreBackend>, sealer: Sealer) -> Self {
        Self {
            backend,
            sealer: Arc::new(sealer),
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

    /// The backend, for accounts, OAuth states, jobs and token metadata.
    pub fn backend(&self) -> &Arc<dyn StoreBackend> {
        &self.backend
    }

    /// The sealer.
    pub fn sealer(&self) -> &Sealer {
        &self.sealer
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
