//! Resource handlers and the models they return.
//!
//! Every call starts from a [`Client`] and a token, on the host that token belongs to:
//!
//! - [`Client::facebook`] → [`FacebookGraph`]: graph.facebook.com, for tokens of Facebook Login
//!   (user or Page tokens). Adds the Facebook-only calls: `/me` as a Facebook user, `/me/accounts`,
//!   businesses and [account discovery](accounts::discover_accounts).
//! - [`Client::instagram`] → [`InstagramGraph`]: graph.instagram.com, for tokens of Instagram
//!   Login. Adds `/me` as an Instagram user.
//! - [`Client::graph`] → [`Graph`]: the calls both hosts share, on a [`Host`] chosen at run time.
//!
//! [`FacebookGraph`] and [`InstagramGraph`] dereference to [`Graph`], so the shared handlers
//! ([`Graph::ig_user`], [`Graph::media`], [`Graph::container`]) are reached the same way from
//! either. Handlers are cheap, borrowed views (octocrab style): request builders end in `.send()`,
//! paged edges answer a [`crate::Page`].
//!
//! ```no_run
//! # async fn demo(client: instagraph::Client, token: instagraph::AccessToken) -> instagraph::Result<()> {
//! use instagraph::IgUserId;
//! let fb = client.facebook(&token);
//! let me = fb.me().send().await?;
//! let recent = fb
//!     .ig_user(IgUserId::new("17841400000000001"))
//!     .media()
//!     .list()
//!     .fields(["id", "caption", "permalink"])
//!     .limit(50)
//!     .send()
//!     .await?;
//! # let _ = (me, recent); Ok(()) }
//! ```

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use serde::de::DeserializeOwned;

use crate::api::models::ListResponse;
use crate::client::Client;
use crate::config::Host;
use crate::error::{Error, Result};
use crate::http::GraphRequest;
use crate::ids::{ContainerId, IgUserId, MediaId};
use crate::page::Page;
use crate::AccessToken;

pub mod accounts;
pub mod batch;
pub mod business_discovery;
pub mod collaboration;
pub mod comments;
pub mod hashtag_history;
mod hashtag_shared;
pub mod hashtags;
pub mod ig_user;
pub mod insights;
pub mod media;
pub mod mentions;
pub mod messaging;
pub mod models;
pub mod moderation;
mod node;
pub mod oembed;
pub mod publish;
mod raw;
pub mod shopping;

pub use accounts::{
    discover_accounts, email_or_fallback, fallback_email, BusinessHandler, DiscoveredAccount,
    Discovery, DiscoverySource, GetFacebookUser, SkippedCall,
};
pub use batch::{
    Batch, BatchHeader, BatchMethod, BatchOp, BatchRequest, BatchResponse, BatchResult,
    BatchResults, BatchSlot, DEFAULT_BATCH_CONCURRENCY, MAX_BATCH_CONCURRENCY,
    MAX_BATCH_OPERATIONS,
};
pub use business_discovery::{validate_username, BusinessDiscoveryRequest};
pub use collaboration::{
    CollaborationInvitesHandler, RespondToInvite, DEFAULT_COLLABORATION_INVITE_FIELDS,
};
pub use comments::{
    validate_comment_message, validate_private_reply_text, CommentHandler, CreateComment,
    DeleteComment, GetComment, HideComment,
};
pub use hashtags::{
    validate_hashtag_query, HashtagBudget, HashtagBudgetSnapshot, HashtagHandler,
    IgUserHashtagsHandler,
};
pub use ig_user::{GetIgUser, IgUserHandler};
pub use insights::{
    AccountInsights, AccountInsightsRequest, Granularity, MediaInsightKind, MediaInsights,
    MediaInsightsRequest, Metric,
};
pub use media::{
    DeleteMedia, GetMedia, IgUserMediaHandler, ListMedia, MediaDeleted, MediaHandler,
    SetCommentsEnabled,
};
pub use mentions::{GetMention, MentionsHandler};
pub use messaging::{
    AttachmentKind, ConversationHandler, DeleteMessengerProfile, GetMessengerProfile,
    GetUserProfile, IgUserMessagesHandler, ListConversations, ListMessages, MessageContent,
    MessageHandler, MessagingTag, MessengerProfileHandler, Reaction, Recipient, SendMessage,
    SetMessengerProfile,
};
pub use moderation::{filter_comments, Author, CommentFilter, ReplyTemplate};
pub use node::GetNode;
pub use publish::{
    caption_counts, publish_image, validate_alt_text, validate_caption, validate_collaborators,
    validate_container_request, validate_media_url, validate_product_tags, validate_user_tags,
    CaptionCounts, ContainerHandler, ContainerMediaType, ContainerRequest, GraduationStrategy,
    Published, PublishingHandler, TaggedProduct, TrialParams, UserTag, WaitOptions,
};
pub use raw::RawRequest;
pub use shopping::{
    AppealProduct, MediaProductTagsHandler, ShoppingHandler, UpdateProductTags,
    DEFAULT_CATALOG_FIELDS, DEFAULT_CATALOG_PRODUCT_FIELDS, MAX_FEED_PRODUCT_TAGS,
    MAX_REEL_PRODUCT_TAGS,
};

