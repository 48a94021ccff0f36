//! [`AccountStore`] for SQLite.

use std::collections::HashSet;

use async_trait::async_trait;
use chrono::Utc;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite};

use super::{backend, col, parse_enum, placeholders, time, SqliteStore, ID_CHUNK};
use crate::ids::{
    AgencyClientId, BusinessId, CompanyId, FacebookUserId, IgUserId, PageId, TokenId,
};
use crate::store::accounts::{
    AccountPage, AccountQuery, AccountRecord, AccountSortField, NewAccount, UpsertOutcome,
};
use crate::store::error::StoreResult;
use crate::store::records::{LoginKind, TokenKind};
use crate::store::traits::AccountStore;
use crate::store::util::{self, fold_case, to_i64, to_micros};

const COLUMNS: &str = "company, ig_user_id, client_id, facebook_user_id, token_id, page_id, \
     business_id, source, is_added, assigned_client_id, username, name, profile_picture_url, \
     followers_count, account_type, created_at, updated_at";

fn account_from_row(row: &SqliteRow) -> StoreResult<AccountRecord> {
    Ok(AccountRecord {
        company: CompanyId::new(col::<String>(row, "company")?),
        ig_user_id: IgUserId::new(col::<String>(row, "ig_user_id")?),
        client_id: col::<Option<String>>(row, "client_id")?.map(AgencyClientId::new),
        facebook_user_id: col::<Option<String>>(row, "facebook_user_id")?.map(FacebookUserId::new),
        token_id: col::<Option<String>>(row, "token_id")?.map(TokenId::new),
        page_id: col::<Option<String>>(row, "page_id")?.map(PageId::new),
        business_id: col::<Option<String>>(row, "business_id")?.map(BusinessId::new),
        source: parse_enum(&col::<String>(row, "source")?)?,
        is_added: col(row, "is_added")?,
        assigned_client_id: col::<Option<String>>(row, "assigned_client_id")?
            .map(AgencyClientId::new),
        username: col(row, "username")?,
        name: col(row, "name")?,
        profile_picture_url: col(row, "profile_picture_url")?,
        followers_count: col(row, "followers_count")?,
        account_type: col(row, "account_type")?,
        created_at: time(row, "created_at")?,
        updated_at: time(row, "updated_at")?,
    })
}

/// Appends the WHERE clause of a listing (tenant, filters, search).
fn push_filters(qb: &mut QueryBuilder<'_, Sqlite>, company: &CompanyId, q: &AccountQuery) {
    qb.push(" WHERE company = ")
        .push_bind(company.as_str().to_owned());
    if let Some(s) = q.folded_search() {
        // instr() rather than LIKE: no wildcard escaping, and the needle is already folded.
        qb.push(" AND (instr(username_lc, ")
            .push_bind(s.clone())
            .push(") > 0 OR instr(name_lc, ")
            .push_bind(s)
            .push(") > 0)");
    }
    if let Some(added) = q.is_added {
        qb.push(" AND is_added = ").push_bind(added);
    }
    match q.assigned {
        Some(true) => {
            qb.push(" AND assigned_client_id IS NOT NULL");
        }
        Some(false) => {
            qb.push(" AND assigned_client_id IS NULL");
        }
        None => {}
    }
    if let Some(client) = &q.client {
        qb.push(" AND assigned_client_id = ")
            .push_bind(client.as_str().to_owned());
    }
    if let Some(user) = &q.facebook_user {
        qb.push(" AND facebook_user_id = ")
            .push_bind(user.as_str().to_owned());
    }
}

fn sort_column(field: AccountSortField) -> &'static str {
    match field {
        AccountSortField::Username => "username_lc",
        AccountSortField::Name => "name_lc",
        AccountSortField::Followers => "followers_count",
        AccountSortField::CreatedAt => "created_at",
        AccountSortField::UpdatedAt => "updated_at",
    }
}

fn unique_ids(ids: &[IgUserId]) -> Vec<&str> {
    let mut seen = HashSet::new();
    ids.iter()
        .map(IgUserId::as_str)
        .filter(|id| seen.insert(*id))
        .collect()
}

