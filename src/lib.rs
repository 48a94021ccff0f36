#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod accounts;
pub mod api;
pub mod auth;
mod client;
pub mod config;
pub mod error;
mod http;
pub mod ids;
mod page;
mod proof;
pub mod publisher;
pub mod rate_limit;
pub mod store;
pub mod webhooks;

pub use accounts::AccountManager;
pub use auth::token::AccessToken;
pub use client::{Client, ClientBuilder};
pub use config::{ApiVersion, Config, Host, Hosts, Mode, RetryPolicy};
pub use error::{AuthError, Error, ErrorClass, GraphApiError, RequestContext, Result};
pub use ids::*;
pub use page::{Page, DEFAULT_COLLECT_LIMIT};
pub use proof::appsecret_proof;
pub use publisher::Publisher;
pub use rate_limit::RateLimitStatus;
pub use webhooks::WebhookError;

// The domain types that derive uniffi's traits (feature `uniffi`) are exported from this crate's
// own uniffi component; bindings/uniffi uses them as they are instead of copying them.
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("instagraph_core");
