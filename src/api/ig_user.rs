//! The Instagram professional account (IG user node): `GET /{ig-user-id}` on either host, and
//! `GET /me` with Instagram Login.

use super::models::IgUser;
use super::{Graph, InstagramGraph};
use crate::ids::IgUserId;

/// Default fields of an IG user on graph.facebook.com (Facebook Login).
pub const DEFAULT_IG_USER_FIELDS: &str =
    "id,ig_id,username,name,biography,website,profile_picture_url,followers_count,follows_count,media_count";

/// Default fields of an IG user on graph.instagram.com (Instagram Login), where `ig_id`,
/// `biography` and `website` are not readable and `user_id`/`account_type` are.
pub const DEFAULT_IG_LOGIN_USER_FIELDS: &str =
    "user_id,username,name,account_type,profile_picture_url,followers_count,follows_count,media_count";

/// The default IG user fields for the host of `graph`.
pub(crate) fn default_ig_user_fields(graph: &Graph<'_>) -> &'static str {
    if graph.is_instagram_login() {
        DEFAULT_IG_LOGIN_USER_FIELDS
    } else {
        DEFAULT_IG_USER_FIELDS
    }
}

/// An Instagram professional account: `client.facebook(&token).ig_user(id)` or
/// `client.instagram(&token).ig_user(id)`.
///
/// [`IgUserHandler::get`] reads the profile; everything else is grouped by concern:
///
/// | sub-handler | what it reaches |
/// |---|---|
/// | [`media()`](IgUserHandler::media) | the account's media and stories, media it is tagged in |
/// | [`publishing()`](IgUserHandler::publishing) | containers, publishing them, the quota, [`publish_image`](super::publish_image) |
/// | [`mentions()`](IgUserHandler::mentions) | comments and captions that @-mention the account, replying to them |
/// | [`messages()`](IgUserHandler::messages) | conversations, sending, reactions, private replies to comments |
/// | [`hashtags()`](IgUserHandler::hashtags) | hashtag search within the 30-per-week budget |
/// | [`insights()`](IgUserHandler::insights) | account insights (a request builder) |
/// | [`webhooks()`](IgUserHandler::webhooks) | the app's webhook subscription for the account |
///
/// Comments hang off a media (`graph.media(id).comments()`) and a comment
/// (`graph.comment(id)`), not off the account.
#[derive(Debug, Clone)]
pub struct IgUserHandler<'a> {
    pub(crate) graph: Graph<'a>,
    pub(crate) id: IgUserId,
}

impl<'a> IgUserHandler<'a> {
    pub(crate) fn new(graph: Graph<'a>, id: IgUserId) -> Self {
        Self { graph, id }
    }

    /// The account's id.
    pub fn id(&self) -> &IgUserId {
        &self.id
    }

    /// The client, host and token this handler uses.
    pub fn graph(&self) -> Graph<'a> {
        self.graph
    }

    /// `GET /{ig-user-id}`: the profile, with the host's default fields
    /// ([`DEFAULT_IG_USER_FIELDS`] or [`DEFAULT_IG_LOGIN_USER_FIELDS`]).
    pub fn get(&self) -> GetIgUser<'a> {
        GetIgUser::new(
            self.graph,
            self.id.to_string(),
            default_ig_user_fields(&self.graph),
        )
    }
}

impl<'a> InstagramGraph<'a> {
    /// `GET /me` on graph.instagram.com: the Instagram account the token belongs to
    /// ([`DEFAULT_IG_LOGIN_USER_FIELDS`] by default).
    pub fn me(&self) -> GetIgUser<'a> {
        let graph = self.graph();
        GetIgUser::new(graph, "me", default_ig_user_fields(&graph))
    }
}

/// Request builder of `GET /{ig-user-id}` (or `/me` with Instagram Login).
pub type GetIgUser<'a> = super::GetNode<'a, IgUser>;
