//! [`AccountStore`] for Postgres.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::Utc;
use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder};

use super::{backend, col, parse_enum, PostgresStore};
use crate::ids::{
    AgencyClientId, BusinessId, CompanyId, FacebookUserId, IgUserId, PageId, TokenId,
};
use crate::store::accounts::{
    AccountPage, AccountQuery, AccountRecord, AccountSortField, NewAccount, UpsertOutcome,
};
use crate::store::error::StoreResult;
use crate::store::records::{LoginKind, TokenKind};
use crate::store::traits::AccountStore;
use crate::store::util::{self, fold_case, to_i64, truncate_time};

const COLUMNS: &str = "company, ig_user_id, client_id, facebook_user_id, token_id, page_id, \
     business_id, source, is_added, assigned_client_id, username, name, profile_picture_url, \
     followers_count, account_type, created_at, updated_at";

fn account_from_row(row: &PgRow) -> StoreResult<AccountRecord> {
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
        created_at: col(row, "created_at")?,
        updated_at: col(row, "updated_at")?,
    })
}

/// Folds a batch into one entry per account, in id order, applying later repeats the way
/// sequential upserts would: the first occurrence decides the ownership fields, each later one
/// refreshes the metadata it has. Returns the entries and how many repeats were folded.
fn fold_batch(accounts: Vec<NewAccount>) -> (Vec<NewAccount>, u64) {
    fn take<T>(slot: &mut Option<T>, new: Option<T>) {
        if new.is_some() {
            *slot = new;
        }
    }
    let mut firsts: Vec<NewAccount> = Vec::with_capacity(accounts.len());
    let mut index: HashMap<IgUserId, usize> = HashMap::with_capacity(accounts.len());
    let mut repeats = 0;
    for a in accounts {
        match index.get(&a.ig_user_id).and_then(|&i| firsts.get_mut(i)) {
            Some(row) => {
                take(&mut row.username, a.username);
                take(&mut row.name, a.name);
                take(&mut row.profile_picture_url, a.profile_picture_url);
                take(&mut row.followers_count, a.followers_count);
                take(&mut row.account_type, a.account_type);
                take(&mut row.token_id, a.token_id);
                repeats += 1;
            }
            None => {
                index.insert(a.ig_user_id.clone(), firsts.len());
                firsts.push(a);
            }
        }
    }
    // One lock order for every writer: concurrent upserts of overlapping batches then wait for
    // each other instead of deadlocking.
    firsts.sort_by(|a, b| a.ig_user_id.as_str().cmp(b.ig_user_id.as_str()));
    (firsts, repeats)
}

