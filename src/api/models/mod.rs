//! Typed models of Graph API responses.
//!
//! Every model decodes the shapes recorded from the real API (`tests/fixtures/graph/`, checked by
//! `tests/conformance_walk.rs`) as well as the current documented ones:
//!
//! - only `id` is required; every other field is an `Option` (or an empty `Vec`), because the API
//!   returns only the fields a request asks for and older versions omitted some;
//! - numbers that older versions sent as strings (and ids sent as numbers) decode both ways;
//! - enums ([`MediaType`], [`MediaProductType`], [`ContainerStatus`], …) keep values they do not
//!   know as `Other(String)`;
//! - fields a model does not know are kept in its `extra` map, so nothing the API sends is lost,
//!   and serialising a model gives back what was received (absent fields stay absent; tokens are
//!   never serialised).
//!
//! | resource | models |
//! |---|---|
//! | lists, ids, success | [`ListResponse`], [`ListWithSummary`], [`ByIds`], [`IdResponse`], [`SuccessResponse`] |
//! | Facebook user, Pages, businesses, tokens, apps | [`FacebookUser`], [`Page`], [`Business`], [`DebugTokenResponse`], [`Application`], [`AppTestUser`] |
//! | Instagram accounts | [`IgUser`], [`IgUserRef`], [`BusinessDiscovery`] |
//! | media, stories | [`Media`], [`MediaRef`], [`MediaDeleted`], [`Story`] |
//! | comments, mentions | [`Comment`], [`MentionedComment`], [`MentionedMedia`] |
//! | hashtags | [`Hashtag`] |
//! | insights | [`Insight`], [`InsightValue`], [`TotalValue`], [`Breakdown`] |
//! | collaboration | [`CollaborationInvite`] |
//! | publishing | [`Container`], [`ContainerCreated`], [`MediaPublished`], [`PublishingLimit`], [`UploadResponse`], [`ProductTag`] |
//! | shopping | [`Catalog`], [`CatalogProduct`], [`ProductAppeal`] |
//! | messaging | [`Conversation`], [`Message`], [`Participant`], [`Attachment`], [`SendMessageResponse`] |

#[macro_use]
mod macros;
pub(crate) mod de;

pub mod automation;
pub mod collaboration;
pub mod comments;
pub mod common;
pub mod facebook;
pub mod hashtags;
pub mod ig_user;
pub mod insights;
pub mod media;
pub mod mentions;
pub mod messaging;
pub mod publish;
pub mod shopping;
pub mod stories;

pub use automation::*;
pub use collaboration::*;
pub use comments::*;
pub use common::*;
pub use facebook::*;
pub use hashtags::*;
pub use ig_user::*;
pub use insights::*;
pub use media::*;
pub use mentions::*;
pub use messaging::*;
pub use publish::*;
pub use shopping::*;
pub use stories::*;
