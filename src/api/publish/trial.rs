//! Trial reels (`trial_params` on a `REELS` container): a reel shown to non-followers first,
//! then shared with followers by hand or automatically when it performs well.

use serde::{Deserialize, Serialize};

/// How a trial reel graduates to the account's followers (`graduation_strategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum GraduationStrategy {
    /// The account graduates the reel by hand, in the Instagram app (`MANUAL`).
    Manual,
    /// Instagram graduates the reel if it performs well with non-followers
    /// (`SS_PERFORMANCE`).
    SsPerformance,
}

impl GraduationStrategy {
    /// The value as it goes on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "MANUAL",
            Self::SsPerformance => "SS_PERFORMANCE",
        }
    }
}

/// `trial_params` of a reel container, sent as JSON: `{"graduation_strategy":"MANUAL"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TrialParams {
    /// How the trial reel reaches the account's followers.
    pub graduation_strategy: GraduationStrategy,
}

impl TrialParams {
    /// A trial reel that graduates as `strategy` says.
    pub fn new(graduation_strategy: GraduationStrategy) -> Self {
        Self {
            graduation_strategy,
        }
    }
}
