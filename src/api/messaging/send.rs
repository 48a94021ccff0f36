//! The Send API's request side: recipients, message content, the `HUMAN_AGENT` tag,
//! reactions, and the mapping of Meta's outside-window error to a typed error.

use serde_json::{json, Value};

use super::validate::{validate_generic_template, validate_quick_replies};
use super::MAX_TEXT_BYTES;
use crate::api::models::{Button, GenericElement, QuickReply, SendMessageResponse};
use crate::api::Graph;
use crate::error::{Error, Result};
use crate::ids::{CommentId, IgUserId};

/// The subcode of "outside the allowed messaging window" (code 10).
const OUTSIDE_WINDOW_SUBCODE: i64 = 2534022;

/// Who a message goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// A user, by their Instagram-scoped id (from a webhook or a conversation).
    User(String),
    /// The author of a comment: a private reply (one per comment, within 7 days).
    Comment(CommentId),
}

impl Recipient {
    fn id(&self) -> &str {
        match self {
            Recipient::User(id) => id,
            Recipient::Comment(id) => id.as_str(),
        }
    }

    pub(super) fn check(&self) -> Result<()> {
        if self.id().trim().is_empty() {
            return Err(Error::invalid("recipient", "a recipient id is required"));
        }
        Ok(())
    }

    pub(super) fn to_json(&self) -> Value {
        match self {
            Recipient::User(id) => json!({ "id": id }),
            Recipient::Comment(id) => json!({ "comment_id": id.as_str() }),
        }
    }
}

impl From<&str> for Recipient {
    fn from(id: &str) -> Self {
        Recipient::User(id.to_owned())
    }
}

impl From<String> for Recipient {
    fn from(id: String) -> Self {
        Recipient::User(id)
    }
}

impl From<&IgUserId> for Recipient {
    fn from(id: &IgUserId) -> Self {
        Recipient::User(id.as_str().to_owned())
    }
}

impl From<CommentId> for Recipient {
    fn from(id: CommentId) -> Self {
        Recipient::Comment(id)
    }
}

/// The kind of an attachment sent by URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttachmentKind {
    /// An image.
    Image,
    /// An audio clip.
    Audio,
    /// A video.
    Video,
    /// A file.
    File,
}

impl AttachmentKind {
    /// The value as it goes on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Audio => "audio",
            Self::Video => "video",
            Self::File => "file",
        }
    }
}

/// What a message says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageContent {
    /// Text, at most [`MAX_TEXT_BYTES`] bytes of UTF-8.
    Text(String),
    /// An attachment Meta fetches from a public `http(s)` URL.
    Attachment {
        /// Image, audio, video or file.
        kind: AttachmentKind,
        /// Where Meta downloads it from.
        url: String,
    },
    /// A generic template: 1 to 10 cards, each with a title, and a subtitle, an image, a
    /// default action or up to 3 buttons.
    Template(Vec<GenericElement>),
}

impl MessageContent {
    /// A text message.
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text(text.into())
    }

    /// An attachment by URL.
    pub fn attachment(kind: AttachmentKind, url: impl Into<String>) -> Self {
        Self::Attachment {
            kind,
            url: url.into(),
        }
    }

    fn to_json(&self) -> Result<Value> {
        match self {
            MessageContent::Text(text) => {
                if text.trim().is_empty() {
                    return Err(Error::invalid("text", "a text message cannot be empty"));
                }
                if text.len() > MAX_TEXT_BYTES {
                    return Err(Error::invalid(
                        "text",
                        format!(
                            "{} bytes of UTF-8; the limit is {MAX_TEXT_BYTES} bytes",
                            text.len()
                        ),
                    ));
                }
                Ok(json!({ "text": text }))
            }
            MessageContent::Attachment { kind, url } => {
                let parsed = url::Url::parse(url)
                    .map_err(|e| Error::invalid("url", format!("not a URL: {e}")))?;
                if !matches!(parsed.scheme(), "http" | "https") {
                    return Err(Error::invalid(
                        "url",
                        "attachments are fetched by Meta from an http(s) URL",
                    ));
                }
                Ok(json!({
                    "attachment": { "type": kind.as_str(), "payload": { "url": url } }
                }))
            }
            MessageContent::Template(elements) => {
                validate_generic_template(elements)?;
                let elements: Vec<Value> = elements.iter().map(element_json).collect();
                Ok(json!({
                    "attachment": {
                        "type": "template",
                        "payload": { "template_type": "generic", "elements": elements }
                    }
                }))
            }
        }
    }
}

