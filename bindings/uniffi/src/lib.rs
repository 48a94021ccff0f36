//! Kotlin, Swift and Python bindings of `instagraph`, made with uniffi's proc-macros.
//!
//! The same facade as the Rust API: [`client::Client`], both login flows and discovery in
//! [`accounts::AccountManager`], [`graph::AccountGraph`] (media, comments, insights,
//! messaging), [`publisher::Publisher`] with progress and [`publisher::Scheduler`], webhook
//! helpers, the stores — built-in memory and SQLite, or the app's own storage through
//! [`foreign::ForeignStore`]. With the `testing` feature (off in an app's build, so that it
//! carries no web server and no test code): the in-process `sandbox::Sandbox` and the store
//! conformance runner (`testing`), which the tests here use.
//!
//! Async methods are exported with `async_runtime = "tokio"` (uniffi's `tokio` feature): the
//! foreign side polls them as a `suspend fun`, a Swift `async` function or a Python coroutine,
//! inside the context of the tokio runtime uniffi provides; the binding starts none. Every
//! failure comes back as the one error type [`error::InstagraphError`], mapped from the core's
//! error; a panic (a bug) stays on the Rust side, as uniffi's internal error.

#![warn(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used)]
// The error crosses the FFI by value with every field Meta sends; boxing it is not an option
// for a uniffi error, and its size does not matter next to a network call.
#![allow(clippy::result_large_err)]

pub mod account_status;
pub mod accounts;
pub mod automation;
pub mod batch;
pub mod client;
pub mod collaboration;
pub mod comments;
pub mod containers;
pub mod discovery;
pub mod error;
pub mod foreign;
pub mod graph;
pub mod hashtags;
pub mod media;
pub mod mentions;
pub mod messages;
pub mod publisher;
pub mod publisher_media;
pub mod rate_limit;
#[cfg(feature = "testing")]
pub mod sandbox;
pub mod scheduler_run;
pub mod shared_dedup;
pub mod shopping;
pub mod store;
pub mod subscriptions;
#[cfg(feature = "testing")]
pub mod testing;
pub mod webhooks;

uniffi::setup_scaffolding!("instagraph");
