//! The Rust side of the peer-comparison harness (`benches/peers/run.sh`): the pages nginx serves
//! ([`pages`]) and what every Rust client shares ([`measure`]): the account, the token, the 13
//! fields, the warm-up, the two modes and the one JSON line each run prints.
//!
//! Not part of `cargo test`: run.sh builds these bins with `--profile peers` and runs them
//! against nginx on loopback.

#![warn(missing_docs)]

pub mod measure;
pub mod pages;

/// The app id the clients sign requests for (nginx checks nothing).
pub const APP_ID: &str = "123";
/// The app secret behind `appsecret_proof`.
pub const APP_SECRET: &str = "secret";
/// The IG user whose media page every client asks for.
pub const IG_USER_ID: &str = "17841400000000001";
/// The IG user whose media listing is the 1,000-page stream (nginx answers its `/media` with
/// the stream's first page instead of the 25-media page).
pub const STREAM_IG_USER_ID: &str = "17841400000000002";
/// A long-lived user token of realistic length (the one of benches/client_overhead.rs).
pub const TOKEN: &str = "EAAGu8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFRIBXuDL7DxtpYlSXpfKtHF4vUCsMehGAkWvj7FAc9QeWJKY40uvSwMFLZDe1f8rESQedUStPKR0CsTy4Qwb8DwkNhFdnXsiVpzz63FfkCzJr4i0B3JrTAwR4y9ojf";
/// The fields every client asks for: the SDK's `DEFAULT_MEDIA_FIELDS`.
pub const FIELDS: [&str; 13] = [
    "id",
    "caption",
    "media_type",
    "media_product_type",
    "media_url",
    "permalink",
    "shortcode",
    "thumbnail_url",
    "timestamp",
    "username",
    "like_count",
    "comments_count",
    "is_comment_enabled",
];
/// Media on the page every client fetches.
pub const ITEMS: usize = 25;
/// Pages of the stream.
pub const STREAM_PAGES: usize = 1_000;
/// Media per stream page.
pub const STREAM_PAGE_ITEMS: usize = 100;
/// Requests in flight in the concurrent mode.
pub const CONCURRENCY: usize = 16;
