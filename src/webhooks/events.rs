//! Typed webhook events, one per update of the envelope
//! `{"object":"instagram","entry":[{"id","time","changes":[{"field","value"}]|"messaging":[…]}]}`
//! (read by [`super::parse`]).

use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::routing::{HandoverEvent, OptinEvent, ReferralEvent, StandbyEvent};
use crate::api::models::MediaProductType;

pub(super) type Extra = Map<String, Value>;

/// A whole delivery: the `object` (`instagram`) and every update of every entry, in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WebhookPayload {
    /// The `object` of the envelope: `instagram` (or `page` for Messenger-style deliveries).
    pub object: String,
    /// Every update of every entry, in the order delivered.
    pub events: Vec<Event>,
    /// Top-level keys other than `object` and `entry`, kept as sent.
    pub extra: Extra,
}

/// One update.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// A comment on the account's media (`comments`, `live_comments`).
    Comment(CommentEvent),
    /// The account was @-mentioned in a comment or a caption (`mentions`).
    Mention(MentionEvent),
    /// A direct message (`messages`), also an echo of one the account sent or a deletion.
    Message(MessageEvent),
    /// A reaction added to or removed from a message (`message_reactions`).
    Reaction(ReactionEvent),
    /// The user read the account's messages (`messaging_seen`).
    Seen(SeenEvent),
    /// The user tapped a button or an ice breaker (`messaging_postbacks`).
    Postback(PostbackEvent),
    /// The user came through an ig.me link with `?ref=` or an ad (`messaging_referral`).
    Referral(ReferralEvent),
    /// The user opted in, e.g. to notification messages (`messaging_optins`).
    Optin(OptinEvent),
    /// Control of a thread was passed, taken or requested (`messaging_handover`).
    Handover(HandoverEvent),
    /// An item of a thread another app controls (the entry's `standby` channel).
    Standby(StandbyEvent),
    /// A story's final metrics, sent when it expires (`story_insights`).
    StoryInsights(StoryInsightsEvent),
    /// A field this version does not model, or a value it could not read, kept whole.
    Unknown(UnknownEvent),
}

impl Event {
    /// The entry's `id`: the Instagram account (or Page) the update is about.
    pub fn entry_id(&self) -> &str {
        match self {
            Event::Comment(e) => &e.entry_id,
            Event::Mention(e) => &e.entry_id,
            Event::Message(e) => &e.entry_id,
            Event::Reaction(e) => &e.entry_id,
            Event::Seen(e) => &e.entry_id,
            Event::Postback(e) => &e.entry_id,
            Event::Referral(e) => &e.entry_id,
            Event::Optin(e) => &e.entry_id,
            Event::Handover(e) => &e.entry_id,
            Event::Standby(e) => &e.entry_id,
            Event::StoryInsights(e) => &e.entry_id,
            Event::Unknown(e) => &e.entry_id,
        }
    }

    /// The entry's `time` as sent (Unix seconds; some deliveries send milliseconds).
    pub fn time(&self) -> Option<i64> {
        match self {
            Event::Comment(e) => e.time,
            Event::Mention(e) => e.time,
            Event::Message(e) => e.time,
            Event::Reaction(e) => e.time,
            Event::Seen(e) => e.time,
            Event::Postback(e) => e.time,
            Event::Referral(e) => e.time,
            Event::Optin(e) => e.time,
            Event::Handover(e) => e.time,
            Event::Standby(e) => e.time,
            Event::StoryInsights(e) => e.time,
            Event::Unknown(e) => e.time,
        }
    }

    /// The webhook field the update belongs to (`comments`, `messages`, …), as subscribed with
    /// `subscribed_fields`.
    pub fn field(&self) -> &str {
        match self {
            Event::Comment(e) => &e.field,
            Event::Mention(_) => "mentions",
            Event::Message(_) => "messages",
            Event::Reaction(_) => "message_reactions",
            Event::Seen(_) => "messaging_seen",
            Event::Postback(_) => "messaging_postbacks",
            Event::Referral(_) => "messaging_referral",
            Event::Optin(_) => "messaging_optins",
            Event::Handover(_) => "messaging_handover",
            Event::Standby(_) => "standby",
            Event::StoryInsights(_) => "story_insights",
            Event::Unknown(e) => &e.field,
        }
    }

