//! `Hashtags`: hashtag search within Meta's budget (30 unique hashtags per account per 7
//! days, tracked in Rust and refused before the call), hashtag nodes, top and recent media.

use std::sync::Arc;

use chrono::Duration;
use instagraph::api::{validate_hashtag_query, HashtagBudget, HashtagBudgetSnapshot};
use instagraph::{HashtagId, IgUserId};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;
use tokio::sync::OnceCell;

use crate::account_graph::{self, fields, limit, open, to_js, Json};
use crate::accounts::AccountManager;
use crate::convert::required;
use crate::error::{guard, guard_sync, sdk_error, type_error};
use crate::results::Created;
use crate::store::Lazy;

/// A hashtag node.
#[napi(
    object,
    object_from_js = false,
    object_to_js = false,
    use_nullable = true
)]
pub struct Hashtag {
    /// The hashtag's id.
    pub id: String,
    /// Its name (without `#`).
    pub name: Option<String>,
}

/// An account's hashtag budget.
#[napi(object)]
pub struct HashtagBudgetUsage {
    /// Unique hashtags searched in the window.
    pub used: u32,
    /// Slots left for new ones.
    pub remaining: u32,
}

/// The budget bookkeeping of every account (`budgetSnapshot`, `restoreBudget`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct BudgetSnapshot {
    /// `{ [igUserId]: { [hashtag]: firstSearchedAt } }`.
    pub accounts: std::collections::HashMap<String, std::collections::HashMap<String, String>>,
}

/// Options of `new Hashtags(accounts, options)`.
#[napi(object)]
pub struct HashtagsOptions {
    /// Unique hashtags per account per window (default 30, Meta's).
    pub limit: Option<u32>,
    /// The window, in days (default 7, Meta's).
    pub window_days: Option<u32>,
    /// Count in the `AccountManager`'s store, so that every process on it shares one budget
    /// per account (and restarts keep it); `budgetSnapshot`/`restoreBudget` then have nothing
    /// to do.
    pub shared: Option<bool>,
}

/// Options of `Hashtags.get`.
#[napi(object)]
pub struct HashtagGetOptions {
    /// The fields to read (default `id,name`).
    pub fields: Option<Vec<String>>,
}

/// Options of `Hashtags.topMedia` / `Hashtags.recentMedia` / `Hashtags.recentlySearched`.
#[napi(object)]
pub struct HashtagMediaOptions {
    /// Items per page (at most 50).
    pub limit: Option<u32>,
    /// The cursor of the previous page's `paging.after`.
    pub after: Option<String>,
    /// The fields to read.
    pub fields: Option<Vec<String>>,
}

/// Hashtag search and media. Keep one instance per app: it holds the budget bookkeeping
/// (persist it with `budgetSnapshot()` / `restoreBudget()`).
#[napi]
pub struct Hashtags {
    lazy: Arc<Lazy>,
    budget: HashtagBudget,
    /// The budget kept in the store (`options.shared`), made on first use (the store opens
    /// then).
    shared: Option<SharedBudget>,
}

/// A budget in the store, made on first use, and the limits it gets (`options.limit`,
/// `options.windowDays`).
type SharedBudget = (OnceCell<HashtagBudget>, Option<(u32, Duration)>);

fn hashtag_id(id: &str) -> napi::Result<HashtagId> {
    required("hashtagId", id)?;
    Ok(HashtagId::new(id))
}

impl Hashtags {
    /// The budget searches count against: this instance's, or the store's (`options.shared`).
    async fn budget_for(&self, what: &str) -> napi::Result<&HashtagBudget> {
        let Some((cell, limits)) = &self.shared else {
            return Ok(&self.budget);
        };
        cell.get_or_try_init(|| async {
            let store = self.lazy.get(what).await?.store().budgets();
            let budget = HashtagBudget::shared(store);
            Ok(match limits {
                Some((limit, window)) => budget.with_limits(*limit, *window),
                None => budget,
            })
        })
        .await
    }

    /// The account's usage now, read from the store when the budget is shared.
    async fn usage(&self, what: &str, ig: &IgUserId) -> napi::Result<HashtagBudgetUsage> {
        let budget = self.budget_for(what).await?;
        let used = budget.used_now(ig).await.map_err(|e| sdk_error(what, e))?;
        Ok(HashtagBudgetUsage {
            used,
            remaining: budget.limit().saturating_sub(used),
        })
    }
}