/// A client, a host and a token: where every handler starts. `Copy`, so handlers carry it by
/// value.
#[derive(Clone, Copy)]
pub struct Graph<'a> {
    pub(crate) client: &'a Client,
    pub(crate) host: Host,
    pub(crate) token: &'a AccessToken,
}

impl fmt::Debug for Graph<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Graph")
            .field("host", &self.host)
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

impl<'a> Graph<'a> {
    /// The client.
    pub fn client(&self) -> &'a Client {
        self.client
    }

    /// The host calls go to.
    pub fn host(&self) -> Host {
        self.host
    }

    /// The token calls carry.
    pub fn token(&self) -> &'a AccessToken {
        self.token
    }

    /// True on graph.instagram.com (Instagram Login), where some field names differ.
    pub fn is_instagram_login(&self) -> bool {
        self.host == Host::GraphInstagram
    }

    /// An Instagram professional account: its profile and its sub-handlers (media, publishing,
    /// mentions, messages, hashtags, insights).
    pub fn ig_user(&self, id: impl Into<IgUserId>) -> IgUserHandler<'a> {
        IgUserHandler::new(*self, id.into())
    }

    /// A media object: its fields and its carousel children.
    pub fn media(&self, id: impl Into<MediaId>) -> MediaHandler<'a> {
        MediaHandler::new(*self, id.into())
    }

    /// A media container (before publishing): its status.
    pub fn container(&self, id: impl Into<ContainerId>) -> ContainerHandler<'a> {
        ContainerHandler::new(*self, id.into())
    }

    /// A GET on this host with the token.
    pub(crate) fn get(&self, path: impl Into<Cow<'static, str>>) -> GraphRequest<'a> {
        self.client.get(self.host, path).token(self.token)
    }

    /// A POST on this host with the token (not retried unless marked safe).
    pub(crate) fn post(&self, path: impl Into<Cow<'static, str>>) -> GraphRequest<'a> {
        self.client.post(self.host, path).token(self.token)
    }

    /// Wraps a decoded list as a [`Page`] that follows `paging.next` on this host with this
    /// token.
    pub(crate) fn page<T>(&self, list: ListResponse<T>) -> Page<T>
    where
        T: DeserializeOwned + Send + Sync + 'static,
    {
        Page::new(list, self.client, self.host, self.token)
    }
}

/// The Graph API on graph.facebook.com (Facebook Login). Dereferences to [`Graph`] for the shared
/// handlers.
#[derive(Debug, Clone, Copy)]
pub struct FacebookGraph<'a>(pub(crate) Graph<'a>);

impl<'a> FacebookGraph<'a> {
    /// The shared handlers, by value.
    pub fn graph(&self) -> Graph<'a> {
        self.0
    }
}

impl<'a> Deref for FacebookGraph<'a> {
    type Target = Graph<'a>;
    fn deref(&self) -> &Graph<'a> {
        &self.0
    }
}

/// The Graph API on graph.instagram.com (Instagram Login). Dereferences to [`Graph`] for the
/// shared handlers.
#[derive(Debug, Clone, Copy)]
pub struct InstagramGraph<'a>(pub(crate) Graph<'a>);

impl<'a> InstagramGraph<'a> {
    /// The shared handlers, by value.
    pub fn graph(&self) -> Graph<'a> {
        self.0
    }
}

impl<'a> Deref for InstagramGraph<'a> {
    type Target = Graph<'a>;
    fn deref(&self) -> &Graph<'a> {
        &self.0
    }
}

/// Joins a field list for the `fields` parameter.
pub(crate) fn join_fields<I, S>(fields: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    // Room for the usual list of a dozen fields, so that joining does not grow the string.
    let mut out = String::with_capacity(192);
    for f in fields {
        let f = f.as_ref().trim();
        if f.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(f);
    }
    out
}