    /// A key that is the same for every delivery of this update and differs between updates:
    /// the message `mid`, the comment id with its field, the mention's media and comment ids,
    /// else a SHA-256 of the whole event. [`super::Deduper`] keys on it.
    pub fn dedup_key(&self) -> String {
        match self {
            Event::Comment(CommentEvent { id: Some(id), .. }) => {
                format!("{}:{}:{id}", self.field(), self.entry_id())
            }
            Event::Mention(MentionEvent {
                media_id: Some(media),
                comment_id,
                ..
            }) => format!(
                "mentions:{}:{media}:{}",
                self.entry_id(),
                comment_id.as_deref().unwrap_or("")
            ),
            Event::Message(m) if m.mid.is_some() => format!(
                "messages:{}:{}{}",
                self.entry_id(),
                m.mid.as_deref().unwrap_or(""),
                // A deletion carries the mid of the message it deletes: a distinct update.
                if m.is_deleted { ":deleted" } else { "" }
            ),
            _ => {
                // Serialising a parsed event cannot fail (string keys, no non-finite floats:
                // serde_json reads those as errors); an empty digest input would still give a
                // stable key.
                let bytes = serde_json::to_vec(self).unwrap_or_default();
                let digest = Sha256::digest(&bytes);
                format!("{}:{}", self.field(), hex::encode(&digest[..16]))
            }
        }
    }
}

/// Who sent or received something.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WebhookUser {
    /// The user's id (an Instagram-scoped id in messaging).
    pub id: Option<String>,
    /// The username, when sent (comments).
    pub username: Option<String>,
    /// Fields this version does not model, kept as sent.
    pub extra: Extra,
}

/// The media an update is about.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WebhookMedia {
    /// The media id.
    pub id: Option<String>,
    /// `FEED`, `REELS`, `STORY`, `AD`, or a value this version does not know.
    pub media_product_type: Option<MediaProductType>,
    /// Fields this version does not model, kept as sent.
    pub extra: Extra,
}

/// `comments` / `live_comments`: `{from{id,username},id,parent_id?,text,media{id,media_product_type}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CommentEvent {
    /// The entry's id (the account).
    pub entry_id: String,
    /// The entry's time.
    pub time: Option<i64>,
    /// `comments` or `live_comments`.
    pub field: String,
    /// The comment's id.
    pub id: Option<String>,
    /// The comment's text.
    pub text: Option<String>,
    /// Its author.
    pub from: Option<WebhookUser>,
    /// The comment it replies to, for a reply.
    pub parent_id: Option<String>,
    /// The media commented on.
    pub media: Option<WebhookMedia>,
    /// Fields of the value this version does not model, kept as sent.
    pub extra: Extra,
}

/// `mentions`: `{comment_id?, media_id}` (a caption mention has no comment id).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MentionEvent {
    /// The entry's id (the account mentioned).
    pub entry_id: String,
    /// The entry's time.
    pub time: Option<i64>,
    /// The media whose caption (or one of whose comments) mentions the account.
    pub media_id: Option<String>,
    /// The comment that mentions the account, when it is a comment mention.
    pub comment_id: Option<String>,
    /// Fields of the value this version does not model, kept as sent.
    pub extra: Extra,
}

/// An attachment of a message: `{type, payload{url,…}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MessageAttachment {
    /// `image`, `video`, `audio`, `file`, `share`, `story_mention`, `reel`, `ig_reel`, …
    pub kind: Option<String>,
    /// The payload as sent (usually `{"url": …}`).
    pub payload: Value,
    /// Fields this version does not model, kept as sent.
    pub extra: Extra,
}

impl MessageAttachment {
    /// `payload.url`, when there is one.
    pub fn url(&self) -> Option<&str> {
        self.payload.get("url").and_then(Value::as_str)
    }
}

/// What a message replies to: another message or a story.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReplyTo {
    /// The message replied to.
    pub mid: Option<String>,
    /// The story replied to: its id.
    pub story_id: Option<String>,
    /// The story replied to: its URL.
    pub story_url: Option<String>,
    /// Fields this version does not model, kept as sent.
    pub extra: Extra,
}

