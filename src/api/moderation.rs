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

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use futures::{Stream, TryStreamExt};

use super::comments::MAX_COMMENT_CHARS;
use super::models::Comment;
use crate::error::{Error, Result};
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

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Username,
    Text,
    Custom(String),
}

/// A canned reply with placeholders: `{username}` (the comment's author), `{text}` (the
/// comment's text), and `{custom:NAME}` (a value given at render time; NAME is letters, digits
/// and `_`). `{{` and `}}` write literal braces.
///
/// Rendering substitutes each value once, as plain text: a value containing `{username}` stays
/// literally `{username}`. Control characters (and bidirectional-override characters) are
/// removed from values; nothing else is escaped. A rendered reply longer than the limit
/// ([`MAX_COMMENT_CHARS`] unless set with [`ReplyTemplate::max_chars`]) is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyTemplate {
    source: String,
    segments: Vec<Segment>,
    max_chars: usize,
}

impl ReplyTemplate {
    /// Parses a template. Unknown placeholders, empty custom names and unbalanced braces are
    /// refused here, not at render time.
    pub fn parse(source: &str) -> Result<Self> {
        let mut segments = Vec::new();
        let mut literal = String::new();
        let mut chars = source.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|(_, n)| *n) == Some('{') => {
                    chars.next();
                    literal.push('{');
                }
                '}' if chars.peek().map(|(_, n)| *n) == Some('}') => {
                    chars.next();
                    literal.push('}');
                }
                '}' => {
                    return Err(template_error(
                        source,
                        format!("unmatched `}}` at byte {at}; write `}}}}` for a literal brace"),
                    ))
                }
                '{' => {
                    let mut name = String::new();
                    let mut closed = false;
                    for (_, n) in chars.by_ref() {
                        if n == '}' {
                            closed = true;
                            break;
                        }
                        name.push(n);
                    }
                    if !closed {
                        return Err(template_error(
                            source,
                            format!("unclosed `{{` at byte {at}; write `{{{{` for a literal brace"),
                        ));
                    }
                    let segment = placeholder(source, &name)?;
                    if !literal.is_empty() {
                        segments.push(Segment::Literal(std::mem::take(&mut literal)));
                    }
                    segments.push(segment);
                }
                // The template is the caller's own text: keep its line breaks, drop other
                // control characters like in values.
                c if c == '\n' || !is_stripped(c) => literal.push(c),
                _ => {}
            }
        }
        if !literal.is_empty() {
            segments.push(Segment::Literal(literal));
        }
        Ok(Self {
            source: source.to_owned(),
            segments,
            max_chars: MAX_COMMENT_CHARS,
        })
    }

    /// Another length limit for rendered replies, in characters (e.g. for a private reply).
    pub fn max_chars(mut self, limit: usize) -> Self {
        self.max_chars = limit;
        self
    }

    /// The template as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The custom placeholder names the template uses, each once.
    pub fn custom_names(&self) -> BTreeSet<&str> {
        self.segments
            .iter()
            .filter_map(|s| match s {
                Segment::Custom(n) => Some(n.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Renders the template. Every custom placeholder needs a value in `custom`; `username`
    /// and `text` are substituted as empty when not given.
    pub fn render(
        &self,
        username: Option<&str>,
        text: Option<&str>,
        custom: &[(&str, &str)],
    ) -> Result<String> {
        let mut out = String::new();
        for segment in &self.segments {
            match segment {
                Segment::Literal(l) => out.push_str(l),
                Segment::Username => push_clean(&mut out, username.unwrap_or("")),
                Segment::Text => push_clean(&mut out, text.unwrap_or("")),
                Segment::Custom(name) => {
                    let Some((_, value)) = custom.iter().find(|(k, _)| k == name) else {
                        return Err(template_error(
                            &self.source,
                            format!("no value given for {{custom:{name}}}"),
                        ));
                    };
                    push_clean(&mut out, value);
                }
            }
        }
        let chars = out.chars().count();
        if chars > self.max_chars {
            return Err(template_error(
                &self.source,
                format!(
                    "the rendered reply is {chars} characters; the limit is {}",
                    self.max_chars
                ),
            ));
        }
        if out.trim().is_empty() {
            return Err(template_error(&self.source, "the rendered reply is empty"));
        }
        Ok(out)
    }

    /// Renders the template for a comment: `{username}` is its author (`username`, else
    /// `from.username`), `{text}` its text.
    pub fn render_for(&self, comment: &Comment, custom: &[(&str, &str)]) -> Result<String> {
        let username = comment
            .username
            .as_deref()
            .or_else(|| comment.from.as_ref().and_then(|f| f.username.as_deref()));
        self.render(username, comment.text.as_deref(), custom)
    }
}

fn placeholder(source: &str, name: &str) -> Result<Segment> {
    match name {
        "username" => Ok(Segment::Username),
        "text" => Ok(Segment::Text),
        _ => match name.strip_prefix("custom:") {
            Some(custom)
                if !custom.is_empty()
                    && custom
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                Ok(Segment::Custom(custom.to_owned()))
            }
            Some(_) => Err(template_error(
                source,
                format!("{{{name}}}: a custom name is letters, digits and `_`"),
            )),
            None => Err(template_error(
                source,
                format!(
                    "unknown placeholder {{{name}}}; known: {{username}}, {{text}}, {{custom:NAME}}"
                ),
            )),
        },
    }
}

/// Control characters, and the bidirectional overrides that can make a reply read differently
/// from what it says.
fn is_stripped(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn push_clean(out: &mut String, value: &str) {
    out.extend(value.chars().filter(|c| !is_stripped(*c)));
}

/// An error naming the template (its first 40 characters) and what is wrong.
fn template_error(source: &str, reason: impl Into<String>) -> Error {
    let mut excerpt: String = source.chars().take(40).collect();
    if source.chars().count() > 40 {
        excerpt.push('…');
    }
    Error::invalid("template", format!("{excerpt:?}: {}", reason.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use futures::StreamExt;

    fn comment(json: serde_json::Value) -> Comment {
        serde_json::from_value(json).unwrap()
    }

    fn sample() -> Vec<Comment> {
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

    fn invalid_reason(err: Error) -> String {
        match err {
            Error::InvalidInput { field, reason } => {
                assert_eq!(field, "template");
                reason
            }
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    #[test]
    fn renders_known_and_custom_placeholders() {
        let t =
            ReplyTemplate::parse("Thanks {username}! You said \"{text}\". Code: {custom:offer}")
                .unwrap();
        assert_eq!(t.custom_names().into_iter().collect::<Vec<_>>(), ["offer"]);
        let c = &sample()[0];
        assert_eq!(
            t.render_for(c, &[("offer", "SPRING10")]).unwrap(),
            "Thanks Alice_1! You said \"What is the PRICE?\". Code: SPRING10"
        );
    }

    #[test]
    fn substituted_values_are_never_reinterpreted() {
        let t = ReplyTemplate::parse("Hi {username}: {text} [{custom:a}]").unwrap();
        let out = t
            .render(
                Some("{text}"),
                Some("{username} {custom:a} {{x}}"),
                &[("a", "{custom:a}")],
            )
            .unwrap();
        assert_eq!(out, "Hi {text}: {username} {custom:a} {{x}} [{custom:a}]");
    }

    #[test]
    fn escaped_braces_are_literal() {
        let t = ReplyTemplate::parse("{{username}} is {username}}}").unwrap();
        assert_eq!(
            t.render(Some("bo"), None, &[]).unwrap(),
            "{username} is bo}"
        );
    }

    #[test]
    fn control_and_bidi_characters_are_stripped_from_values_only_newlines_kept_in_template() {
        let t = ReplyTemplate::parse("Hi {username}\nbye\u{7}").unwrap();
        let out = t
            .render(Some("ev\u{0}il\r\n\u{202E}gnp.exe\u{1b}[31m"), None, &[])
            .unwrap();
        assert_eq!(out, "Hi evilgnp.exe[31m\nbye");
    }

    #[test]
    fn unicode_is_kept_and_counted_in_characters() {
        let t = ReplyTemplate::parse("Merci {username} 🙏 — {custom:x}").unwrap();
        let out = t.render(Some("Zoë_日本"), None, &[("x", "ça va")]).unwrap();
        assert_eq!(out, "Merci Zoë_日本 🙏 — ça va");
        // 2200 emoji are 8800 bytes but 2200 characters: allowed.
        let t = ReplyTemplate::parse("{text}").unwrap();
        let emoji = "🙏".repeat(MAX_COMMENT_CHARS);
        assert_eq!(t.render(None, Some(&emoji), &[]).unwrap(), emoji);
    }

    #[test]
    fn over_the_limit_is_refused_naming_template_and_limit() {
        let t = ReplyTemplate::parse("Thanks {username}! {text}").unwrap();
        let long = "a".repeat(MAX_COMMENT_CHARS);
        let reason = invalid_reason(t.render(Some("bob"), Some(&long), &[]).unwrap_err());
        assert!(reason.contains("Thanks {username}! {text}"), "{reason}");
        assert!(reason.contains("2200"), "{reason}");
        assert!(
            reason.contains(&format!("{}", MAX_COMMENT_CHARS + 12)),
            "{reason}"
        );
        let short = ReplyTemplate::parse("{username}").unwrap().max_chars(3);
        assert_eq!(short.render(Some("bob"), None, &[]).unwrap(), "bob");
        let reason = invalid_reason(short.render(Some("bobby"), None, &[]).unwrap_err());
        assert!(reason.contains("limit is 3"), "{reason}");
    }

    #[test]
    fn parse_refuses_unknown_and_malformed_placeholders() {
        for (src, expect) in [
            ("Hi {user}", "unknown placeholder {user}"),
            ("Hi {}", "unknown placeholder {}"),
            ("Hi {custom:}", "custom name"),
            ("Hi {custom:a-b}", "custom name"),
            ("Hi {username", "unclosed"),
            ("Hi username}", "unmatched"),
            ("{Username}", "unknown placeholder"),
        ] {
            let reason = invalid_reason(ReplyTemplate::parse(src).unwrap_err());
            assert!(reason.contains(expect), "{src}: {reason}");
            assert!(reason.contains(&format!("{src:?}")), "{src}: {reason}");
        }
    }

    #[test]
    fn missing_custom_values_and_empty_results_are_refused() {
        let t = ReplyTemplate::parse("Use {custom:code}").unwrap();
        let reason = invalid_reason(t.render(None, None, &[("other", "x")]).unwrap_err());
        assert!(reason.contains("{custom:code}"), "{reason}");
        let empty = ReplyTemplate::parse("{username}").unwrap();
        assert!(
            invalid_reason(empty.render(Some("\u{0}"), None, &[]).unwrap_err()).contains("empty")
        );
    }
}