/// Appends the WHERE clause of a listing (tenant, filters, search).
fn push_filters(qb: &mut QueryBuilder<'_, Postgres>, company: &CompanyId, q: &AccountQuery) {
    qb.push(" WHERE company = ")
        .push_bind(company.as_str().to_owned());
    if let Some(s) = q.folded_search() {
        // strpos() rather than LIKE: no wildcard escaping, and the needle is already folded.
        qb.push(" AND (strpos(username_lc, ")
            .push_bind(s.clone())
            .push(") > 0 OR strpos(name_lc, ")
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

fn unique_ids(ids: &[IgUserId]) -> Vec<String> {
    let mut seen = HashSet::new();
    ids.iter()
        .map(IgUserId::as_str)
        .filter(|id| seen.insert(*id))
        .map(str::to_owned)
        .collect()
}

fn strings<T>(items: &[NewAccount], f: impl Fn(&NewAccount) -> Option<&T>) -> Vec<Option<String>>
where
    T: AsRef<str> + ?Sized,
{
    items
        .iter()
        .map(|a| f(a).map(|v| v.as_ref().to_owned()))
        .collect()
}

#[async_trait]
impl AccountStore for PostgresStore {
    async fn upsert_accounts(
        &self,
        company: &CompanyId,
        accounts: Vec<NewAccount>,
    ) -> StoreResult<UpsertOutcome> {
        util::require_non_empty("company", company.as_str())?;
        for a in &accounts {
            util::require_non_empty("ig_user_id", a.ig_user_id.as_str())?;
        }
        if accounts.is_empty() {
            return Ok(UpsertOutcome::default());
        }
        let (rows, repeats) = fold_batch(accounts);
        let now = truncate_time(Utc::now());
        // One statement for the whole batch: rows come in as parallel arrays. `xmax = 0` holds
        // exactly for the rows this statement inserted (an updated row carries our xid there).
        let flags = sqlx::query(
            "INSERT INTO accounts AS a (company, ig_user_id, client_id, facebook_user_id,
                 token_id, page_id, business_id, source, is_added, assigned_client_id, username,
                 username_lc, name, name_lc, profile_picture_url, followers_count, account_type,
                 created_at, updated_at)
             SELECT $1, u.ig_user_id, u.client_id, u.facebook_user_id, u.token_id, u.page_id,
                 u.business_id, u.source, false, NULL, u.username, u.username_lc, u.name,
                 u.name_lc, u.profile_picture_url, u.followers_count, u.account_type, $2, $2
             FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                 $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
                 $15::bigint[], $16::text[])
                 AS u(ig_user_id, client_id, facebook_user_id, token_id, page_id, business_id,
                      source, username, username_lc, name, name_lc, profile_picture_url,
                      followers_count, account_type)
             ON CONFLICT (company, ig_user_id) DO UPDATE SET
                 username = COALESCE(EXCLUDED.username, a.username),
                 username_lc = COALESCE(EXCLUDED.username_lc, a.username_lc),
                 name = COALESCE(EXCLUDED.name, a.name),
                 name_lc = COALESCE(EXCLUDED.name_lc, a.name_lc),
                 profile_picture_url = COALESCE(EXCLUDED.profile_picture_url,
                     a.profile_picture_url),
                 followers_count = COALESCE(EXCLUDED.followers_count, a.followers_count),
                 account_type = COALESCE(EXCLUDED.account_type, a.account_type),
                 token_id = COALESCE(EXCLUDED.token_id, a.token_id),
                 updated_at = EXCLUDED.updated_at
             RETURNING (xmax = 0) AS inserted",
        )
        .bind(company.as_str())
        .bind(now)
        .bind(
            rows.iter()
                .map(|a| a.ig_user_id.as_str().to_owned())
                .collect::<Vec<_>>(),
        )
        .bind(strings(&rows, |a| {
            a.client_id.as_ref().map(AgencyClientId::as_str)
        }))
        .bind(strings(&rows, |a| {
            a.facebook_user_id.as_ref().map(FacebookUserId::as_str)
        }))
        .bind(strings(&rows, |a| a.token_id.as_ref().map(TokenId::as_str)))
        .bind(strings(&rows, |a| a.page_id.as_ref().map(PageId::as_str)))
        .bind(strings(&rows, |a| {
            a.business_id.as_ref().map(BusinessId::as_str)
        }))
        .bind(
            rows.iter()
                .map(|a| a.source.as_str().to_owned())
                .collect::<Vec<_>>(),
        )
        .bind(strings(&rows, |a| a.username.as_deref()))
        .bind(
            rows.iter()
                .map(|a| a.username.as_deref().map(fold_case))
                .collect::<Vec<_>>(),
        )
        .bind(strings(&rows, |a| a.name.as_deref()))
        .bind(
            rows.iter()
                .map(|a| a.name.as_deref().map(fold_case))
                .collect::<Vec<_>>(),
        )
        .bind(strings(&rows, |a| a.profile_picture_url.as_deref()))
        .bind(rows.iter().map(|a| a.followers_count).collect::<Vec<_>>())
        .bind(strings(&rows, |a| a.account_type.as_deref()))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        let mut out = UpsertOutcome {
            inserted: 0,
            ignored: repeats,
        };
        for row in &flags {
            if col::<bool>(row, "inserted")? {
                out.inserted += 1;
            } else {
                out.ignored += 1;
            }
        }
        Ok(out)
    }

    async fn get_account(
        &self,
        company: &CompanyId,
        ig: &IgUserId,
    ) -> StoreResult<Option<AccountRecord>> {
        let sql = format!("SELECT {COLUMNS} FROM accounts WHERE company = $1 AND ig_user_id = $2");
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

        let mut count = QueryBuilder::<Postgres>::new("SELECT COUNT(*) AS n FROM accounts");
        push_filters(&mut count, company, query);

        let mut select = QueryBuilder::<Postgres>::new(format!("SELECT {COLUMNS} FROM accounts"));
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

        // One snapshot for the total and the page: read committed would let a write land
        // between the two statements.
        let mut tx = self.pool.begin().await.map_err(backend)?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
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
        // Rows are locked in id order, as upserts lock them, so that the two never deadlock.
        let done = sqlx::query(
            "WITH target AS (
                 SELECT company, ig_user_id FROM accounts
                 WHERE company = $3 AND is_added <> $1 AND ig_user_id = ANY($4)
                 ORDER BY ig_user_id FOR UPDATE)
             UPDATE accounts AS a SET is_added = $1, updated_at = $2
             FROM target AS t
             WHERE a.company = t.company AND a.ig_user_id = t.ig_user_id",
        )
        .bind(added)
        .bind(truncate_time(Utc::now()))
        .bind(company.as_str())
        .bind(ids)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected())
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
        // Locked in id order, like `set_added`.
        let done = sqlx::query(
            "WITH target AS (
                 SELECT company, ig_user_id FROM accounts
                 WHERE company = $3 AND assigned_client_id IS DISTINCT FROM $1
                   AND ig_user_id = ANY($4)
                 ORDER BY ig_user_id FOR UPDATE)
             UPDATE accounts AS a SET assigned_client_id = $1, updated_at = $2
             FROM target AS t
             WHERE a.company = t.company AND a.ig_user_id = t.ig_user_id",
        )
        .bind(client.map(AgencyClientId::as_str))
        .bind(truncate_time(Utc::now()))
        .bind(company.as_str())
        .bind(ids)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(done.rows_affected())
    }

    async fn remove_account(&self, company: &CompanyId, ig: &IgUserId) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM accounts WHERE company = $1 AND ig_user_id = $2")
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
        // The rule of `TokenRecord::belongs_to_other_connection`, in SQL. `accounts.token_id`
        // has the default collation and `tokens.id` "C": the comparison names one.
        let done = sqlx::query(
            "DELETE FROM accounts WHERE company = $1 AND facebook_user_id = $2 \
             AND NOT EXISTS (SELECT 1 FROM tokens t WHERE t.company = accounts.company \
             AND t.id = accounts.token_id COLLATE \"C\" \
             AND (t.login = $3 OR (t.kind = $4 AND t.subject_id <> $2)))",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::AccountSource;

    #[test]
    fn repeats_fold_like_sequential_upserts() {
        let mut first = NewAccount::new(IgUserId::new("b"), AccountSource::PageLinked);
        first.username = Some("one".into());
        first.followers_count = Some(1);
        let mut again = NewAccount::new(IgUserId::new("b"), AccountSource::BusinessOwned);
        again.username = Some("two".into());
        let other = NewAccount::new(IgUserId::new("a"), AccountSource::InstagramLogin);
        let (rows, repeats) = fold_batch(vec![first, other, again]);
        assert_eq!(repeats, 1);
        let ids: Vec<_> = rows.iter().map(|a| a.ig_user_id.as_str()).collect();
        assert_eq!(ids, ["a", "b"], "id order: one lock order for every writer");
        let b = rows.iter().find(|a| a.ig_user_id.as_str() == "b");
        let b = b.map(|b| (b.source, b.username.as_deref(), b.followers_count));
        assert_eq!(
            b,
            Some((AccountSource::PageLinked, Some("two"), Some(1))),
            "first decides ownership, later ones refresh what they have"
        );
    }
}
