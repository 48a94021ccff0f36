//! Messaging (Instagram Messaging / Conversations API): conversations, messages, the Send API,
//! reactions, the 24-hour window and the `HUMAN_AGENT` tag.
//!
//! - `ig_user(id).messages().conversations()` (`/{ig-id}/conversations?platform=instagram`;
//!   with Instagram Login `ig_user("me")` works too) or, with Facebook Login and a Page token,
//!   `facebook(&page_token).page_conversations(page_id)` (`/{page-id}/conversations`), filtered
//!   by `user_id` → [`Page`] of [`Conversation`].
//! - `graph.conversation(id).messages()`: reads the conversation's message ids, then each
//!   message concurrently (bounded). Meta lets only the **20 newest** messages of a
//!   conversation be read, so that is the most this returns.
//! - `graph.message(id).get()`: one message.
//! - `ig_user(id).messages().send(recipient, content)`: text (≤ 1000 bytes of UTF-8, checked
//!   before the call) or an attachment by URL, optionally tagged `HUMAN_AGENT`; `react` and
//!   `unreact`. Outside the messaging window Meta answers code 10 / subcode 2534022, returned as
//!   [`Error::OutsideMessagingWindow`] (class `PolicyBlocked`).
//! - `ig_user(id).messages().private_reply(comment, text)`: a private reply (a direct message)
//!   to the author of a comment on the account's media; `private_reply_in_window(comment,
//!   text)` reads the comment's time first and refuses one older than 7 days before the send.
//! - Automation: quick replies (`send(..).quick_replies(..)`), generic templates
//!   ([`MessageContent::Template`]), `sender_action` (typing, seen), the Messenger Profile
//!   (`ig_user(id).messages().profile()`: ice breakers, persistent menu) and the User Profile
//!   API (`graph.user_profile(igsid)`). Their limits are checked in [`validate`].
//!
//! Meta allows the Conversations API 2 calls per second per account and the Send API 100 per
//! second; throttled calls are retried by the pipeline per the usage headers.

mod private_reply;
mod profile;
mod send;
pub mod validate;

pub use profile::{
    DeleteMessengerProfile, GetMessengerProfile, GetUserProfile, MessengerProfileHandler,
    SetMessengerProfile, DEFAULT_USER_PROFILE_FIELDS,
};
pub use send::{AttachmentKind, MessageContent, MessagingTag, Reaction, Recipient, SendMessage};

use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Value};

use super::ig_user::IgUserHandler;
use super::models::{Conversation, ListResponse, Message, SendMessageResponse, SenderAction};
use super::{join_fields, FacebookGraph, Graph, ListParams};
use crate::error::{Error, Result};
use crate::ids::{ConversationId, IgUserId, MessageId, PageId};
use crate::page::Page;
use send::outside_window;

/// Default fields of a conversation.
pub const DEFAULT_CONVERSATION_FIELDS: &str = "id,updated_time";

/// Default fields of a message.
pub const DEFAULT_MESSAGE_FIELDS: &str = "id,created_time,from,to,message,attachments";

/// Meta lets only the 20 newest messages of a conversation be read.
pub const MAX_READABLE_MESSAGES: usize = 20;

/// The longest text a message may carry, in bytes of UTF-8.
pub const MAX_TEXT_BYTES: usize = 1000;

/// Message reads in flight at once by default (Meta allows 2 Conversations API calls per
/// second per account; the pipeline waits out throttling).
pub const DEFAULT_MESSAGE_CONCURRENCY: usize = 4;

impl<'a> IgUserHandler<'a> {
    /// The account's direct messages: conversations, sending, reactions, private replies to
    /// comments.
    pub fn messages(&self) -> IgUserMessagesHandler<'a> {
        IgUserMessagesHandler {
            graph: self.graph,
            id: self.id.clone(),
        }
    }
}

/// The direct messages of an IG user: `ig_user(id).messages()`.
#[derive(Debug, Clone)]
pub struct IgUserMessagesHandler<'a> {
    graph: Graph<'a>,
    id: IgUserId,
}