/// `messages`: `{sender{id},recipient{id},timestamp(ms),message{mid,text,attachments?,is_echo?,is_deleted?,reply_to?}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MessageEvent {
    /// The entry's id (the account).
    pub entry_id: String,
    /// The entry's time.
    pub time: Option<i64>,
    /// Who sent it (the user, or the account itself for an echo).
    pub sender_id: Option<String>,
    /// Who received it.
    pub recipient_id: Option<String>,
    /// When, in Unix milliseconds.
    pub timestamp: Option<i64>,
    /// The message id.
    pub mid: Option<String>,
    /// The text, for a text message.
    pub text: Option<String>,
    /// Attachments (media, shares, story mentions).
    pub attachments: Vec<MessageAttachment>,
    /// True for a copy of a message the account itself sent.
    pub is_echo: bool,
    /// True when the user deleted the message `mid`.
    pub is_deleted: bool,
    /// True for a message type the API does not support.
    pub is_unsupported: bool,
    /// What it replies to.
    pub reply_to: Option<ReplyTo>,
    /// `quick_reply.payload`, when the user tapped a quick reply.
    pub quick_reply_payload: Option<String>,
    /// Fields of `message` this version does not model, kept as sent.
    pub extra: Extra,
    /// Fields beside `sender`, `recipient`, `timestamp` and `message`, kept as sent.
    pub envelope_extra: Extra,
}

/// `message_reactions`: `{sender,recipient,timestamp,reaction{mid,action,reaction,emoji}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReactionEvent {
    /// The entry's id (the account).
    pub entry_id: String,
    /// The entry's time.
    pub time: Option<i64>,
    /// Who reacted.
    pub sender_id: Option<String>,
    /// Whose message it is.
    pub recipient_id: Option<String>,
    /// When, in Unix milliseconds.
    pub timestamp: Option<i64>,
    /// The message reacted to.
    pub mid: Option<String>,
    /// `react` or `unreact`.
    pub action: Option<String>,
    /// The reaction's name, e.g. `love`.
    pub reaction: Option<String>,
    /// The emoji.
    pub emoji: Option<String>,
    /// Fields of `reaction` this version does not model, kept as sent.
    pub extra: Extra,
    /// Fields beside `sender`, `recipient`, `timestamp` and `reaction`, kept as sent.
    pub envelope_extra: Extra,
}

/// `messaging_seen`: `{sender,recipient,timestamp,read{mid}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SeenEvent {
    /// The entry's id (the account).
    pub entry_id: String,
    /// The entry's time.
    pub time: Option<i64>,
    /// Who read.
    pub sender_id: Option<String>,
    /// Whose messages were read.
    pub recipient_id: Option<String>,
    /// When, in Unix milliseconds.
    pub timestamp: Option<i64>,
    /// The last message read.
    pub mid: Option<String>,
    /// Fields of `read` this version does not model, kept as sent.
    pub extra: Extra,
    /// Fields beside `sender`, `recipient`, `timestamp` and `read`, kept as sent.
    pub envelope_extra: Extra,
}

/// `messaging_postbacks`: `{sender,recipient,timestamp,postback{mid,title,payload}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PostbackEvent {
    /// The entry's id (the account).
    pub entry_id: String,
    /// The entry's time.
    pub time: Option<i64>,
    /// Who tapped.
    pub sender_id: Option<String>,
    /// The account.
    pub recipient_id: Option<String>,
    /// When, in Unix milliseconds.
    pub timestamp: Option<i64>,
    /// The message id of the postback.
    pub mid: Option<String>,
    /// The button's title.
    pub title: Option<String>,
    /// The button's payload, as the app set it.
    pub payload: Option<String>,
    /// Fields of `postback` this version does not model, kept as sent.
    pub extra: Extra,
    /// Fields beside `sender`, `recipient`, `timestamp` and `postback`, kept as sent.
    pub envelope_extra: Extra,
}

/// `story_insights`: `{media_id,impressions,reach,taps_forward,taps_back,exits,replies}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StoryInsightsEvent {
    /// The entry's id (the account).
    pub entry_id: String,
    /// The entry's time.
    pub time: Option<i64>,
    /// The story.
    pub media_id: Option<String>,
    /// Accounts that saw it.
    pub reach: Option<i64>,
    /// Times it was seen (removed from the API in v22; older deliveries send it).
    pub impressions: Option<i64>,
    /// Taps to the next story.
    pub taps_forward: Option<i64>,
    /// Taps back to the previous story.
    pub taps_back: Option<i64>,
    /// Exits from the story.
    pub exits: Option<i64>,
    /// Replies to the story.
    pub replies: Option<i64>,
    /// Metrics and fields this version does not model (e.g. `navigation`), kept as sent.
    pub extra: Extra,
}

/// An update this version does not model, kept whole.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct UnknownEvent {
    /// The entry's id.
    pub entry_id: String,
    /// The entry's time.
    pub time: Option<i64>,
    /// The field (`changes[].field`), the entry key (`standby`, …) or `messaging` for a
    /// messaging item of an unknown kind.
    pub field: String,
    /// The value as sent.
    pub value: Value,
}
