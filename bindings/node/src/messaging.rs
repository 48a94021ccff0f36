//! `Messaging`: conversations, their newest messages, sending (text, attachment or generic
//! template, quick replies, the HUMAN_AGENT tag) and reactions. A send outside the 24-hour window rejects with
//! `MessagingWindowError`.

use std::sync::Arc;

use instagraph::api::{AttachmentKind, MessageContent, MessagingTag, Reaction, Recipient};
use instagraph::{CommentId, ConversationId, MessageId, PageId};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::account_graph::{self, fields, limit, open, to_js, Json};
use crate::accounts::AccountManager;
use crate::automation::{self, JsGenericElement, JsQuickReply};
use crate::convert::required;
use crate::error::{guard, sdk_error, type_error};
use crate::store::Lazy;

/// Options of `Messaging.conversations`.
#[napi(object)]
pub struct ConversationListOptions {
    /// Items per page.
    pub limit: Option<u32>,
    /// The cursor of the previous page's `paging.after`.
    pub after: Option<String>,
    /// Only the conversation with this person (their IGSID).
    pub user_id: Option<String>,
    /// The fields to read (default: id, updated_time).
    pub fields: Option<Vec<String>>,
    /// A Page-linked account (Facebook Login): read through its Page
    /// (`/{page-id}/conversations`) with the account's Page token.
    pub page_id: Option<String>,
}

/// Options of `Messaging.message`.
#[napi(object)]
pub struct MessageGetOptions {
    /// The fields to read.
    pub fields: Option<Vec<String>>,
}

/// Options of `Messaging.messages`.
#[napi(object)]
pub struct MessageListOptions {
    /// How many of the newest messages (1 to 20: Meta lets only the 20 newest be read).
    pub limit: Option<u32>,
    /// The fields to read of each message.
    pub fields: Option<Vec<String>>,
}

/// Who a message goes to: a person (`id`, their IGSID) or a comment's author (`commentId`,
/// a private reply).
#[napi(object)]
pub struct MessageRecipient {
    /// The person's IGSID.
    pub id: Option<String>,
    /// A comment whose author gets the message.
    pub comment_id: Option<String>,
}

/// An attachment sent by URL.
#[napi(object)]
pub struct MessageAttachment {
    /// `image`, `audio`, `video` or `file`.
    #[napi(js_name = "type")]
    pub kind: String,
    /// An http(s) URL Meta fetches.
    pub url: String,
}

/// A message to send: `text` or `attachment`.
#[napi(object)]
pub struct OutgoingMessage {
    /// The recipient.
    pub recipient: MessageRecipient,
    /// The text (at most 1,000 bytes of UTF-8).
    pub text: Option<String>,
    /// An attachment instead of text.
    pub attachment: Option<MessageAttachment>,
    /// A generic template (1 to 10 cards) instead of text.
    pub template: Option<Vec<JsGenericElement>>,
    /// Quick replies under the text (1 to 13).
    pub quick_replies: Option<Vec<JsQuickReply>>,
    /// `HUMAN_AGENT`: answer within 7 days of the person's last message.
    pub tag: Option<String>,
}

/// Direct messages of an account. Constructed from an `AccountManager`.
#[napi]
pub struct Messaging {
    lazy: Arc<Lazy>,
}

fn recipient(r: MessageRecipient) -> napi::Result<Recipient> {
    match (r.id, r.comment_id) {
        (Some(id), None) => {
            required("message.recipient.id", &id)?;
            Ok(Recipient::User(id))
        }
        (None, Some(c)) => {
            required("message.recipient.commentId", &c)?;
            Ok(Recipient::Comment(CommentId::new(c)))
        }
        _ => Err(type_error(
            "message.recipient",
            "give exactly one of `id` and `commentId`",
        )),
    }
}

