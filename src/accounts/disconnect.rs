//! Disconnecting a connection: revoke it at Meta and forget what only it reaches, leaving the
//! accounts that another connection of the company still reaches.

use std::collections::{HashMap, HashSet};

use super::{AccountManager, DisconnectOutcome};
use crate::api::discover_accounts;
use crate::error::Result;
use crate::ids::{CompanyId, FacebookUserId, IgUserId, TokenId};
use crate::store::{AccountQuery, AccountRecord, LoginKind, NewAccount, TokenKind, TokenRecord};
use crate::ErrorClass;

impl AccountManager {
    /// Disconnects the connection of `token_id`: revokes the app's permissions at Meta
    /// (`DELETE /me/permissions`), deletes the token and the Page tokens only its accounts
    /// used, and removes the accounts of that connection and of no other.
    ///
    /// The connection's accounts are the rows pointing at `token_id` and, for a Facebook Login
    /// user token, the rows that user's login found whose token is the user's own, a Page token
    /// or none. Left alone:
    /// - an account reconnected through Instagram Login since (its row points at an Instagram
    ///   Login token) or one whose row points at another Facebook user's token;
    /// - an account another Facebook user of the company still reaches: before anything is
    ///   revoked, each other valid Facebook Login user token of the company runs discovery
    ///   (`/me/accounts` and the business portfolios), and every account of the connection it
    ///   finds is kept and pointed at that user's token. A token Meta refuses (expired,
    ///   revoked, missing a permission) counts as reaching nothing; any other failure stops the
    ///   disconnect before anything is revoked or removed.
    pub async fn disconnect(
        &self,
        company: &CompanyId,
        token_id: &TokenId,
    ) -> Result<DisconnectOutcome> {
        self.ensure_company(company).await?;
        let (record, token) = self.load_token(company, token_id).await?;
        let backend = self.store.backend();
        let tokens: HashMap<TokenId, TokenRecord> = backend
            .list_tokens(company)
            .await?
            .into_iter()
            .map(|t| (t.id.clone(), t))
            .collect();
        let user = (record.login == LoginKind::Facebook && record.kind == TokenKind::User)
            .then(|| FacebookUserId::new(record.subject_id.clone()));
        let accounts = self.all_accounts(company, AccountQuery::new()).await?;
        let ours: Vec<&AccountRecord> = accounts
            .iter()
            .filter(|a| of_connection(a, token_id, user.as_ref(), &tokens))
            .collect();
        let kept = self.hand_over(company, token_id, &ours, &tokens).await?;

        let revoked = match record.login {
            LoginKind::Facebook => self.client.facebook_login().revoke(&token).await,
            LoginKind::Instagram => self.client.instagram_login().revoke(&token).await,
        };
        let revoked = match revoked {
            Ok(()) => true,
            // A dead token has nothing left to revoke; the local cleanup still has to happen.
            Err(e) if e.class() == ErrorClass::ReauthRequired => false,
            Err(e) => return Err(e),
        };

        // Page tokens the connection's accounts used (a handed-over account moved off its).
        let page_tokens: Vec<&TokenId> = ours
            .iter()
            .filter_map(|a| a.token_id.as_ref())
            .filter(|id| tokens.get(*id).is_some_and(|t| t.kind == TokenKind::Page))
            .collect();
        let gone: Vec<&AccountRecord> = ours
            .into_iter()
            .filter(|a| !kept.contains(&a.ig_user_id))
            .collect();
        let mut accounts_removed = match &user {
            // One atomic statement for the user's rows, under the store's rule (the same as
            // `of_connection`'s, so it spares exactly the rows handed over above).
            Some(user) => backend.remove_accounts_of_user(company, user).await?,
            None => 0,
        };
        for account in &gone {
            let removed_above = user.is_some() && account.facebook_user_id == user;
            if !removed_above && backend.remove_account(company, &account.ig_user_id).await? {
                accounts_removed += 1;
            }
        }

        // The token itself, and the connection's Page tokens that no remaining row uses.
        let still_used: HashSet<TokenId> = self
            .all_accounts(company, AccountQuery::new())
            .await?
            .into_iter()
            .filter_map(|a| a.token_id)
            .collect();
        let mut doomed: Vec<&TokenId> = page_tokens
            .into_iter()
            .filter(|id| !still_used.contains(*id))
            .collect();
        doomed.push(token_id);
        doomed.sort();
        doomed.dedup();
        let mut tokens_deleted = 0;
        for id in doomed {
            if backend.delete_token(company, id).await? {
                tokens_deleted += 1;
            }
        }
        Ok(DisconnectOutcome {
            revoked,
            accounts_removed,
            tokens_deleted,
        })
    }

    /// Points each account of the connection that another valid Facebook Login user of the
    /// company still reaches at that user's token, and returns those accounts.
    async fn hand_over(
        &self,
        company: &CompanyId,
        token_id: &TokenId,
        ours: &[&AccountRecord],
        tokens: &HashMap<TokenId, TokenRecord>,
    ) -> Result<HashSet<IgUserId>> {
        let mut kept = HashSet::new();
        let mut others: Vec<&TokenRecord> = tokens
            .values()
            .filter(|t| {
                t.login == LoginKind::Facebook
                    && t.kind == TokenKind::User
                    && t.valid
                    && &t.id != token_id
            })
            .collect();
        others.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        for other in others {
            if kept.len() == ours.len() {
                break;
            }
            let (_, token) = self.load_token(company, &other.id).await?;
            let reached: HashSet<IgUserId> = match discover_accounts(&self.client, &token).await {
                Ok(discovery) => discovery
                    .accounts
                    .into_iter()
                    .map(|a| a.ig_user_id)
                    .collect(),
                Err(e)
                    if matches!(
                        e.class(),
                        ErrorClass::ReauthRequired | ErrorClass::PermissionMissing
                    ) =>
                {
                    continue
                }
                Err(e) => return Err(e),
            };
            let moved: Vec<NewAccount> = ours
                .iter()
                .filter(|a| reached.contains(&a.ig_user_id) && !kept.contains(&a.ig_user_id))
                .map(|a| {
                    let mut row = NewAccount::new(a.ig_user_id.clone(), a.source);
                    row.token_id = Some(other.id.clone());
                    row
                })
                .collect();
            if moved.is_empty() {
                continue;
            }
            kept.extend(moved.iter().map(|r| r.ig_user_id.clone()));
            // An upsert of known rows refreshes their token and nothing else here.
            self.store.backend().upsert_accounts(company, moved).await?;
        }
        Ok(kept)
    }
}

/// Whether `account` belongs to the connection of `token_id` (of Facebook user `user`, for a
/// Facebook Login user token): it points at that token, or the user's login found it and no
/// other connection holds it since ([`TokenRecord::belongs_to_other_connection`], the rule of
/// the stores' `remove_accounts_of_user`).
fn of_connection(
    account: &AccountRecord,
    token_id: &TokenId,
    user: Option<&FacebookUserId>,
    tokens: &HashMap<TokenId, TokenRecord>,
) -> bool {
    if account.token_id.as_ref() == Some(token_id) {
        return true;
    }
    let Some(user) = user else {
        return false;
    };
    account.facebook_user_id.as_ref() == Some(user)
        && !account
            .token_id
            .as_ref()
            .and_then(|id| tokens.get(id))
            .is_some_and(|t| t.belongs_to_other_connection(user))
}
