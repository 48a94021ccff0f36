//! Node.js bindings for `instagraph` (napi-rs v3).
//!
//! Every async method returns a Promise and runs on napi's tokio runtime, so nothing blocks
//! Node's event loop. Errors leave Rust through [`error`]; the package's `errors.js` turns them
//! into `InstagraphError` subclasses (or `TypeError`s for bad arguments). No panic reaches Node:
//! every exported body runs inside [`error::guard`] / [`error::guard_sync`].

#![deny(clippy::unwrap_used, clippy::expect_used)]

mod accounts;
mod client;
mod convert;
mod error;
mod publisher;
mod sandbox;

pub use accounts::AccountManager;
pub use client::Client;
pub use publisher::Publisher;
pub use sandbox::Sandbox;