fn content(
    text: Option<String>,
    attachment: Option<MessageAttachment>,
    template: Option<Vec<JsGenericElement>>,
) -> napi::Result<MessageContent> {
    match (text, attachment, template) {
        (Some(t), None, None) => Ok(MessageContent::text(t)),
        (None, None, Some(cards)) => Ok(MessageContent::Template(automation::template(cards)?)),
        (None, Some(a), None) => {
            let kind = match a.kind.as_str() {
                "image" => AttachmentKind::Image,
                "audio" => AttachmentKind::Audio,
                "video" => AttachmentKind::Video,
                "file" => AttachmentKind::File,
                other => {
                    return Err(type_error(
                        "message.attachment.type",
                        format!("{other:?} is not one of image, audio, video, file"),
                    ))
                }
            };
            required("message.attachment.url", &a.url)?;
            Ok(MessageContent::attachment(kind, a.url))
        }
        _ => Err(type_error(
            "message.text",
            "give exactly one of `text`, `attachment` and `template`",
        )),
    }
}

#[napi]
impl Messaging {
    /// Messaging of the accounts of `accounts`.
    #[napi(constructor)]
    pub fn new(accounts: &AccountManager) -> Self {
        Self {
            lazy: accounts.lazy.clone(),
        }
    }

    /// One page of the account's conversations, newest first: `{ data, paging }`.
    ///
    /// Core: IgUserMessagesHandler::conversations, FacebookGraph::page_conversations
    #[napi(ts_return_type = "Promise<ConversationPage>")]
    pub async fn conversations(
        &self,
        company_id: String,
        ig_user_id: String,
        options: Option<ConversationListOptions>,
    ) -> Result<Json> {
        const WHAT: &str = "Messaging.conversations";
        guard(WHAT, async {
            let o = options.unwrap_or(ConversationListOptions {
                limit: None,
                after: None,
                user_id: None,
                fields: None,
                page_id: None,
            });
            let per_page = limit("options.limit", o.limit)?;
            if let Some(f) = &o.fields {
                fields("options.fields", f)?;
            }
            if let Some(u) = &o.user_id {
                required("options.userId", u)?;
            }
            if let Some(p) = &o.page_id {
                required("options.pageId", p)?;
            }
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let mut req = match o.page_id {
                Some(page) => account
                    .client
                    .facebook(&account.access.token)
                    .page_conversations(PageId::new(page)),
                None => account
                    .graph()
                    .ig_user(account.ig().clone())
                    .messages()
                    .conversations(),
            };
            if let Some(f) = o.fields {
                req = req.fields(f);
            }
            if let Some(l) = per_page {
                req = req.limit(l);
            }
            if let Some(a) = o.after {
                req = req.after(a);
            }
            if let Some(u) = o.user_id {
                req = req.user_id(u);
            }
            let page = req.send().await.map_err(|e| sdk_error(WHAT, e))?;
            Ok(account_graph::page(&page))
        })
        .await
        .map(Json::from)
    }

    /// The newest messages of a conversation (at most 20), newest first, each read in full.
    ///
    /// Core: ConversationHandler::messages
    #[napi(ts_return_type = "Promise<IgMessage[]>")]
    pub async fn messages(
        &self,
        company_id: String,
        ig_user_id: String,
        conversation_id: String,
        options: Option<MessageListOptions>,
    ) -> Result<Json> {
        const WHAT: &str = "Messaging.messages";
        guard(WHAT, async {
            required("conversationId", &conversation_id)?;
            let (n, field_list) = options.map_or((None, None), |o| (o.limit, o.fields));
            if let Some(n) = n {
                if n == 0 || n > 20 {
                    return Err(type_error(
                        "options.limit",
                        "must be 1 to 20: Meta lets only the 20 newest messages be read",
                    ));
                }
            }
            if let Some(f) = &field_list {
                fields("options.fields", f)?;
            }
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let mut req = account
                .graph()
                .conversation(ConversationId::new(conversation_id))
                .messages();
            if let Some(n) = n {
                req = req.limit(n as usize);
            }
            if let Some(f) = field_list {
                req = req.fields(f);
            }
            let messages = req.send().await.map_err(|e| sdk_error(WHAT, e))?;
            Ok(Value::Array(messages.iter().map(to_js).collect()))
        })
        .await
        .map(Json::from)
    }

