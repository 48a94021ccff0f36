//! Small results several classes share, and the shapes of Meta's objects that are passed
//! through as Meta sent them (camelCase keys, unknown fields kept).
//!
//! The pass-through shapes are declared for TypeScript only (`object_from_js = false,
//! object_to_js = false`): those values reach JavaScript as JSON text that `JSON.parse` turns
//! into objects (see `account_graph::Json`; measured much faster than napi's conversion for the
//! bulk reads), and they carry the fields asked for plus whatever else Meta sent, beyond the
//! ones listed here.

use napi_derive::napi;

/// `{ success }`: Meta's answer to an update.
#[napi(object)]
pub struct Success {
    /// Whether Meta applied it.
    pub success: bool,
}

/// `{ id }`: what Meta answers when it creates something.
#[napi(object)]
pub struct Created {
    /// The new object's id.
    pub id: String,
}

/// One page of a paged edge; pass `paging.after` back as `options.after` for the next one.
#[napi(
    object,
    use_nullable = true,
    object_from_js = false,
    object_to_js = false
)]
pub struct Paging {
    /// The cursor of the page before.
    pub before: Option<String>,
    /// The cursor of the page after.
    pub after: Option<String>,
    /// Whether there is a page after.
    pub has_next: bool,
}

/// A user as Meta names one in a comment or a message.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct IgUserRef {
    /// The IG-scoped user id.
    pub id: String,
    /// The handle.
    pub username: Option<String>,
}

/// An IG media (the fields asked for; more arrive when Meta sends them).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct IgMedia {
    /// The media id.
    pub id: String,
    /// The caption.
    pub caption: Option<String>,
    /// `IMAGE`, `VIDEO` or `CAROUSEL_ALBUM`.
    pub media_type: Option<String>,
    /// `FEED`, `REELS`, `STORY` or `AD`.
    pub media_product_type: Option<String>,
    /// The media's URL.
    pub media_url: Option<String>,
    /// A video's thumbnail URL.
    pub thumbnail_url: Option<String>,
    /// The post's permalink.
    pub permalink: Option<String>,
    /// The post's shortcode.
    pub shortcode: Option<String>,
    /// When it was published (`2025-06-01T09:30:00+0000`).
    pub timestamp: Option<String>,
    /// Its likes.
    pub like_count: Option<f64>,
    /// Its comments.
    pub comments_count: Option<f64>,
    /// Whether comments are on.
    pub is_comment_enabled: Option<bool>,
}

/// The replies of a comment, as Meta nests them.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct IgCommentReplies {
    /// The replies.
    pub data: Vec<IgComment>,
}

/// A comment or reply (the fields asked for; more arrive when Meta sends them).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct IgComment {
    /// The comment id.
    pub id: String,
    /// Its text.
    pub text: Option<String>,
    /// When it was written.
    pub timestamp: Option<String>,
    /// Its author's handle.
    pub username: Option<String>,
    /// Its author.
    pub from: Option<IgUserRef>,
    /// Its likes.
    pub like_count: Option<f64>,
    /// Whether it is hidden.
    pub hidden: Option<bool>,
    /// The comment it replies to.
    pub parent_id: Option<String>,
    /// Its replies.
    pub replies: Option<IgCommentReplies>,
}

/// A conversation (`id`, `updatedTime`, and the fields asked for).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct IgConversation {
    /// The conversation id.
    pub id: String,
    /// When it last changed.
    pub updated_time: Option<String>,
}

/// The recipients of a direct message, as Meta nests them.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct IgMessageRecipients {
    /// The recipients.
    pub data: Vec<IgUserRef>,
}

/// A direct message (the fields asked for; more arrive when Meta sends them).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct IgMessage {
    /// The message id.
    pub id: String,
    /// When it was sent.
    pub created_time: Option<String>,
    /// Its sender.
    pub from: Option<IgUserRef>,
    /// Its recipients.
    pub to: Option<IgMessageRecipients>,
    /// Its text.
    pub message: Option<String>,
}

/// What the Send API answers.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct SentMessage {
    /// The recipient's IG-scoped id.
    pub recipient_id: Option<String>,
    /// The new message's id.
    pub message_id: Option<String>,
}

/// One page of media (`Media.list`, `Media.stories`, `Hashtags.topMedia`, ...).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct MediaPage {
    /// The media of this page.
    pub data: Vec<IgMedia>,
    /// Where the page is.
    pub paging: Paging,
}

/// One page of comments (`Comments.list`, `Comments.replies`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct CommentPage {
    /// The comments of this page.
    pub data: Vec<IgComment>,
    /// Where the page is.
    pub paging: Paging,
}

/// One page of conversations (`Messaging.conversations`).
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct ConversationPage {
    /// The conversations of this page.
    pub data: Vec<IgConversation>,
    /// Where the page is.
    pub paging: Paging,
}
