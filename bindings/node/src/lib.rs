//! Node.js bindings for `instagraph` (napi-rs v3).
//!
//! Every async method returns a Promise and runs on napi's tokio runtime, so nothing blocks
//! Node's event loop. Errors leave Rust through [`error`]; the package's `errors.js` turns them
//! into `InstagraphError` subclasses (or `TypeError`s for bad arguments). No panic reaches Node:
//! every exported body runs inside [`error::guard`] / [`error::guard_sync`].

#![deny(clippy::unwrap_used, clippy::expect_used)]

mod account_graph;
mod account_types;
mod accounts;
mod automation;
mod batch;
mod caption;
mod client;
mod collaborations;
mod comments;
mod containers;
mod convert;
pub mod discovery;
mod error;
mod hashtags;
pub mod insight_types;
mod insights;
mod js_store;
mod json_text;
mod login;
mod media;
mod mentions;
mod messaging;
mod publisher;
mod publisher_media;
pub mod results;
mod sandbox;
mod scheduler;
mod scheduler_types;
mod shared_dedup;
mod shopping;
mod store;
mod webhooks;

pub use accounts::AccountManager;
pub use automation::Automation;
pub use batch::{Batch, BatchOperation};
pub use caption::{count_caption, validate_caption, CaptionCheck};
pub use client::Client;
pub use collaborations::{CollaborationInvite, CollaborationInvitePage, Collaborations};
pub use comments::Comments;
pub use containers::{ContainerInput, Containers, PublishingLimit};
pub use discovery::Discovery;
pub use hashtags::{BudgetSnapshot, Hashtag, Hashtags};
pub use insights::Insights;
pub use js_store::conformance::{
    run_store_conformance_case, store_conformance_cases, ConformanceOutcome,
};
pub use login::{FacebookLogin, InstagramLogin};
pub use media::Media;
pub use mentions::{MentionedComment, MentionedMedia, Mentions};
pub use messaging::Messaging;
pub use publisher::{Post, PostItem, Publisher};
pub use sandbox::Sandbox;
pub use scheduler::{Scheduler, Worker};
pub use shopping::{Catalog, CatalogPage, CatalogProduct, CatalogProductPage, Shopping};
pub use webhooks::{Deduper, WebhookEvent, Webhooks};

/// The argument table build.rs derives from the `#[napi]` declarations: every exported
/// callable's parameters with the JS kinds their Rust types accept (JSON). `index.js` reads it
/// once to check arguments and name a bad one; it is not part of the package's API.
#[napi_derive::napi(js_name = "__argumentTable", skip_typescript)]
pub fn argument_table() -> &'static str {
    include_str!(concat!(env!("OUT_DIR"), "/arguments.json"))
}
