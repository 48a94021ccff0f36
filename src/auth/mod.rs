//! Login flows, OAuth state and tokens.
//!
//! Two flows share one shape: [`FacebookLogin`] (`client.facebook_login()`, graph.facebook.com)
//! and [`InstagramLogin`] (`client.instagram_login()`, graph.instagram.com). Each builds the
//! authorize URL ([`AuthorizeRequest`] → [`AuthorizeUrl`]), exchanges the callback's code for a
//! [`ShortLivedToken`], trades it for a [`LongLivedToken`], inspects tokens with `debug_token`
//! ([`TokenInfo`]) and revokes them; Instagram Login also refreshes. [`OAuthStates`] issues and
//! consumes single-use states through any [`crate::store::OAuthStateStore`], and
//! [`CallbackParams`] reads the callback. `begin` and `finish` chain those steps.
//!
//! ```no_run
//! # async fn demo() -> instagraph::Result<()> {
//! use instagraph::auth::{AuthorizeRequest, CallbackParams};
//! use instagraph::store::{SealingKey, Store};
//! use instagraph::{Client, CompanyId};
//!
//! let client = Client::builder()
//!     .app("123", "app-secret")
//!     .redirect_uri("https://app.example/oauth/callback")
//!     .build()?;
//! let store = Store::memory(SealingKey::generate());
//! let company = CompanyId::new("acme");
//!
//! // 1. Send the browser to Meta.
//! let start = client
//!     .facebook_login()
//!     .begin(store.backend().as_ref(), &company, None, AuthorizeRequest::default())
//!     .await?;
//! println!("redirect to {}", start.authorize.url);
//!
//! // 2. On the callback: check the state (single use) and exchange the code.
//! let callback = CallbackParams::from_query("code=AQD...&state=...")?;
//! let done = client
//!     .facebook_login()
//!     .finish(store.backend().as_ref(), &callback, Some(&company))
//!     .await?;
//! let long = client.facebook_login().exchange_long_lived(&done.token.access_token).await?;
//! println!("token {:?} expires at {:?}", long.access_token, long.expires_at);
//! # Ok(()) }
//! ```

mod facebook_login;
pub(crate) mod flow;
mod instagram_login;
pub mod state;
pub mod token;
mod tokens;

pub use facebook_login::FacebookLogin;
pub use flow::{AuthorizeRequest, AuthorizeUrl, LoginFinish, LoginStart};
pub use instagram_login::InstagramLogin;
pub use state::{parse_callback, CallbackParams, OAuthStates, StateCheck, STATE_LEN};
pub use token::AccessToken;
pub use tokens::{GranularScope, LongLivedToken, ShortLivedToken, TokenInfo, TokenInfoError};
