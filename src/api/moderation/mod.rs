//! Moderation helpers: [`CommentFilter`] picks comments by text, author, time, hidden state or
//! whether an account has answered them, over a stream of comments ([`filter_comments`]);
//! [`ReplyTemplate`] renders canned replies with placeholders, safely.
//!
//! ```no_run
//! # async fn demo(client: instagraph::Client, token: instagraph::AccessToken) -> instagraph::Result<()> {
//! use futures::TryStreamExt;
//! use instagraph::api::moderation::{filter_comments, CommentFilter, ReplyTemplate, MODERATION_FIELDS};
//! use instagraph::MediaId;
//! let fb = client.facebook(&token);
//! let template = ReplyTemplate::parse("Thanks {username}! Use {custom:code} for 10% off.")?;
//! let stream = fb
//!     .media(MediaId::new("17900000000000001"))
//!     .comments()
//!     .fields([MODERATION_FIELDS])
//!     .send()
//!     .await?
//!     .into_stream();
//! let filter = CommentFilter::new().text_contains("price").unanswered_by_username("mybrand");
//! let todo: Vec<_> = filter_comments(stream, filter).try_collect().await?;
//! for c in &todo {
//!     let reply = template.render_for(c, &[("code", "WELCOME")])?;
//!     fb.comment(c.id.clone()).reply(&reply).await?;
//! }
//! # Ok(()) }
//! ```

use chrono::{DateTime, Utc};
use futures::{Stream, TryStreamExt};

use super::comments::MAX_COMMENT_CHARS;
use super::models::Comment;
use crate::error::Result;
use crate::ids::IgUserId;

/// Comment fields that every [`CommentFilter`] criterion can read, replies (with their
/// authors) included: pass it to `.fields([MODERATION_FIELDS])`.
pub const MODERATION_FIELDS: &str =
    "id,text,timestamp,username,from,hidden,parent_id,replies{id,username,from,timestamp}";

/// An account, named by username (compared case-insensitively, as Instagram does) or by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Author {
    /// A username, without `@`.
    Username(String),
    /// An IG user id (the `from.id` of a comment).
    Id(IgUserId),
}

impl Author {
    /// Whether `comment` was written by this account. The username is read from `username`
    /// or `from.username`, the id from `from.id` or (older versions) `user.id`.
    pub fn wrote(&self, comment: &Comment) -> bool {
        match self {
            Author::Username(name) => {
                let name = name.trim_start_matches('@');
                comment
                    .username
                    .iter()
                    .chain(comment.from.iter().filter_map(|f| f.username.as_ref()))
                    .any(|u| u.to_lowercase() == name.to_lowercase())
            }
            Author::Id(id) => comment
                .from
                .iter()
                .chain(comment.user.iter())
                .any(|u| &u.id == id),
        }
    }
}

/// Which comments to keep. Every criterion set must hold; an empty filter keeps everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommentFilter {
    /// Keeps comments whose text contains this, ignoring case.
    pub text_contains: Option<String>,
    /// Keeps comments written by this account.
    pub author: Option<Author>,
    /// Keeps comments posted at or after this time (comments without a timestamp are left
    /// out when a time bound is set).
    pub since: Option<DateTime<Utc>>,
    /// Keeps comments posted at or before this time.
    pub until: Option<DateTime<Utc>>,
    /// Keeps hidden (`true`) or visible (`false`) comments; a comment read without `hidden`
    /// counts as visible.
    pub hidden: Option<bool>,
    /// Keeps comments that this account has not replied to, judged on the comment's `replies`
    /// (read them with [`MODERATION_FIELDS`]: a comment read without `replies` counts as
    /// unanswered). Comments this account wrote itself are left out too.
    pub unanswered_by: Option<Author>,
}

impl CommentFilter {
    /// A filter that keeps everything.
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps comments whose text contains `needle`, ignoring case.
    pub fn text_contains(mut self, needle: impl Into<String>) -> Self {
        self.text_contains = Some(needle.into());
        self
    }

    /// Keeps comments written by `author`.
    pub fn author(mut self, author: Author) -> Self {
        self.author = Some(author);
        self
    }

    /// Keeps comments posted at or after `time`.
    pub fn since(mut self, time: DateTime<Utc>) -> Self {
        self.since = Some(time);
        self
    }

    /// Keeps comments posted at or before `time`.
    pub fn until(mut self, time: DateTime<Utc>) -> Self {
        self.until = Some(time);
        self
    }

    /// Keeps hidden (`true`) or visible (`false`) comments.
    pub fn hidden(mut self, hidden: bool) -> Self {
        self.hidden = Some(hidden);
        self
    }

    /// Keeps comments `account` has not answered.
    pub fn unanswered_by(mut self, account: Author) -> Self {
        self.unanswered_by = Some(account);
        self
    }

    /// Keeps comments the account with this username has not answered.
    pub fn unanswered_by_username(self, username: impl Into<String>) -> Self {
        self.unanswered_by(Author::Username(username.into()))
    }