/// The parameters every paged edge takes: `fields`, `limit` and cursors.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListParams {
    pub(crate) fields: Option<String>,
    pub(crate) limit: Option<u32>,
    pub(crate) after: Option<String>,
    pub(crate) before: Option<String>,
}

impl ListParams {
    /// Checks the parameters (no network) and adds them to `req`.
    pub(crate) fn apply<'a>(
        self,
        req: GraphRequest<'a>,
        default_fields: &str,
    ) -> Result<GraphRequest<'a>> {
        let fields = match self.fields {
            Some(f) if f.is_empty() => {
                return Err(Error::invalid("fields", "at least one field is required"))
            }
            Some(f) => f,
            None => default_fields.to_owned(),
        };
        if self.limit == Some(0) {
            return Err(Error::invalid("limit", "must be at least 1"));
        }
        if self.after.is_some() && self.before.is_some() {
            return Err(Error::invalid(
                "after",
                "`after` and `before` cannot be used together",
            ));
        }
        Ok(req
            .query("fields", fields)
            .query_opt("limit", self.limit.map(|l| l.to_string()))
            .query_opt("after", self.after)
            .query_opt("before", self.before))
    }
}

/// A request builder for a paged edge answering items of type `T`; `.send()` returns the first
/// [`Page`].
#[must_use = "a request builder does nothing until `.send()`"]
pub struct ListEdge<'a, T> {
    graph: Graph<'a>,
    path: String,
    default_fields: &'static str,
    params: ListParams,
    max_limit: Option<u32>,
    extra_query: Vec<(&'static str, String)>,
    _item: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for ListEdge<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListEdge")
            .field("path", &self.path)
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl<'a, T> ListEdge<'a, T>
where
    T: DeserializeOwned + Send + Sync + 'static,
{
    pub(crate) fn new(graph: Graph<'a>, path: String, default_fields: &'static str) -> Self {
        Self {
            graph,
            path,
            default_fields,
            params: ListParams::default(),
            max_limit: None,
            extra_query: Vec::new(),
            _item: PhantomData,
        }
    }

    /// Refuses a `limit` above `max` before any call, for edges Meta caps (comments: 50).
    pub(crate) fn max_limit(mut self, max: u32) -> Self {
        self.max_limit = Some(max);
        self
    }

    /// A parameter the edge always needs (e.g. `user_id` on hashtag media).
    pub(crate) fn with_query(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.extra_query.push((key, value.into()));
        self
    }

    /// The fields to read (replaces the default list).
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.params.fields = Some(join_fields(fields));
        self
    }

    /// Items per page.
    pub fn limit(mut self, limit: u32) -> Self {
        self.params.limit = Some(limit);
        self
    }

    /// Starts after this cursor (a page's `paging.cursors.after`).
    pub fn after(mut self, cursor: impl Into<String>) -> Self {
        self.params.after = Some(cursor.into());
        self
    }

    /// Starts before this cursor (a page's `paging.cursors.before`).
    pub fn before(mut self, cursor: impl Into<String>) -> Self {
        self.params.before = Some(cursor.into());
        self
    }

    /// Checks the request (no network), then fetches the first page.
    pub async fn send(self) -> Result<Page<T>> {
        let graph = self.graph;
        let list: ListResponse<T> = self.into_request()?.send().await?;
        Ok(graph.page(list))
    }

    /// The call, checked: what `send` sends and a batch carries.
    fn into_request(self) -> Result<GraphRequest<'a>> {
        if let (Some(max), Some(limit)) = (self.max_limit, self.params.limit) {
            if limit > max {
                return Err(Error::invalid(
                    "limit",
                    format!("{limit} is above this edge's maximum of {max} items per page"),
                ));
            }
        }
        let mut req = self
            .params
            .apply(self.graph.get(self.path), self.default_fields)?;
        for (key, value) in self.extra_query {
            req = req.query(key, value);
        }
        Ok(req)
    }
}

impl<T> BatchRequest for ListEdge<'_, T>
where
    T: DeserializeOwned + Send + Sync + 'static,
{
    /// The first page (a batch does not follow `paging.next`; a [`Page`] from
    /// [`ListResponse`]'s cursors is up to the caller).
    type Output = ListResponse<T>;

    fn into_batch_op(self) -> Result<BatchOp> {
        self.into_request()?.into_batch_op()
    }

    fn read_answer(answer: &BatchResponse) -> Result<ListResponse<T>> {
        answer.json()
    }
}
