//! The usage Meta last reported to the [`Client`] (`X-App-Usage`,
//! `X-Business-Use-Case-Usage`).

use std::time::SystemTime;

use crate::client::Client;

/// The app's usage, in percent of its limits.
#[derive(Debug, Clone, uniffi::Record)]
pub struct AppUsage {
    /// Calls.
    pub call_count: f64,
    /// CPU time.
    pub total_cputime: f64,
    /// Total time.
    pub total_time: f64,
}

/// One business use case's usage of one object (an account or Page), in percent.
#[derive(Debug, Clone, uniffi::Record)]
pub struct BusinessUsage {
    /// The object (IG user or Page id) Meta counts it against.
    pub object_id: String,
    /// The use case (`instagram`, `messenger`, ...).
    pub kind: String,
    /// Calls.
    pub call_count: f64,
    /// CPU time.
    pub total_cputime: f64,
    /// Total time.
    pub total_time: f64,
    /// Minutes until calls are accepted again (0 when not throttled).
    pub estimated_time_to_regain_access: f64,
}

/// The latest usage Meta reported.
#[derive(Debug, Clone, uniffi::Record)]
pub struct RateLimitStatus {
    /// The app's usage, once reported.
    pub app: Option<AppUsage>,
    /// Business use case usage, per object.
    pub business: Vec<BusinessUsage>,
    /// When Meta last reported any.
    pub updated_at: Option<SystemTime>,
    /// The highest percentage of any limit (the core's reading of the headers).
    pub max_percent: f64,
}

#[uniffi::export]
impl Client {
    /// The latest usage Meta reported in `X-App-Usage` and `X-Business-Use-Case-Usage`.
    ///
    /// Core: Client::rate_limit_status
    pub fn rate_limit_status(&self) -> RateLimitStatus {
        let status = self.inner.rate_limit_status();
        RateLimitStatus {
            app: status.app.as_ref().map(|a| AppUsage {
                call_count: a.call_count,
                total_cputime: a.total_cputime,
                total_time: a.total_time,
            }),
            business: status
                .business
                .iter()
                .flat_map(|(object_id, usages)| {
                    usages.iter().map(move |u| BusinessUsage {
                        object_id: object_id.clone(),
                        kind: u.kind.clone(),
                        call_count: u.call_count,
                        total_cputime: u.total_cputime,
                        total_time: u.total_time,
                        estimated_time_to_regain_access: u.estimated_time_to_regain_access,
                    })
                })
                .collect(),
            updated_at: status.updated_at.map(SystemTime::from),
            max_percent: status.max_percent(),
        }
    }
}
