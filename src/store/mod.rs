//! Storage: traits, backends, token sealing and the shared conformance suite.
//!
//! The storage layer is split by concern into five object-safe async traits —
//! [`TokenStore`], [`AccountStore`], [`OAuthStateStore`], [`JobStore`] and [`BudgetStore`] —
//! bundled as [`StoreBackend`]. Three backends ship here: [`MemoryStore`] (the reference), with the
//! `sqlite` feature [`SqliteStore`] (an embedded file), and with the `postgres` feature
//! [`PostgresStore`] (one database for many processes). The [`Store`] facade wraps any backend
//! and seals token secrets with AES-256-GCM before they reach it, so no backend ever holds a
//! plaintext token.
//!
//! ```
//! # async fn demo() -> instagraph::store::StoreResult<()> {
//! use instagraph::store::{LoginKind, NewToken, SealingKey, Store, TokenKind};
//! use instagraph::{AccessToken, CompanyId};
//!
//! let store = Store::memory(SealingKey::generate());
//! let company = CompanyId::new("acme");
//! let id = store
//!     .save_token(
//!         &company,
//!         NewToken {
//!             kind: TokenKind::User,
//!             login: LoginKind::Facebook,
//!             subject_id: "1001".into(),
//!             token: AccessToken::new("EAAB..."),
//!             scopes: vec!["instagram_basic".into()],
//!             expires_at: None,
//!             issued_at: chrono::Utc::now(),
//!         },
//!     )
//!     .await?;
//! let (_record, token) = store.load_token(&company, &id).await?.expect("saved above");
//! assert_eq!(token.expose(), "EAAB...");
//! # Ok(()) }
//! ```

mod accounts;
pub mod budgets;
#[doc(hidden)]
#[cfg(any(test, feature = "testing"))]
pub mod conformance;
mod crypto;
mod error;
mod facade;
pub mod kv;
mod memory;
#[cfg(feature = "postgres")]
mod postgres;
mod records;
mod rules;
#[cfg(feature = "sqlite")]
mod sqlite;
mod traits;
mod util;
mod watch;

pub use accounts::{
    AccountPage, AccountQuery, AccountRecord, AccountSort, AccountSortField, NewAccount,
    UpsertOutcome,
};
pub use budgets::CountOutcome;
pub use crypto::{SealedSecret, Sealer, SealingKey, PREVIOUS_SEALING_KEYS_ENV, SEALING_KEY_ENV};
pub use error::{StoreError, StoreResult};
pub use facade::{NewToken, ResealReport, Store, StoreUrl};
pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::{LeaseClock, PostgresOptions, PostgresStore};
pub use records::{
    AccountSource, JobInsert, JobQuery, JobRecord, JobStatus, LoginKind, OAuthStateRecord,
    TokenKind, TokenRecord,
};
#[cfg(feature = "sqlite")]
pub use sqlite::{Durability, SqliteStore};
pub use traits::{
    AccountStore, BudgetStore, JobStore, OAuthStateStore, StoreBackend, TokenStore,
    MAX_OAUTH_STATES_PER_COMPANY,
};
pub use util::truncate_time;