#[napi]
impl Hashtags {
    /// Hashtags of the accounts of `accounts`.
    #[napi(constructor)]
    pub fn new(accounts: &AccountManager, options: Option<HashtagsOptions>) -> Result<Self> {
        guard_sync("new Hashtags", || {
            let mut budget = HashtagBudget::new();
            let mut limits = None;
            let mut shared = false;
            if let Some(o) = options {
                if o.limit.is_some() || o.window_days.is_some() {
                    let days = o.window_days.unwrap_or(7);
                    if days == 0 {
                        return Err(type_error("options.windowDays", "must be at least 1"));
                    }
                    limits = Some((o.limit.unwrap_or(30), Duration::days(days.into())));
                }
                shared = o.shared.unwrap_or(false);
            }
            if let Some((limit, window)) = limits {
                budget = budget.with_limits(limit, window);
            }
            Ok(Self {
                lazy: accounts.lazy.clone(),
                budget,
                shared: shared.then(|| (OnceCell::new(), limits)),
            })
        })
    }

    /// The id of a hashtag (`q` without `#`, no spaces): `{ id }`. A hashtag new to the
    /// account in the window takes a budget slot; with none left it fails with
    /// `QuotaExceededError` (code `HASHTAG_BUDGET_EXCEEDED`) before any call.
    ///
    /// Core: IgUserHashtagsHandler::search
    #[napi]
    pub async fn search(
        &self,
        company_id: String,
        ig_user_id: String,
        q: String,
    ) -> Result<Created> {
        const WHAT: &str = "Hashtags.search";
        guard(WHAT, async {
            validate_hashtag_query(&q).map_err(|e| sdk_error(WHAT, e))?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let id = account
                .graph()
                .ig_user(account.ig().clone())
                .hashtags()
                .search(&q, self.budget_for(WHAT).await?)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(Created {
                id: id.as_str().to_owned(),
            })
        })
        .await
    }

    /// A hashtag node: `{ id, name }`, or the fields of `options.fields`.
    ///
    /// Core: HashtagHandler::get, HashtagHandler::get_fields
    #[napi(ts_return_type = "Promise<Hashtag>")]
    pub async fn get(
        &self,
        company_id: String,
        ig_user_id: String,
        hashtag_id: String,
        options: Option<HashtagGetOptions>,
    ) -> Result<Json> {
        const WHAT: &str = "Hashtags.get";
        guard(WHAT, async {
            let id = self::hashtag_id(&hashtag_id)?;
            let field_list = options.and_then(|o| o.fields);
            if let Some(f) = &field_list {
                fields("options.fields", f)?;
            }
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let graph = account.graph();
            let hashtag = graph.hashtag(id);
            let tag = match field_list {
                Some(f) => hashtag.get_fields(f).await,
                None => hashtag.get().await,
            }
            .map_err(|e| sdk_error(WHAT, e))?;
            Ok(to_js(&tag))
        })
        .await
        .map(Json::from)
    }

    /// One page of the hashtag's most popular media: `{ data, paging }`.
    ///
    /// Core: HashtagHandler::top_media
    #[napi(ts_return_type = "Promise<MediaPage>")]
    pub async fn top_media(
        &self,
        company_id: String,
        ig_user_id: String,
        hashtag_id: String,
        options: Option<HashtagMediaOptions>,
    ) -> Result<Json> {
        self.media(
            "Hashtags.topMedia",
            true,
            company_id,
            ig_user_id,
            hashtag_id,
            options,
        )
        .await
    }

    /// One page of the hashtag's media of the last 24 hours, newest first: `{ data, paging }`.
    ///
    /// Core: HashtagHandler::recent_media
    #[napi(ts_return_type = "Promise<MediaPage>")]
    pub async fn recent_media(
        &self,
        company_id: String,
        ig_user_id: String,
        hashtag_id: String,
        options: Option<HashtagMediaOptions>,
    ) -> Result<Json> {
        self.media(
            "Hashtags.recentMedia",
            false,
            company_id,
            ig_user_id,
            hashtag_id,
            options,
        )
        .await
    }