impl<'a> IgUserMessagesHandler<'a> {
    /// `GET /{ig-id}/conversations?platform=instagram`: the account's conversations, newest
    /// first.
    pub fn conversations(&self) -> ListConversations<'a> {
        ListConversations::new(self.graph, format!("{}/conversations", self.id))
    }

    /// `POST /{ig-id}/messages`: sends `content` to `recipient` (a user's scoped id, or a
    /// [`CommentId`](crate::ids::CommentId) for a private reply). Never retried: a repeat
    /// would send twice.
    pub fn send(
        &self,
        recipient: impl Into<Recipient>,
        content: MessageContent,
    ) -> SendMessage<'a> {
        SendMessage {
            graph: self.graph,
            id: self.id.clone(),
            recipient: recipient.into(),
            content,
            tag: None,
            quick_replies: Vec::new(),
        }
    }

    /// Reacts to a message (`sender_action: react`). Safe to retry (it sets a state).
    pub async fn react(
        &self,
        recipient: impl Into<Recipient>,
        message: &MessageId,
        reaction: Reaction,
    ) -> Result<SendMessageResponse> {
        let payload = json!({"message_id": message.as_str(), "reaction": reaction.as_str()});
        self.post_sender_action(recipient.into(), "react", Some(payload))
            .await
    }

    /// Removes this account's reaction from a message (`sender_action: unreact`). Safe to
    /// retry.
    pub async fn unreact(
        &self,
        recipient: impl Into<Recipient>,
        message: &MessageId,
    ) -> Result<SendMessageResponse> {
        let payload = json!({"message_id": message.as_str()});
        self.post_sender_action(recipient.into(), "unreact", Some(payload))
            .await
    }

    /// Shows the typing bubble, hides it, or marks the person's messages as seen
    /// (`sender_action: typing_on | typing_off | mark_seen`). Safe to retry (it sets a state).
    pub async fn sender_action(
        &self,
        recipient: impl Into<Recipient>,
        action: SenderAction,
    ) -> Result<SendMessageResponse> {
        self.post_sender_action(recipient.into(), action.as_str(), None)
            .await
    }

    async fn post_sender_action(
        &self,
        recipient: Recipient,
        action: &'static str,
        payload: Option<Value>,
    ) -> Result<SendMessageResponse> {
        recipient.check()?;
        let mut body = json!({
            "recipient": recipient.to_json(),
            "sender_action": action,
        });
        if let Some(payload) = payload {
            if payload["message_id"].as_str().is_some_and(str::is_empty) {
                return Err(Error::invalid("message_id", "a message id is required"));
            }
            body["payload"] = payload;
        }
        self.graph
            .post(format!("{}/messages", self.id))
            .json_body(body)
            .retry_safe(true)
            .send()
            .await
            .map_err(|e| outside_window(e, &recipient, false))
    }
}

impl<'a> FacebookGraph<'a> {
    /// `GET /{page-id}/conversations?platform=instagram` with a Page token (Facebook Login):
    /// the Instagram conversations of the account linked to the Page.
    pub fn page_conversations(&self, page: impl Into<PageId>) -> ListConversations<'a> {
        ListConversations::new(self.graph(), format!("{}/conversations", page.into()))
    }
}

impl<'a> Graph<'a> {
    /// A conversation: its messages.
    pub fn conversation(&self, id: impl Into<ConversationId>) -> ConversationHandler<'a> {
        ConversationHandler {
            graph: *self,
            id: id.into(),
        }
    }

    /// A message: `GET /{message-id}`.
    pub fn message(&self, id: impl Into<MessageId>) -> MessageHandler<'a> {
        MessageHandler {
            graph: *self,
            id: id.into(),
        }
    }
}

/// Request builder of `GET /{ig-id|page-id}/conversations?platform=instagram`.
#[derive(Debug)]
#[must_use = "a request builder does nothing until `.send()`"]
pub struct ListConversations<'a> {
    graph: Graph<'a>,
    path: String,
    params: ListParams,
    user_id: Option<String>,
}

impl<'a> ListConversations<'a> {
    fn new(graph: Graph<'a>, path: String) -> Self {
        Self {
            graph,
            path,
            params: ListParams::default(),
            user_id: None,
        }
    }

    /// Only the conversation with this user (their Instagram-scoped id).
    pub fn user_id(mut self, user: impl Into<String>) -> Self {
        self.user_id = Some(user.into());
        self
    }

    /// The fields to read (replaces [`DEFAULT_CONVERSATION_FIELDS`]).
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.params.fields = Some(join_fields(fields));
        self
    }

    /// Conversations per page.
    pub fn limit(mut self, limit: u32) -> Self {
        self.params.limit = Some(limit);
        self
    }

    /// Starts after this cursor.
    pub fn after(mut self, cursor: impl Into<String>) -> Self {
        self.params.after = Some(cursor.into());
        self
    }

    /// Fetches the first page.
    pub async fn send(self) -> Result<Page<Conversation>> {
        if self.user_id.as_deref().is_some_and(|u| u.trim().is_empty()) {
            return Err(Error::invalid("user_id", "cannot be empty"));
        }
        let req = self
            .graph
            .get(self.path)
            .query("platform", "instagram")
            .query_opt("user_id", self.user_id);
        let list: ListResponse<Conversation> = self
            .params
            .apply(req, DEFAULT_CONVERSATION_FIELDS)?
            .send()
            .await?;
        Ok(self.graph.page(list))
    }
}

