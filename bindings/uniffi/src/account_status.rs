//! [`AccountManager`] beyond connecting: one stored account, un-assigning accounts, a
//! connection's token status, and the token sweep.

use std::time::{Duration, SystemTime};

use instagraph::store::LoginKind;
use instagraph::{CompanyId, IgUserId, TokenId};

use crate::accounts::{Account, AccountManager, UpdateOutcome};
use crate::error::{required, sdk, Result};

/// What Meta says of a connection's token now.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ConnectionStatus {
    /// The stored token.
    pub token_id: String,
    /// The login flow it came from.
    pub login: LoginKind,
    /// Whether Meta still accepts it.
    pub valid: bool,
    /// When it expires (none: it does not).
    pub expires_at: Option<SystemTime>,
    /// The scopes it carries.
    pub scopes: Vec<String>,
    /// The scopes the app asks for that it lacks.
    pub missing_scopes: Vec<String>,
    /// Why it is not valid, when it is not.
    pub reason: Option<String>,
    /// Valid, but ending within a week: due for `sweep_tokens` or, when it cannot be
    /// refreshed, for its user to connect again.
    pub expiring: bool,
}

/// A token refreshed by a sweep.
#[derive(Debug, Clone, uniffi::Record)]
pub struct RefreshedToken {
    /// The stored token.
    pub token_id: String,
    /// Its new expiry.
    pub expires_at: Option<SystemTime>,
}

/// A token a sweep cannot keep alive: its user must connect again.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ReconnectNeeded {
    /// The stored token.
    pub token_id: String,
    /// The login flow to send the user through.
    pub login: LoginKind,
    /// The Facebook user, Page or Instagram user the token belongs to.
    pub subject_id: String,
    /// When it expires or expired.
    pub expires_at: Option<SystemTime>,
    /// Why it cannot be kept alive.
    pub reason: String,
    /// The company's accounts that depend on it.
    pub ig_user_ids: Vec<String>,
}

/// What a token sweep did.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SweepReport {
    /// Tokens refreshed (Instagram Login).
    pub refreshed: Vec<RefreshedToken>,
    /// Tokens whose users must reconnect.
    pub reconnect: Vec<ReconnectNeeded>,
}

#[uniffi::export(async_runtime = "tokio")]
impl AccountManager {
    /// One of the company's accounts, as stored (fails with kind `NotFound` when unknown).
    ///
    /// Core: AccountManager::account
    pub async fn account(&self, company_id: String, ig_user_id: String) -> Result<Account> {
        const WHAT: &str = "AccountManager.account";
        required("company_id", &company_id)?;
        required("ig_user_id", &ig_user_id)?;
        let record = self
            .inner
            .account(&CompanyId::new(company_id), &IgUserId::new(ig_user_id))
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(Account::from(&record))
    }

    /// Takes accounts away from their agency client.
    ///
    /// Core: AccountManager::unassign
    pub async fn unassign(
        &self,
        company_id: String,
        ig_user_ids: Vec<String>,
    ) -> Result<UpdateOutcome> {
        const WHAT: &str = "AccountManager.unassign";
        required("company_id", &company_id)?;
        let ids: Vec<IgUserId> = ig_user_ids.into_iter().map(IgUserId::new).collect();
        let out = self
            .inner
            .unassign(&CompanyId::new(company_id), &ids)
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(UpdateOutcome {
            updated: out.updated,
            unknown: out.unknown.iter().map(|i| i.as_str().to_owned()).collect(),
        })
    }

    /// What Meta says of a connection's token now (valid, expiry, missing scopes).
    ///
    /// Core: AccountManager::connection_status
    pub async fn connection_status(
        &self,
        company_id: String,
        token_id: String,
    ) -> Result<ConnectionStatus> {
        const WHAT: &str = "AccountManager.connection_status";
        required("company_id", &company_id)?;
        required("token_id", &token_id)?;
        let s = self
            .inner
            .connection_status(&CompanyId::new(company_id), &TokenId::new(token_id))
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(ConnectionStatus {
            token_id: s.token_id.as_str().to_owned(),
            login: s.login,
            valid: s.valid,
            expires_at: s.expires_at.map(SystemTime::from),
            scopes: s.scopes,
            missing_scopes: s.missing_scopes,
            reason: s.reason,
            expiring: s.expiring,
        })
    }

    /// Keeps the company's tokens alive: every token expiring within `within_ms` milliseconds
    /// (or already invalid) is refreshed when its flow allows it; the others are listed with
    /// the accounts whose user must reconnect.
    ///
    /// Core: AccountManager::sweep_tokens
    pub async fn sweep_tokens(&self, company_id: String, within_ms: u64) -> Result<SweepReport> {
        const WHAT: &str = "AccountManager.sweep_tokens";
        required("company_id", &company_id)?;
        let report = self
            .inner
            .sweep_tokens(
                &CompanyId::new(company_id),
                Duration::from_millis(within_ms),
            )
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(SweepReport {
            refreshed: report
                .refreshed
                .into_iter()
                .map(|(token_id, expires_at)| RefreshedToken {
                    token_id: token_id.as_str().to_owned(),
                    expires_at: expires_at.map(SystemTime::from),
                })
                .collect(),
            reconnect: report
                .reconnect
                .into_iter()
                .map(|r| ReconnectNeeded {
                    token_id: r.token_id.as_str().to_owned(),
                    login: r.login,
                    subject_id: r.subject_id,
                    expires_at: r.expires_at.map(SystemTime::from),
                    reason: r.reason,
                    ig_user_ids: r.accounts.iter().map(|i| i.as_str().to_owned()).collect(),
                })
                .collect(),
        })
    }
}
