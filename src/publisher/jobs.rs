//! The rules of a publish job's record: the idempotency key, the names of lease holders, and
//! a job marked failed.

use chrono::Utc;

use crate::error::{Error, Result};
use crate::store::{JobRecord, JobStatus};

/// Longest idempotency key accepted.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// The idempotency key rule of publishing and scheduling: not blank, at most
/// [`MAX_IDEMPOTENCY_KEY_LEN`] bytes, surrounding blanks trimmed.
pub(crate) fn check_key(key: &str) -> Result<String> {
    let trimmed = key.trim();
    if trimmed.is_empty() {
        return Err(Error::invalid("idempotency_key", "is empty"));
    }
    if trimmed.len() > MAX_IDEMPOTENCY_KEY_LEN {
        return Err(Error::invalid(
            "idempotency_key",
            format!(
                "is {} bytes long; the limit is {MAX_IDEMPOTENCY_KEY_LEN} bytes",
                trimmed.len()
            ),
        ));
    }
    Ok(trimmed.to_owned())
}

/// A lease holder's name that says where it runs: `<kind>-<host>-<pid>-<random>`. Leases are
/// fenced by the job's version, not by this name; the name is for people reading the jobs
/// (which host and process holds this one?), and the random part keeps two holders in one
/// process apart.
pub(crate) fn holder_name(kind: &str) -> String {
    static HOST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let host = HOST.get_or_init(|| {
        std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .or_else(|| std::env::var("COMPUTERNAME").ok())
            .map(|h| h.trim().to_owned())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "host".to_owned())
    });
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!("{kind}-{host}-{}-{}", std::process::id(), &random[..8])
}

/// `job` marked `Failed` with `e`, its lease dropped.
pub(super) fn failed(job: JobRecord, e: &Error) -> JobRecord {
    JobRecord {
        status: JobStatus::Failed,
        error: Some(e.to_string()),
        lease_owner: None,
        lease_expires_at: None,
        updated_at: Utc::now(),
        ..job
    }
}