#[async_trait]
impl AccountStore for SqliteStore {
    async fn upsert_accounts(
        &self,
        company: &CompanyId,
        accounts: Vec<NewAccount>,
    ) -> StoreResult<UpsertOutcome> {
        util::require_non_empty("company", company.as_str())?;
        for a in &accounts {
            util::require_non_empty("ig_user_id", a.ig_user_id.as_str())?;
        }
        let mut out = UpsertOutcome::default();
        if accounts.is_empty() {
            return Ok(out);
        }
        let now = to_micros(Utc::now());
        let mut tx = self.begin_write().await?;
        for a in &accounts {
            let username_lc = a.username.as_deref().map(fold_case);
            let name_lc = a.name.as_deref().map(fold_case);
            let inserted = sqlx::query(
                "INSERT INTO accounts (company, ig_user_id, client_id, facebook_user_id, token_id,
                     page_id, business_id, source, is_added, assigned_client_id, username,
                     username_lc, name, name_lc, profile_picture_url, followers_count,
                     account_type, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, NULL, ?9, ?10, ?11, ?12, ?13, ?14,
                     ?15, ?16, ?16)
                 ON CONFLICT (company, ig_user_id) DO NOTHING",
            )
            .bind(company.as_str())
            .bind(a.ig_user_id.as_str())
            .bind(a.client_id.as_ref().map(AgencyClientId::as_str))
            .bind(a.facebook_user_id.as_ref().map(FacebookUserId::as_str))
            .bind(a.token_id.as_ref().map(TokenId::as_str))
            .bind(a.page_id.as_ref().map(PageId::as_str))
            .bind(a.business_id.as_ref().map(BusinessId::as_str))
            .bind(a.source.as_str())
            .bind(a.username.as_deref())
            .bind(username_lc.as_deref())
            .bind(a.name.as_deref())
            .bind(name_lc.as_deref())
            .bind(a.profile_picture_url.as_deref())
            .bind(a.followers_count)
            .bind(a.account_type.as_deref())
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(backend)?
            .rows_affected();
            if inserted > 0 {
                out.inserted += 1;
                continue;
            }
            sqlx::query(
                "UPDATE accounts SET
                     username = COALESCE(?3, username), username_lc = COALESCE(?4, username_lc),
                     name = COALESCE(?5, name), name_lc = COALESCE(?6, name_lc),
                     profile_picture_url = COALESCE(?7, profile_picture_url),
                     followers_count = COALESCE(?8, followers_count),
                     account_type = COALESCE(?9, account_type),
                     token_id = COALESCE(?10, token_id),
                     updated_at = ?11
                 WHERE company = ?1 AND ig_user_id = ?2",
            )
            .bind(company.as_str())
            .bind(a.ig_user_id.as_str())
            .bind(a.username.as_deref())
            .bind(username_lc.as_deref())
            .bind(a.name.as_deref())
            .bind(name_lc.as_deref())
            .bind(a.profile_picture_url.as_deref())
            .bind(a.followers_count)
            .bind(a.account_type.as_deref())
            .bind(a.token_id.as_ref().map(TokenId::as_str))
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
            out.ignored += 1;
        }
        tx.commit().await.map_err(backend)?;
        Ok(out)
    }

    async fn get_account(
        &self,
        company: &CompanyId,
        ig: &IgUserId,
    ) -> StoreResult<Option<AccountRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM accounts WHERE company = ?1 AND ig_user_id = ?2");
        sqlx::query(&sql)
            .bind(company.as_str())
            .bind(ig.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?
            .as_ref()
            .map(account_from_row)
            .transpose()
    }

    async fn query_accounts(
        &self,
        company: &CompanyId,
        query: &AccountQuery,
    ) -> StoreResult<AccountPage> {
        let limit = query.effective_limit()?;
        let offset = to_i64("offset", query.offset)?;

        let mut count = QueryBuilder::<Sqlite>::new("SELECT COUNT(*) AS n FROM accounts");
        push_filters(&mut count, company, query);

        let mut select = QueryBuilder::<Sqlite>::new(format!("SELECT {COLUMNS} FROM accounts"));
        push_filters(&mut select, company, query);
        let direction = if query.sort.descending {
            "DESC NULLS LAST"
        } else {
            "ASC NULLS FIRST"
        };
        select
            .push(format!(
                " ORDER BY {} {direction}, ig_user_id ASC LIMIT ",
                sort_column(query.sort.field)
            ))
            .push_bind(to_i64("limit", limit)?)
            .push(" OFFSET ")
            .push_bind(offset);

        // One read transaction, so the total and the page come from the same snapshot.
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let total_row = count.build().fetch_one(&mut *tx).await.map_err(backend)?;
        let total: i64 = col(&total_row, "n")?;
        let rows = select.build().fetch_all(&mut *tx).await.map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        Ok(AccountPage {
            items: rows
                .iter()
                .map(account_from_row)
                .collect::<StoreResult<_>>()?,
            total: u64::try_from(total).unwrap_or(0),
            offset: query.offset,
            limit,
        })
    }

    async fn set_added(
        &self,
        company: &CompanyId,
        ids: &[IgUserId],
        added: bool,
    ) -> StoreResult<u64> {
        let ids = unique_ids(ids);
        if ids.is_empty() {
            return Ok(0);
        }
        let now = to_micros(Utc::now());
        let mut changed = 0;
        let mut tx = self.begin_write().await?;
        for chunk in ids.chunks(ID_CHUNK) {
            let sql = format!(
                "UPDATE accounts SET is_added = ?1, updated_at = ?2
                 WHERE company = ?3 AND is_added != ?1 AND ig_user_id IN ({})",
                placeholders(4, chunk.len())
            );
            let mut q = sqlx::query(&sql)
                .bind(added)
                .bind(now)
                .bind(company.as_str());
            for id in chunk {
                q = q.bind(*id);
            }
            changed += q.execute(&mut *tx).await.map_err(backend)?.rows_affected();
        }
        tx.commit().await.map_err(backend)?;
        Ok(changed)
    }

    async fn assign_client(
        &self,
        company: &CompanyId,
        client: Option<&AgencyClientId>,
        ids: &[IgUserId],
    ) -> StoreResult<u64> {
        let ids = unique_ids(ids);
        if ids.is_empty() {
            return Ok(0);
        }
        let now = to_micros(Utc::now());
        let client = client.map(AgencyClientId::as_str);
        let mut changed = 0;
        let mut tx = self.begin_write().await?;
        for chunk in ids.chunks(ID_CHUNK) {
            let sql = format!(
                "UPDATE accounts SET assigned_client_id = ?1, updated_at = ?2
                 WHERE company = ?3 AND assigned_client_id IS NOT ?1 AND ig_user_id IN ({})",
                placeholders(4, chunk.len())
            );
            let mut q = sqlx::query(&sql)
                .bind(client)
                .bind(now)
                .bind(company.as_str());
            for id in chunk {
                q = q.bind(*id);
            }
            changed += q.execute(&mut *tx).await.map_err(backend)?.rows_affected();
        }
        tx.commit().await.map_err(backend)?;
        Ok(changed)
    }

    async fn remove_account(&self, company: &CompanyId, ig: &IgUserId) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM accounts WHERE company = ?1 AND ig_user_id = ?2")
            .bind(company.as_str())
            .bind(ig.as_str())
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(done.rows_affected() > 0)
    }

    async fn remove_accounts_of_user(
        &self,
        company: &CompanyId,
        user: &FacebookUserId,
    ) -> StoreResult<u64> {
        // The rule of `TokenRecord::belongs_to_other_connection`, in SQL.
        let done = sqlx::query(
            "DELETE FROM accounts WHERE company = ?1 AND facebook_user_id = ?2 \
             AND NOT EXISTS (SELECT 1 FROM tokens t WHERE t.company = accounts.company \
             AND t.id = accounts.token_id \
             AND (t.login = ?3 OR (t.kind = ?4 AND t.subject_id <> ?2)))",
        )
        .bind(company.as_str())
        .bind(user.as_str())
        .bind(LoginKind::Instagram.as_str())
        .bind(TokenKind::User.as_str())
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected())
    }
}
