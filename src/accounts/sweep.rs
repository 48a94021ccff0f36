//! The token sweep: refresh what can be refreshed before it expires, list who must reconnect.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::AccountManager;
use crate::error::{Error, Result};
use crate::ids::{CompanyId, IgUserId, TokenId};
use crate::store::{AccountQuery, LoginKind, NewToken, TokenKind, TokenRecord};

/// Instagram Login tokens can be refreshed once they are at least this old.
const MIN_AGE_FOR_REFRESH: TimeDelta = TimeDelta::hours(24);

/// A week: the window to run [`AccountManager::sweep_tokens`] with (the bindings' default), and
/// the one in which [`ConnectionStatus::expiring`](super::ConnectionStatus::expiring) calls a
/// token due.
pub const RENEWAL_WINDOW: Duration = Duration::from_secs(7 * 24 * 3600);

/// Whether a token ending at `expires_at` ends within `window` of `now`, as the sweep picks the
/// tokens it renews (those ending before `now + window`).
pub(super) fn ends_within(
    expires_at: Option<DateTime<Utc>>,
    window: Duration,
    now: DateTime<Utc>,
) -> bool {
    TimeDelta::from_std(window).is_ok_and(|w| expires_at.is_some_and(|at| at < now + w))
}

/// A stored token whose user must connect again, and the accounts it serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconnectNeeded {
    /// The stored token.
    pub token_id: TokenId,
    /// The login flow to send the user through.
    pub login: LoginKind,
    /// The Facebook user, Page or Instagram user the token belongs to.
    pub subject_id: String,
    /// When it expires or expired.
    pub expires_at: Option<DateTime<Utc>>,
    /// Why it cannot be kept alive.
    pub reason: String,
    /// The company's accounts that depend on it.
    pub accounts: Vec<IgUserId>,
}

/// What a sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Tokens refreshed (Instagram Login), with their new expiry.
    pub refreshed: Vec<(TokenId, Option<DateTime<Utc>>)>,
    /// Tokens that cannot be refreshed; their users must reconnect.
    pub reconnect: Vec<ReconnectNeeded>,
}

impl AccountManager {
    /// Keeps the company's tokens alive: every token expiring within `within` (or already
    /// invalid) is refreshed when its flow allows it (Instagram Login tokens at least 24 h old
    /// and unexpired); the others are listed with the accounts that need their user to
    /// reconnect. Facebook Login user tokens cannot be refreshed: Meta wants a new login.
    pub async fn sweep_tokens(&self, company: &CompanyId, within: Duration) -> Result<SweepReport> {
        self.sweep_tokens_at(company, within, Utc::now()).await
    }

    /// [`AccountManager::sweep_tokens`] as of `now` (a scheduler's tick time, or a test's clock).
    pub async fn sweep_tokens_at(
        &self,
        company: &CompanyId,
        within: Duration,
        now: DateTime<Utc>,
    ) -> Result<SweepReport> {
        self.ensure_company(company).await?;
        let window =
            TimeDelta::from_std(within).map_err(|_| Error::invalid("within", "is too long"))?;
        let backend = self.store.backend();
        let mut due = backend
            .tokens_expiring_before(company, now + window)
            .await?;
        for token in backend.list_tokens(company).await? {
            if !token.valid && !due.iter().any(|t| t.id == token.id) {
                due.push(token);
            }
        }
        let mut report = SweepReport::default();
        for record in due {
            match self.try_refresh(company, &record, now).await {
                Ok(expires_at) => report.refreshed.push((record.id.clone(), expires_at)),
                Err(reason) => {
                    if record.valid && record.expires_at.is_some_and(|at| at <= now) {
                        backend.set_token_valid(company, &record.id, false).await?;
                    }
                    let accounts = self.accounts_of_token(company, &record).await?;
                    report.reconnect.push(ReconnectNeeded {
                        token_id: record.id,
                        login: record.login,
                        subject_id: record.subject_id,
                        expires_at: record.expires_at,
                        reason,
                        accounts,
                    });
                }
            }
        }
        Ok(report)
    }

    /// Refreshes one token, or says why it cannot be.
    async fn try_refresh(
        &self,
        company: &CompanyId,
        record: &TokenRecord,
        now: DateTime<Utc>,
    ) -> std::result::Result<Option<DateTime<Utc>>, String> {
        if record.login != LoginKind::Instagram || record.kind != TokenKind::InstagramUser {
            return Err(
                "Facebook Login tokens cannot be refreshed: the user must log in again".into(),
            );
        }
        if !record.valid {
            return Err("the token was revoked or invalidated".into());
        }
        if record.expires_at.is_some_and(|at| at <= now) {
            return Err("the token has expired".into());
        }
        if now - record.issued_at < MIN_AGE_FOR_REFRESH {
            return Err("the token is less than 24 hours old and cannot be refreshed yet".into());
        }
        let token = self.store.open_token(record).map_err(|e| e.to_string())?;
        let fresh = self
            .client
            .instagram_login()
            .refresh(&token)
            .await
            .map_err(|e| format!("refresh failed: {e}"))?;
        self.store
            .save_token(
                company,
                NewToken {
                    kind: record.kind,
                    login: record.login,
                    subject_id: record.subject_id.clone(),
                    token: fresh.access_token,
                    scopes: record.scopes.clone(),
                    expires_at: fresh.expires_at,
                    issued_at: now,
                },
            )
            .await
            .map_err(|e| e.to_string())?;
        Ok(fresh.expires_at)
    }

    async fn accounts_of_token(
        &self,
        company: &CompanyId,
        record: &TokenRecord,
    ) -> Result<Vec<IgUserId>> {
        let rows = self.all_accounts(company, AccountQuery::new()).await?;
        Ok(rows
            .into_iter()
            .filter(|a| {
                a.token_id.as_ref() == Some(&record.id)
                    || (record.kind == TokenKind::User
                        && a.facebook_user_id.as_ref().map(|u| u.as_str())
                            == Some(record.subject_id.as_str()))
            })
            .map(|a| a.ig_user_id)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_due_within_the_window_as_the_sweep_picks_it() {
        let now = Utc::now();
        let day = TimeDelta::days(1);
        assert!(ends_within(Some(now + day * 6), RENEWAL_WINDOW, now));
        assert!(ends_within(Some(now - day), RENEWAL_WINDOW, now));
        assert!(!ends_within(Some(now + day * 7), RENEWAL_WINDOW, now));
        assert!(
            !ends_within(None, RENEWAL_WINDOW, now),
            "a token that never ends"
        );
    }
}
