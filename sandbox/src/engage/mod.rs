//! The "read and engage" half of the world: comments, tagged and mentioned media, hashtags,
//! story viewers, conversations and messages, app subscriptions and the webhook callback.
//! Handlers live beside it (comments, mentions, hashtags, insights, messaging, batch,
//! webhooks); the seeded data is built by [`seed`].

pub(crate) mod seed;

use std::collections::{BTreeMap, HashMap, HashSet};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};

use super::access::Caller;
use super::world::{Login, World};

/// A comment or a reply (a reply has a `parent`, always a top-level comment).
#[derive(Debug, Clone)]
pub(crate) struct Comment {
    pub id: String,
    pub media: String,
    pub parent: Option<String>,
    pub text: String,
    /// The author's Instagram-scoped id and username.
    pub from_id: String,
    pub username: String,
    pub timestamp: DateTime<Utc>,
    pub like_count: u64,
    pub hidden: bool,
    /// Reply ids, oldest first.
    pub replies: Vec<String>,
    /// Whether the account already sent its one private reply to this comment.
    pub private_replied: bool,
}

/// A hashtag of the search index.
#[derive(Debug, Clone)]
pub(crate) struct Hashtag {
    pub id: String,
    pub name: String,
    /// Public media carrying the tag, newest first.
    pub media: Vec<String>,
}

/// An Instagram conversation between a professional account and one person.
#[derive(Debug, Clone)]
pub(crate) struct Conversation {
    pub id: String,
    pub ig: String,
    /// The person's Instagram-scoped id (IGSID) and username.
    pub user_id: String,
    pub username: String,
    /// Message ids, oldest first.
    pub messages: Vec<String>,
    pub updated: DateTime<Utc>,
    /// The person's last message (or postback): the 24 h / 7 day window starts there.
    pub last_user_message: Option<DateTime<Utc>>,
}

/// One message of a conversation.
#[derive(Debug, Clone)]
pub(crate) struct Message {
    pub id: String,
    pub conversation: String,
    /// Sent by the person (true) or by the professional account (false).
    pub from_user: bool,
    pub text: Option<String>,
    /// `(type, url)`: image, audio, video or file.
    pub attachment: Option<(String, String)>,
    pub created: DateTime<Utc>,
    /// Reactions by who reacted (IGSID or IG id) → reaction name.
    pub reactions: BTreeMap<String, String>,
}

/// The webhook callback registered through `POST /__sandbox/webhooks`.
#[derive(Debug, Clone)]
pub(crate) struct Webhook {
    pub callback_url: String,
}

/// Everything engagement adds to the world.
#[derive(Debug, Default)]
pub(crate) struct Engage {
    pub comments: HashMap<String, Comment>,
    /// Top-level comment ids per media, oldest first.
    pub media_comments: HashMap<String, Vec<String>>,
    /// Media each IG account is tagged in, newest first.
    pub tags: HashMap<String, Vec<String>>,
    /// Usernames of accounts outside the seeded ones (authors of public media).
    pub external_users: HashMap<String, String>,
    pub hashtags: BTreeMap<String, Hashtag>,
    /// Each account's hashtag queries: hashtag id → when it was first queried in the window.
    pub hashtag_queries: HashMap<String, Vec<(DateTime<Utc>, String)>>,
    /// Live broadcasts in progress per IG account, oldest first (`live_media`).
    pub live: HashMap<String, Vec<String>>,
    /// Viewers per story (stories absent here derive a count from their id).
    pub story_viewers: HashMap<String, u64>,
    /// Stories that expired (24 h): their insights answer code 10 instead of "not found".
    pub expired_stories: HashSet<String>,
    pub conversations: BTreeMap<String, Conversation>,
    pub messages: HashMap<String, Message>,
    /// Subscribed webhook fields per IG account or Page.
    pub subscriptions: HashMap<String, Vec<String>>,
    pub webhook: Option<Webhook>,
    /// Messenger Profile properties (ice breakers, persistent menu) per `"{ig}:{platform}"`.
    pub messenger_profiles: HashMap<String, serde_json::Map<String, serde_json::Value>>,
    /// Collaboration invites, newest first (see the collab module).
    pub collaboration_invites: Vec<super::collab::Invite>,
    /// Shops, catalogs, appeals and media product tags (see the shopping module).
    pub shopping: super::shopping::Shopping,
    pub next_id: u64,
    /// The seeded engagement as `GET /__sandbox/config` shows it.
    pub seed_summary: serde_json::Value,
}