    async fn media(
        &self,
        what: &'static str,
        top: bool,
        company_id: String,
        ig_user_id: String,
        hashtag_id: String,
        options: Option<HashtagMediaOptions>,
    ) -> Result<Json> {
        guard(what, async {
            let id = self::hashtag_id(&hashtag_id)?;
            let (per_page, after, field_list) =
                options.map_or((None, None, None), |o| (o.limit, o.after, o.fields));
            let per_page = limit("options.limit", per_page)?;
            if let Some(f) = &field_list {
                fields("options.fields", f)?;
            }
            let account = open(&self.lazy, what, &company_id, &ig_user_id).await?;
            let graph = account.graph();
            let tag = graph.hashtag(id);
            let mut req = if top {
                tag.top_media(account.ig())
            } else {
                tag.recent_media(account.ig())
            };
            if let Some(f) = field_list {
                req = req.fields(f);
            }
            if let Some(l) = per_page {
                req = req.limit(l);
            }
            if let Some(a) = after {
                req = req.after(a);
            }
            let page = req.send().await.map_err(|e| sdk_error(what, e))?;
            Ok(account_graph::page(&page))
        })
        .await
        .map(Json::from)
    }

    /// One page of the hashtags the account searched in the last 7 days (Meta's list):
    /// `{ data: [{ id, name }], paging }`.
    ///
    /// Core: IgUserHashtagsHandler::recently_searched
    #[napi(ts_return_type = "Promise<{ data: Hashtag[], paging: Paging }>")]
    pub async fn recently_searched(
        &self,
        company_id: String,
        ig_user_id: String,
        options: Option<HashtagMediaOptions>,
    ) -> Result<Json> {
        const WHAT: &str = "Hashtags.recentlySearched";
        guard(WHAT, async {
            let (per_page, after, field_list) =
                options.map_or((None, None, None), |o| (o.limit, o.after, o.fields));
            let per_page = limit("options.limit", per_page)?;
            if let Some(f) = &field_list {
                fields("options.fields", f)?;
            }
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let mut req = account
                .graph()
                .ig_user(account.ig().clone())
                .hashtags()
                .recently_searched();
            if let Some(f) = field_list {
                req = req.fields(f);
            }
            if let Some(l) = per_page {
                req = req.limit(l);
            }
            if let Some(a) = after {
                req = req.after(a);
            }
            let page = req.send().await.map_err(|e| sdk_error(WHAT, e))?;
            Ok(account_graph::page(&page))
        })
        .await
        .map(Json::from)
    }

    /// Counts in the budget every hashtag Meta says the account searched in the last 7 days
    /// (after a restart without a saved snapshot), each from now unless the budget already
    /// knew it: `{ used, remaining }`.
    ///
    /// Core: IgUserHashtagsHandler::seed_budget
    #[napi]
    pub async fn seed_budget(
        &self,
        company_id: String,
        ig_user_id: String,
    ) -> Result<HashtagBudgetUsage> {
        const WHAT: &str = "Hashtags.seedBudget";
        guard(WHAT, async {
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let ig: &IgUserId = account.ig();
            let used = account
                .graph()
                .ig_user(ig.clone())
                .hashtags()
                .seed_budget(self.budget_for(WHAT).await?)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            let limit = self.budget_for(WHAT).await?.limit();
            Ok(HashtagBudgetUsage {
                used,
                remaining: limit.saturating_sub(used),
            })
        })
        .await
    }

    /// The account's hashtag budget now: `{ used, remaining }` (unique hashtags searched in
    /// the window, and slots left for new ones), read from the store when it is shared. No
    /// call to Meta.
    ///
    /// Core: HashtagBudget::used_now
    #[napi]
    pub async fn budget(
        &self,
        company_id: String,
        ig_user_id: String,
    ) -> Result<HashtagBudgetUsage> {
        const WHAT: &str = "Hashtags.budget";
        guard(WHAT, async {
            // Opened so that an account of another company is refused like everywhere else.
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            self.usage(WHAT, account.ig()).await
        })
        .await
    }

    /// The budget bookkeeping of every account, to persist (`{ accounts: { [igUserId]:
    /// { [hashtag]: firstSearchedAt } } }`).
    #[napi(ts_return_type = "BudgetSnapshot")]
    pub fn budget_snapshot(&self) -> Value {
        serde_json::to_value(self.budget.snapshot()).unwrap_or(Value::Null)
    }

    /// Restores bookkeeping saved with `budgetSnapshot()` (merged into the current one).
    #[napi]
    pub fn restore_budget(
        &self,
        #[napi(ts_arg_type = "BudgetSnapshot")] snapshot: Value,
    ) -> Result<()> {
        guard_sync("Hashtags.restoreBudget", || {
            // Keys are account ids and hashtags, not field names: no case conversion.
            let parsed: HashtagBudgetSnapshot =
                serde_json::from_value(snapshot).map_err(|e| type_error("snapshot", e))?;
            self.budget.restore(&parsed);
            Ok(())
        })
    }
}
