//! Helpers shared by every backend so that they agree to the microsecond and to the byte.

use chrono::{DateTime, Utc};

use super::error::{StoreError, StoreResult};

#[cfg_attr(not(feature = "sqlite"), allow(dead_code))] // the SQL backends' helpers
/// Microseconds since the Unix epoch: the precision every backend keeps (Postgres `timestamptz`
/// has no finer unit, so the others drop the nanoseconds too and all compare equal).
pub(crate) fn to_micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

#[cfg_attr(not(feature = "sqlite"), allow(dead_code))] // the SQL backends' helpers
/// The inverse of [`to_micros`]; a value outside chrono's range means a corrupt row.
pub(crate) fn from_micros(us: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp_micros(us)
        .ok_or_else(|| StoreError::Backend(format!("timestamp out of range: {us}")))
}

/// Drops the sub-microsecond part, as a database round trip would.
pub fn truncate_time(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}

/// [`truncate_time`] over an optional time.
pub(crate) fn truncate_opt(t: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    t.map(truncate_time)
}

/// The lower-cased form that search and the username/name sort compare, computed in Rust so
/// that every backend folds case the same way (SQLite's `lower()` only knows ASCII).
pub(crate) fn fold_case(s: &str) -> String {
    s.to_lowercase()
}

/// Rejects an empty or blank identifier.
pub(crate) fn require_non_empty(field: &'static str, value: &str) -> StoreResult<()> {
    if value.trim().is_empty() {
        Err(StoreError::invalid(field, "must not be empty"))
    } else {
        Ok(())
    }
}

#[cfg_attr(not(feature = "sqlite"), allow(dead_code))] // the SQL backends' helpers
/// Converts a count that the caller gave as `u64` into the `i64` SQL speaks.
pub(crate) fn to_i64(field: &'static str, v: u64) -> StoreResult<i64> {
    i64::try_from(v).map_err(|_| StoreError::invalid(field, "too large"))
}

/// Adds a lease duration to `now`, refusing durations chrono cannot represent.
pub(crate) fn lease_until(
    now: DateTime<Utc>,
    lease: std::time::Duration,
) -> StoreResult<DateTime<Utc>> {
    chrono::Duration::from_std(lease)
        .ok()
        .and_then(|d| now.checked_add_signed(d))
        .map(truncate_time)
        .ok_or_else(|| StoreError::invalid("lease", "duration out of range"))
}

/// Upper bound on a claim or list batch, shared with [`super::AccountQuery`].
pub const MAX_BATCH: u64 = 500;

/// Default batch when a caller passes a limit of 0.
pub const DEFAULT_BATCH: u64 = 50;

/// Applies the shared limit rule: 0 means [`DEFAULT_BATCH`], more than [`MAX_BATCH`] is an error.
pub(crate) fn effective_limit(limit: u64) -> StoreResult<u64> {
    match limit {
        0 => Ok(DEFAULT_BATCH),
        n if n > MAX_BATCH => Err(StoreError::invalid(
            "limit",
            format!("{n} is above the maximum of {MAX_BATCH}"),
        )),
        n => Ok(n),
    }
}
