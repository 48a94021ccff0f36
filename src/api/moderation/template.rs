//! [`ReplyTemplate`]: canned replies with placeholders, rendered safely.

use std::collections::BTreeSet;

use super::{Comment, MAX_COMMENT_CHARS};
use crate::error::{Error, Result};

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
    use crate::api::moderation::tests::sample;

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
