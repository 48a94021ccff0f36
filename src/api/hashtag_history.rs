//! The hashtags an account searched in the last 7 days
//! (`GET /{ig-user-id}/recently_searched_hashtags`), and seeding a [`HashtagBudget`] from them
//! so that the budget survives a restart without a persisted snapshot.

use std::collections::BTreeMap;

use super::hashtags::{HashtagBudget, HashtagBudgetSnapshot, IgUserHashtagsHandler};
use super::models::Hashtag;
use super::ListEdge;
use crate::error::Result;

/// Default fields of `recently_searched_hashtags`: the id and the name (the budget counts
/// names).
pub const DEFAULT_RECENT_HASHTAG_FIELDS: &str = "id,name";

/// The most hashtags Meta lists per page of `recently_searched_hashtags` (an account cannot
/// have searched more than 30 unique hashtags in 7 days).
pub const MAX_RECENT_HASHTAGS_PER_PAGE: u32 = 30;

/// The most hashtags [`IgUserHashtagsHandler::seed_budget`] reads: more than Meta's budget can
/// hold, so that a listing that never ends cannot grow without bound.
const MAX_SEEDED_HASHTAGS: usize = 100;

impl<'a> IgUserHashtagsHandler<'a> {
    /// `GET /{ig-user-id}/recently_searched_hashtags`: the hashtags this account searched in
    /// the last 7 days ([`DEFAULT_RECENT_HASHTAG_FIELDS`] by default; `limit` at most
    /// [`MAX_RECENT_HASHTAGS_PER_PAGE`]).
    pub fn recently_searched(&self) -> ListEdge<'a, Hashtag> {
        ListEdge::new(
            self.graph,
            format!("{}/recently_searched_hashtags", self.id),
            DEFAULT_RECENT_HASHTAG_FIELDS,
        )
        .max_limit(MAX_RECENT_HASHTAGS_PER_PAGE)
    }

    /// Counts every hashtag Meta says this account searched in the last 7 days in `budget`,
    /// and answers how many hashtags the budget now counts for the account.
    ///
    /// Meta does not say when each was first searched, so a hashtag the budget did not know is
    /// counted from now: the budget may refuse a new hashtag a few days longer than Meta
    /// would, never let through one Meta would refuse. A hashtag the budget already knew (from
    /// [`HashtagBudget::restore`]) keeps its first-search time. Hashtags listed without a name
    /// are read one by one (`GET /{ig-hashtag-id}?fields=id,name`).
    pub async fn seed_budget(&self, budget: &HashtagBudget) -> Result<u32> {
        let listed = self
            .recently_searched()
            .limit(MAX_RECENT_HASHTAGS_PER_PAGE)
            .send()
            .await?
            .collect_all_with_limit(MAX_SEEDED_HASHTAGS)
            .await?;
        let now = budget.now();
        let mut counted = BTreeMap::new();
        for tag in listed {
            let name = match tag.name {
                Some(name) => name,
                None => match self.graph.hashtag(tag.id).get().await?.name {
                    Some(name) => name,
                    None => continue,
                },
            };
            counted.insert(name.to_lowercase(), now);
        }
        let mut snapshot = HashtagBudgetSnapshot::default();
        snapshot.accounts.insert(self.id.clone(), counted);
        budget.restore(&snapshot);
        Ok(budget.used(&self.id))
    }
}
