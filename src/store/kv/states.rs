//! `OAuthStateStore` over a key-value store: one key per state, taken with a compare-and-swap
//! so that a state is used once.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{encode, keys, Change, KvBackend};
use crate::store::error::StoreResult;
use crate::store::records::OAuthStateRecord;
use crate::store::rules;
use crate::store::traits::OAuthStateStore;

#[async_trait]
impl OAuthStateStore for KvBackend {
    async fn put_state(&self, record: OAuthStateRecord) -> StoreResult<()> {
        let record = rules::new_state(record)?;
        let key = keys::state(&record.state);
        if !self.swap(&key, None, Some(&encode(&record)?)).await? {
            return Err(rules::state_conflict());
        }
        let rows = self.scan::<OAuthStateRecord>(keys::STATES).await?;
        let evict = rules::states_to_evict(rows.iter().map(|r| &r.record), &record);
        let mut by_state: HashMap<String, (String, String)> = rows
            .into_iter()
            .map(|r| (r.record.state, (r.key, r.raw)))
            .collect();
        for state in evict {
            if let Some((key, raw)) = by_state.remove(&state) {
                // Only as read: a state taken or replaced meanwhile is not this one.
                self.swap(&key, Some(&raw), None).await?;
            }
        }
        Ok(())
    }

    async fn take_state(&self, state: &str) -> StoreResult<Option<OAuthStateRecord>> {
        self.modify(
            &keys::state(state),
            "OAuth state",
            |current: Option<OAuthStateRecord>| {
                Ok(match current {
                    Some(record) => Change::Delete(Some(record)),
                    None => Change::Keep(None),
                })
            },
        )
        .await
    }

    async fn purge_expired_states(&self, now: DateTime<Utc>) -> StoreResult<u64> {
        let mut purged = 0;
        for row in self.scan::<OAuthStateRecord>(keys::STATES).await? {
            if rules::state_expired(&row.record, now)
                && self.swap(&row.key, Some(&row.raw), None).await?
            {
                purged += 1;
            }
        }
        Ok(purged)
    }
}