/// A conversation: `graph.conversation(id)`.
#[derive(Debug, Clone)]
pub struct ConversationHandler<'a> {
    graph: Graph<'a>,
    id: ConversationId,
}

impl<'a> ConversationHandler<'a> {
    /// The conversation id.
    pub fn id(&self) -> &ConversationId {
        &self.id
    }

    /// The conversation's messages, newest first: at most the 20 newest (all Meta lets be
    /// read).
    pub fn messages(&self) -> ListMessages<'a> {
        ListMessages {
            graph: self.graph,
            id: self.id.clone(),
            fields: None,
            limit: MAX_READABLE_MESSAGES,
            concurrency: DEFAULT_MESSAGE_CONCURRENCY,
        }
    }
}

/// Request builder of a conversation's messages: `GET /{conversation-id}?fields=messages`, then
/// `GET /{message-id}?fields=…` for each (concurrently, bounded).
#[derive(Debug)]
#[must_use = "a request builder does nothing until `.send()`"]
pub struct ListMessages<'a> {
    graph: Graph<'a>,
    id: ConversationId,
    fields: Option<String>,
    limit: usize,
    concurrency: usize,
}

impl ListMessages<'_> {
    /// The fields of each message (replaces [`DEFAULT_MESSAGE_FIELDS`]).
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.fields = Some(join_fields(fields));
        self
    }

    /// Reads only the `n` newest messages (1 to 20).
    pub fn limit(mut self, n: usize) -> Self {
        self.limit = n;
        self
    }

    /// How many message reads may be in flight at once (at least 1).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n;
        self
    }

    /// Reads the message ids, then the messages, in the conversation's order (newest first).
    pub async fn send(self) -> Result<Vec<Message>> {
        if self.limit == 0 || self.limit > MAX_READABLE_MESSAGES {
            return Err(Error::invalid(
                "limit",
                format!("must be 1 to {MAX_READABLE_MESSAGES}: Meta lets only the {MAX_READABLE_MESSAGES} newest messages be read"),
            ));
        }
        if self.concurrency == 0 {
            return Err(Error::invalid("concurrency", "must be at least 1"));
        }
        let fields = message_fields(self.fields)?;
        let conversation: Conversation = self
            .graph
            .get(self.id.to_string())
            .query("fields", "messages")
            .send()
            .await?;
        let ids: Vec<MessageId> = conversation
            .messages
            .map(|m| m.data)
            .unwrap_or_default()
            .into_iter()
            .take(self.limit)
            .map(|m| m.id)
            .collect();
        let graph = self.graph;
        let fields = &fields;
        futures::stream::iter(ids)
            .map(|id| async move {
                graph
                    .get(id.to_string())
                    .query("fields", fields.clone())
                    .send::<Message>()
                    .await
            })
            .buffered(self.concurrency)
            .try_collect()
            .await
    }
}

fn message_fields(fields: Option<String>) -> Result<String> {
    match fields {
        Some(f) if f.is_empty() => Err(Error::invalid("fields", "at least one field is required")),
        Some(f) => Ok(f),
        None => Ok(DEFAULT_MESSAGE_FIELDS.to_owned()),
    }
}

/// A message: `graph.message(id)`.
#[derive(Debug, Clone)]
pub struct MessageHandler<'a> {
    graph: Graph<'a>,
    id: MessageId,
}

impl MessageHandler<'_> {
    /// `GET /{message-id}` with [`DEFAULT_MESSAGE_FIELDS`] (only the 20 newest messages of a
    /// conversation are readable; older ones answer an error).
    pub async fn get(&self) -> Result<Message> {
        self.get_fields(DEFAULT_MESSAGE_FIELDS).await
    }

    /// `GET /{message-id}?fields=…` with the given comma-separated fields.
    pub async fn get_fields(&self, fields: &str) -> Result<Message> {
        let fields = message_fields(Some(join_fields(fields.split(','))))?;
        self.graph
            .get(self.id.to_string())
            .query("fields", fields)
            .send()
            .await
    }
}