    /// One message read in full (`options.fields`: other fields).
    ///
    /// Core: MessageHandler::get, MessageHandler::get_fields
    #[napi(ts_return_type = "Promise<IgMessage>")]
    pub async fn message(
        &self,
        company_id: String,
        ig_user_id: String,
        message_id: String,
        options: Option<MessageGetOptions>,
    ) -> Result<Json> {
        const WHAT: &str = "Messaging.message";
        guard(WHAT, async {
            required("messageId", &message_id)?;
            let field_list = options.and_then(|o| o.fields);
            if let Some(f) = &field_list {
                fields("options.fields", f)?;
            }
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let graph = account.graph();
            let handler = graph.message(MessageId::new(message_id));
            let message = match field_list {
                Some(f) => handler.get_fields(&f.join(",")).await,
                None => handler.get().await,
            }
            .map_err(|e| sdk_error(WHAT, e))?;
            Ok(to_js(&message))
        })
        .await
        .map(Json::from)
    }

    /// Sends a message: `{ recipientId, messageId }`. Outside the 24-hour window (7 days with
    /// `tag: "HUMAN_AGENT"`) it rejects with `MessagingWindowError`. Never retried once sent.
    ///
    /// Core: IgUserMessagesHandler::send
    #[napi(ts_return_type = "Promise<SentMessage>")]
    pub async fn send(
        &self,
        company_id: String,
        ig_user_id: String,
        message: OutgoingMessage,
    ) -> Result<Json> {
        const WHAT: &str = "Messaging.send";
        guard(WHAT, async {
            let to = recipient(message.recipient)?;
            let body = content(message.text, message.attachment, message.template)?;
            let replies = message.quick_replies.map(automation::quick_replies);
            let tag = match message.tag.as_deref() {
                None => None,
                Some(t) if t.eq_ignore_ascii_case("HUMAN_AGENT") => Some(MessagingTag::HumanAgent),
                Some(other) => {
                    return Err(type_error(
                        "message.tag",
                        format!("{other:?} is not a supported tag (HUMAN_AGENT)"),
                    ))
                }
            };
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let mut req = account
                .graph()
                .ig_user(account.ig().clone())
                .messages()
                .send(to, body);
            if let Some(tag) = tag {
                req = req.tag(tag);
            }
            if let Some(replies) = replies {
                req = req.quick_replies(replies);
            }
            let sent = req.send().await.map_err(|e| sdk_error(WHAT, e))?;
            Ok(to_js(&sent))
        })
        .await
        .map(Json::from)
    }

    /// Reacts to a message (`reaction` defaults to `love`): `{ recipientId, ... }`.
    ///
    /// Core: IgUserMessagesHandler::react
    #[napi(ts_return_type = "Promise<SentMessage>")]
    pub async fn react(
        &self,
        company_id: String,
        ig_user_id: String,
        recipient_id: String,
        message_id: String,
        reaction: Option<String>,
    ) -> Result<Json> {
        const WHAT: &str = "Messaging.react";
        guard(WHAT, async {
            required("recipientId", &recipient_id)?;
            required("messageId", &message_id)?;
            let reaction = match reaction.as_deref() {
                None | Some("love") => Reaction::Love,
                Some(other) => {
                    required("reaction", other)?;
                    Reaction::Other(other.to_owned())
                }
            };
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let out = account
                .graph()
                .ig_user(account.ig().clone())
                .messages()
                .react(recipient_id, &MessageId::new(message_id), reaction)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(to_js(&out))
        })
        .await
        .map(Json::from)
    }

    /// Removes the account's reaction from a message.
    ///
    /// Core: IgUserMessagesHandler::unreact
    #[napi(ts_return_type = "Promise<SentMessage>")]
    pub async fn unreact(
        &self,
        company_id: String,
        ig_user_id: String,
        recipient_id: String,
        message_id: String,
    ) -> Result<Json> {
        const WHAT: &str = "Messaging.unreact";
        guard(WHAT, async {
            required("recipientId", &recipient_id)?;
            required("messageId", &message_id)?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let out = account
                .graph()
                .ig_user(account.ig().clone())
                .messages()
                .unreact(recipient_id, &MessageId::new(message_id))
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(to_js(&out))
        })
        .await
        .map(Json::from)
    }
}
