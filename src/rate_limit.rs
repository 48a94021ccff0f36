//! Rate-limit bookkeeping from Meta's usage headers.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `X-App-Usage`: the app's hourly budget used, in percent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppUsage {
    /// Calls, in percent of the budget.
    pub call_count: f64,
    /// CPU time, in percent of the budget.
    pub total_cputime: f64,
    /// Total time, in percent of the budget.
    pub total_time: f64,
}

impl AppUsage {
    /// The highest of the three percentages.
    pub fn max_percent(&self) -> f64 {
        self.call_count.max(self.total_cputime).max(self.total_time)
    }
}

/// One entry of `X-Business-Use-Case-Usage` for an object (IG account or Page).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BusinessUseCaseUsage {
    /// The use case, e.g. `instagram`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Calls, in percent of the budget.
    pub call_count: f64,
    /// CPU time, in percent of the budget.
    pub total_cputime: f64,
    /// Total time, in percent of the budget.
    pub total_time: f64,
    /// Minutes until calls are allowed again (0 when not throttled).
    pub estimated_time_to_regain_access: f64,
}

impl BusinessUseCaseUsage {
    /// The highest of the three percentages.
    pub fn max_percent(&self) -> f64 {
        self.call_count.max(self.total_cputime).max(self.total_time)
    }
}

/// The latest usage Meta reported, readable with [`crate::Client::rate_limit_status`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RateLimitStatus {
    /// The app-level usage, from the latest `X-App-Usage`.
    pub app: Option<AppUsage>,
    /// Business-use-case usage per object id, from the latest `X-Business-Use-Case-Usage` that
    /// named the object.
    pub business: BTreeMap<String, Vec<BusinessUseCaseUsage>>,
    /// When a usage header was last read.
    pub updated_at: Option<DateTime<Utc>>,
}

impl RateLimitStatus {
    /// How long Meta says calls about `object_id` are blocked, if they are.
    pub fn retry_after_for(&self, object_id: &str) -> Option<Duration> {
        self.business
            .get(object_id)
            .and_then(|entries| max_eta(entries))
    }

    /// The highest usage percentage across the app and every object.
    pub fn max_percent(&self) -> f64 {
        let app = self.app.map(|a| a.max_percent()).unwrap_or(0.0);
        self.business
            .values()
            .flatten()
            .map(BusinessUseCaseUsage::max_percent)
            .fold(app, f64::max)
    }

    /// Records an `X-App-Usage` header; false when it does not parse (nothing changes then).
    pub(crate) fn record_app(&mut self, raw: &[u8]) -> bool {
        match serde_json::from_slice::<AppUsage>(raw) {
            Ok(app) => {
                self.app = Some(app);
                self.updated_at = Some(Utc::now());
                true
            }
            Err(_) => false,
        }
    }

    /// Records an `X-Business-Use-Case-Usage` header and returns the longest regain-access
    /// wait it announces.
    pub(crate) fn record_business(&mut self, raw: &[u8]) -> Option<Duration> {
        let map =
            serde_json::from_slice::<BTreeMap<String, Vec<BusinessUseCaseUsage>>>(raw).ok()?;
        let mut wait = None;
        for (id, entries) in map {
            wait = wait.max(max_eta(&entries));
            self.business.insert(id, entries);
        }
        self.updated_at = Some(Utc::now());
        wait
    }
}

fn max_eta(entries: &[BusinessUseCaseUsage]) -> Option<Duration> {
    entries
        .iter()
        .map(|e| e.estimated_time_to_regain_access)
        .filter(|m| *m > 0.0 && m.is_finite())
        .fold(None, |acc: Option<f64>, m| {
            Some(acc.map_or(m, |a| a.max(m)))
        })
        .map(|minutes| Duration::from_secs_f64(minutes * 60.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_headers() {
        let mut s = RateLimitStatus::default();
        assert!(s.record_app(br#"{"call_count":28,"total_cputime":25,"total_time":25}"#));
        let wait = s.record_business(
            br#"{"1784":[{"type":"instagram","call_count":100,"total_cputime":3,"total_time":4,"estimated_time_to_regain_access":2}]}"#,
        );
        assert_eq!(wait, Some(Duration::from_secs(120)));
        assert_eq!(s.app.unwrap().call_count, 28.0);
        assert_eq!(s.retry_after_for("1784"), Some(Duration::from_secs(120)));
        assert_eq!(s.max_percent(), 100.0);
        assert!(!s.record_app(b"not json"));
        assert_eq!(s.record_business(b"not json"), None);
        assert_eq!(s.app.unwrap().call_count, 28.0);
    }
}
