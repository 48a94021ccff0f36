//! The Rust side of the peer-comparison harness (`benches/peers/run.sh`): the pages nginx serves
//! ([`pages`]) and what every Rust client shares ([`measure`]): the account, the token, the 13
//! fields, the warm-up, the two modes and the one JSON line each run prints.
//!
//! Not part of `cargo test`: run.sh builds these bins with `--profile bench-peers` and runs them
//! against nginx on loopback.

#![warn(missing_docs)]

#[path = "../../../support/fixture.rs"]
mod fixture;
pub mod measure;
pub mod pages;

/// The app, account, token, fields and page size the client benches share (benches/support).
pub use fixture::{APP_ID, APP_SECRET, FIELDS, IG_USER_ID, ITEMS, TOKEN};

/// The IG user whose media listing is the 1,000-page stream (nginx answers its `/media` with
/// the stream's first page instead of the 25-media page).
pub const STREAM_IG_USER_ID: &str = "17841400000000002";
/// Pages of the stream.
pub const STREAM_PAGES: usize = 1_000;
/// Media per stream page.
pub const STREAM_PAGE_ITEMS: usize = 100;
/// Requests in flight in the concurrent mode.
pub const CONCURRENCY: usize = 16;