/// A button as the Send API takes it.
pub(super) fn button_json(b: &Button) -> Value {
    serde_json::to_value(b).unwrap_or(Value::Null)
}

fn element_json(e: &GenericElement) -> Value {
    let mut out = json!({ "title": e.title });
    if let Some(s) = &e.subtitle {
        out["subtitle"] = json!(s);
    }
    if let Some(u) = &e.image_url {
        out["image_url"] = json!(u);
    }
    if let Some(u) = &e.default_action_url {
        out["default_action"] = json!({ "type": "web_url", "url": u });
    }
    if !e.buttons.is_empty() {
        out["buttons"] = Value::Array(e.buttons.iter().map(button_json).collect());
    }
    out
}

/// A message tag that extends the messaging window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessagingTag {
    /// `HUMAN_AGENT`: a person answering, up to 7 days after the user's last message (instead
    /// of 24 hours). Needs the Human Agent permission.
    HumanAgent,
}

impl MessagingTag {
    /// The value as it goes on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HumanAgent => "HUMAN_AGENT",
        }
    }
}

/// A reaction to a message.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Reaction {
    /// The heart (`love`), the reaction Meta documents for Instagram.
    Love,
    /// Another reaction name, sent as given.
    Other(String),
}

impl Reaction {
    /// The value as it goes on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Love => "love",
            Self::Other(s) => s,
        }
    }
}

/// Request builder of the Send API: `ig_user(id).messages().send(recipient, content)`.
#[derive(Debug)]
#[must_use = "a request builder does nothing until `.send()`"]
pub struct SendMessage<'a> {
    pub(super) graph: Graph<'a>,
    pub(super) id: IgUserId,
    pub(super) recipient: Recipient,
    pub(super) content: MessageContent,
    pub(super) tag: Option<MessagingTag>,
    pub(super) quick_replies: Vec<QuickReply>,
}

impl SendMessage<'_> {
    /// Offers quick replies under a text message (1 to 13, titles of at most 20 characters).
    pub fn quick_replies(mut self, replies: Vec<QuickReply>) -> Self {
        self.quick_replies = replies;
        self
    }

    /// Tags the message (`messaging_type: MESSAGE_TAG`).
    pub fn tag(mut self, tag: MessagingTag) -> Self {
        self.tag = Some(tag);
        self
    }

    /// The JSON body, checked (no network).
    pub(super) fn body(&self) -> Result<Value> {
        self.recipient.check()?;
        let mut message = self.content.to_json()?;
        if !self.quick_replies.is_empty() {
            if !matches!(self.content, MessageContent::Text(_)) {
                return Err(Error::invalid(
                    "quick_replies",
                    "quick replies go under a text message",
                ));
            }
            validate_quick_replies(&self.quick_replies)?;
            message["quick_replies"] = self
                .quick_replies
                .iter()
                .map(|r| json!({ "content_type": "text", "title": r.title, "payload": r.payload }))
                .collect();
        }
        let mut body = json!({
            "recipient": self.recipient.to_json(),
            "message": message,
        });
        if let Some(tag) = self.tag {
            body["messaging_type"] = json!("MESSAGE_TAG");
            body["tag"] = json!(tag.as_str());
        }
        Ok(body)
    }

    /// Checks the message, then sends it (once: never retried after it may have reached Meta).
    pub async fn send(self) -> Result<SendMessageResponse> {
        let body = self.body()?;
        let human_agent = self.tag == Some(MessagingTag::HumanAgent);
        self.graph
            .post(format!("{}/messages", self.id))
            .json_body(body)
            .send()
            .await
            .map_err(|e| outside_window(e, &self.recipient, human_agent))
    }
}

/// Turns Meta's "outside the messaging window" (code 10 / subcode 2534022) into
/// [`Error::OutsideMessagingWindow`].
pub(super) fn outside_window(err: Error, recipient: &Recipient, human_agent: bool) -> Error {
    match err {
        Error::Graph { error, context, .. }
            if error.error_subcode == Some(OUTSIDE_WINDOW_SUBCODE) =>
        {
            Error::OutsideMessagingWindow {
                recipient: recipient.id().to_owned(),
                human_agent,
                error,
                context,
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_limited_in_bytes_not_chars() {
        // 334 three-byte characters: 334 chars but 1002 bytes.
        let long = "€".repeat(334);
        assert!(matches!(
            MessageContent::text(long).to_json(),
            Err(Error::InvalidInput { field: "text", .. })
        ));
        let ok = "€".repeat(333);
        assert!(MessageContent::text(ok).to_json().is_ok());
    }
}