    /// Whether `comment` passes every criterion.
    pub fn matches(&self, comment: &Comment) -> bool {
        if let Some(needle) = &self.text_contains {
            let text = comment.text.as_deref().unwrap_or("").to_lowercase();
            if !text.contains(&needle.to_lowercase()) {
                return false;
            }
        }
        if let Some(author) = &self.author {
            if !author.wrote(comment) {
                return false;
            }
        }
        if self.since.is_some() || self.until.is_some() {
            let Some(at) = comment.timestamp_parsed() else {
                return false;
            };
            if self.since.is_some_and(|s| at < s) || self.until.is_some_and(|u| at > u) {
                return false;
            }
        }
        if let Some(hidden) = self.hidden {
            if comment.hidden.unwrap_or(false) != hidden {
                return false;
            }
        }
        if let Some(account) = &self.unanswered_by {
            if account.wrote(comment) || comment.replies().iter().any(|r| account.wrote(r)) {
                return false;
            }
        }
        true
    }
}

/// The comments of `stream` that pass `filter`, in order; errors pass through.
pub fn filter_comments<S>(
    stream: S,
    filter: CommentFilter,
) -> impl Stream<Item = Result<Comment>> + Send
where
    S: Stream<Item = Result<Comment>> + Send,
{
    stream.try_filter(move |c| std::future::ready(filter.matches(c)))
}

mod template;

pub use template::ReplyTemplate;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use chrono::TimeZone;
    use futures::StreamExt;

    fn comment(json: serde_json::Value) -> Comment {
        serde_json::from_value(json).unwrap()
    }

    pub(super) fn sample() -> Vec<Comment> {
        vec![
            comment(serde_json::json!({
                "id": "1", "text": "What is the PRICE?", "username": "Alice_1",
                "from": {"id": "901", "username": "Alice_1"},
                "timestamp": "2026-03-01T10:00:00+0000", "hidden": false,
                "replies": {"data": [
                    {"id": "11", "text": "DM sent", "username": "mybrand", "from": {"id": "100", "username": "mybrand"}}
                ]}
            })),
            comment(serde_json::json!({
                "id": "2", "text": "price please", "username": "bob",
                "from": {"id": "902", "username": "bob"},
                "timestamp": "2026-03-02T10:00:00+0000", "hidden": true
            })),
            comment(serde_json::json!({
                "id": "3", "text": "love it", "from": {"id": "903", "username": "carol"},
                "timestamp": "2026-03-03T10:00:00+0000"
            })),
            comment(serde_json::json!({"id": "4", "text": "no time"})),
            comment(serde_json::json!({
                "id": "5", "text": "thanks all", "username": "MyBrand",
                "timestamp": "2026-03-04T10:00:00+0000"
            })),
        ]
    }

    fn ids(filter: &CommentFilter) -> Vec<String> {
        sample()
            .iter()
            .filter(|c| filter.matches(c))
            .map(|c| c.id.to_string())
            .collect()
    }

    #[test]
    fn an_empty_filter_keeps_everything() {
        assert_eq!(ids(&CommentFilter::new()), ["1", "2", "3", "4", "5"]);
    }

    #[test]
    fn text_matches_ignore_case() {
        assert_eq!(
            ids(&CommentFilter::new().text_contains("Price")),
            ["1", "2"]
        );
        assert_eq!(
            ids(&CommentFilter::new().text_contains("ÉCLAIR")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn authors_match_by_username_or_id() {
        let by_name = CommentFilter::new().author(Author::Username("@alice_1".into()));
        assert_eq!(ids(&by_name), ["1"]);
        let by_from_name = CommentFilter::new().author(Author::Username("Carol".into()));
        assert_eq!(ids(&by_from_name), ["3"]);
        let by_id = CommentFilter::new().author(Author::Id(IgUserId::new("902")));
        assert_eq!(ids(&by_id), ["2"]);
    }

    #[test]
    fn time_bounds_are_inclusive_and_drop_undated_comments() {
        let t = |d| Utc.with_ymd_and_hms(2026, 3, d, 10, 0, 0).unwrap();
        let f = CommentFilter::new().since(t(2)).until(t(3));
        assert_eq!(ids(&f), ["2", "3"]);
        assert_eq!(ids(&CommentFilter::new().since(t(4))), ["5"]);
    }

    #[test]
    fn hidden_filters_treat_absent_as_visible() {
        assert_eq!(ids(&CommentFilter::new().hidden(true)), ["2"]);
        assert_eq!(
            ids(&CommentFilter::new().hidden(false)),
            ["1", "3", "4", "5"]
        );
    }

    #[test]
    fn unanswered_skips_answered_and_own_comments() {
        let f = CommentFilter::new().unanswered_by_username("mybrand");
        assert_eq!(ids(&f), ["2", "3", "4"]);
        let by_id = CommentFilter::new().unanswered_by(Author::Id(IgUserId::new("100")));
        assert_eq!(ids(&by_id), ["2", "3", "4", "5"]);
        let combined = CommentFilter::new()
            .text_contains("price")
            .unanswered_by_username("MYBRAND");
        assert_eq!(ids(&combined), ["2"]);
    }

    #[tokio::test]
    async fn filtering_a_stream_keeps_order_and_passes_errors() {
        let items: Vec<Result<Comment>> = sample()
            .into_iter()
            .map(Ok)
            .chain(std::iter::once(Err(Error::invalid("x", "boom"))))
            .collect();
        let out: Vec<Result<Comment>> = filter_comments(
            futures::stream::iter(items),
            CommentFilter::new().hidden(false),
        )
        .collect::<Vec<_>>()
        .await;
        let kept: Vec<&str> = out
            .iter()
            .filter_map(|r| r.as_ref().ok().map(|c| c.id.as_str()))
            .collect();
        assert_eq!(kept, ["1", "3", "4", "5"]);
        assert!(matches!(
            out.last(),
            Some(Err(Error::InvalidInput { field: "x", .. }))
        ));
    }
}