/// Where comment, reply and mention ids start.
pub(crate) const COMMENT_BASE: u64 = 17_860_000_000_000_000;

impl Engage {
    /// A fresh numeric id (comments, external media use the world's media counter).
    pub fn new_id(&mut self) -> String {
        self.next_id += 1;
        (COMMENT_BASE + self.next_id).to_string()
    }

    /// Comments and replies of a media (what `comments_count` reports).
    pub fn comment_total(&self, media: &str) -> u64 {
        self.media_comments.get(media).map_or(0, |top| {
            top.iter()
                .map(|c| 1 + self.comments.get(c).map_or(0, |c| c.replies.len() as u64))
                .sum()
        })
    }

    /// The conversation of an account with a person, if any.
    pub fn conversation_with(&self, ig: &str, user_id: &str) -> Option<&Conversation> {
        self.conversations
            .values()
            .find(|c| c.ig == ig && c.user_id == user_id)
    }
}

/// A conversation id shaped like Meta's (URL-safe base64 of a thread key).
pub(crate) fn conversation_id(ig: &str, user_id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("ig_thread:{ig}:{user_id}"))
}

/// A message id shaped like Meta's (`aWdf…`, URL-safe base64 of an item key).
pub(crate) fn message_id(ig: &str, n: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("ig_message_item:1:IGMessageThread:{ig}:{n}"))
}

/// The scope comment moderation needs on the caller's host.
pub(crate) fn comments_scope(caller: &Caller) -> &'static str {
    match caller.login() {
        Login::Facebook => "instagram_manage_comments",
        Login::Instagram => "instagram_business_manage_comments",
    }
}

/// The scope insights need on the caller's host.
pub(crate) fn insights_scope(caller: &Caller) -> &'static str {
    match caller.login() {
        Login::Facebook => "instagram_manage_insights",
        Login::Instagram => "instagram_business_manage_insights",
    }
}

/// The scope messaging needs on the caller's host.
pub(crate) fn messages_scope(caller: &Caller) -> &'static str {
    match caller.login() {
        Login::Facebook => "instagram_manage_messages",
        Login::Instagram => "instagram_business_manage_messages",
    }
}

/// A username for any author: seeded accounts, external authors, or a placeholder.
pub(crate) fn username_of(w: &World, id: &str) -> Option<String> {
    w.ig_accounts
        .get(id)
        .map(|a| a.username.clone())
        .or_else(|| w.engage.external_users.get(id).cloned())
}

/// Renders one window of `ids` like `graph::list`, with `limit` capped at `cap` (Meta caps
/// comments and hashtag media at 50 a page whatever the sandbox's `max_page_size`).
pub(crate) fn list_capped(
    w: &mut World,
    req: &super::graph::GraphReq<'_>,
    ids: Vec<String>,
    default_fields: &str,
    cap: usize,
    mut render: impl FnMut(
        &mut World,
        &str,
        &[super::fields::Field],
    ) -> super::error::GraphResult<serde_json::Value>,
) -> super::error::GraphResult<serde_json::Value> {
    let fields = req.fields(default_fields)?;
    let default = w.config.default_page_size.min(cap);
    let max = w.config.max_page_size.min(cap);
    let win = super::paging::window(&ids, &req.inc.params, default, max)?;
    let mut data = Vec::with_capacity(win.end - win.start);
    for id in ids.get(win.start..win.end).unwrap_or_default() {
        data.push(render(w, id, &fields)?);
    }
    Ok(super::paging::list(data, &ids, &win, &req.links()))
}
