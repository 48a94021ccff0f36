//! Business discovery: another professional account's public profile and media, read on behalf
//! of one of the app's accounts with
//! `GET /{ig-user-id}?fields=business_discovery.username(NAME){…,media.after(CURSOR).limit(N){…}}`.
//!
//! Only on graph.facebook.com (Instagram API with Facebook Login). Meta answers an unknown
//! username and an account that is not professional the same way (code 110, subcode 2207013);
//! both come back as [`Error::NotFound`]. The discovered account's media is a nested edge: its
//! next page is read by asking again with the `after` cursor of the previous one
//! ([`BusinessDiscovery::next_media_cursor`]).
//!
//! ```no_run
//! # async fn demo(client: instagraph::Client, token: instagraph::AccessToken) -> instagraph::Result<()> {
//! use instagraph::IgUserId;
//! let fb = client.facebook(&token);
//! let me = fb.ig_user(IgUserId::new("17841400000000001"));
//! let first = me.business_discovery("bluebottle").media_limit(10).send().await?;
//! if let Some(cursor) = first.next_media_cursor() {
//!     let second = me
//!         .business_discovery("bluebottle")
//!         .media_limit(10)
//!         .media_after(cursor)
//!         .send()
//!         .await?;
//!     # let _ = second;
//! }
//! # Ok(()) }
//! ```

use super::comments::validate_id;
use super::ig_user::IgUserHandler;
use super::models::BusinessDiscovery;
use super::{join_fields, Graph};
use crate::error::{Error, Result};
use crate::ids::IgUserId;

/// Default fields of the discovered account (its public profile).
pub const DEFAULT_BUSINESS_DISCOVERY_FIELDS: &str =
    "id,username,name,biography,website,profile_picture_url,followers_count,follows_count,media_count";

/// Default fields of the discovered account's media (the public ones).
pub const DEFAULT_BUSINESS_DISCOVERY_MEDIA_FIELDS: &str =
    "id,caption,media_type,media_product_type,media_url,permalink,timestamp,like_count,comments_count";

/// The longest Instagram username, in characters.
pub const MAX_USERNAME_CHARS: usize = 30;

/// Meta's error code of an unknown or non-professional username in business discovery.
const UNKNOWN_USER_CODE: i64 = 110;
/// Meta's subcode of the same ("Cannot find User").
const UNKNOWN_USER_SUBCODE: i64 = 2207013;

/// Checks an Instagram username: 1 to 30 letters, digits, `.` and `_`, without `@`.
pub fn validate_username(username: &str) -> Result<()> {
    if username.is_empty() {
        return Err(Error::invalid("username", "a username cannot be empty"));
    }
    if username.starts_with('@') {
        return Err(Error::invalid(
            "username",
            format!("{username:?}: give the username without `@`"),
        ));
    }
    let chars = username.chars().count();
    if chars > MAX_USERNAME_CHARS {
        return Err(Error::invalid(
            "username",
            format!(
                "{chars} characters, more than the {MAX_USERNAME_CHARS} of an Instagram username"
            ),
        ));
    }
    if let Some(bad) = username
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '.' || *c == '_'))
    {
        return Err(Error::invalid(
            "username",
            format!("{bad:?} is not allowed in a username (letters, digits, `.` and `_` only)"),
        ));
    }
    Ok(())
}

/// Checks a media cursor for the nested `media.after(…)` / `media.before(…)` call: not empty
/// and free of the characters that would end the field expression early.
fn validate_cursor(field: &'static str, cursor: &str) -> Result<()> {
    if cursor.is_empty() {
        return Err(Error::invalid(field, "a cursor cannot be empty"));
    }
    if let Some(bad) = cursor
        .chars()
        .find(|c| matches!(c, '(' | ')' | '{' | '}' | ',') || c.is_whitespace())
    {
        return Err(Error::invalid(
            field,
            format!(
                "{bad:?} cannot be in a cursor (pass the `after`/`before` cursor as Meta sent it)"
            ),
        ));
    }
    Ok(())
}

/// A field list for inside `{…}`: the names joined, refused when empty.
fn field_list<I, S>(field: &'static str, fields: I) -> Result<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let joined = join_fields(fields);
    if joined.is_empty() {
        return Err(Error::invalid(field, "at least one field is required"));
    }
    Ok(joined)
}

impl<'a> IgUserHandler<'a> {
    /// Business discovery on behalf of this account: `username`'s public profile
    /// ([`DEFAULT_BUSINESS_DISCOVERY_FIELDS`]) and the first page of its media
    /// ([`DEFAULT_BUSINESS_DISCOVERY_MEDIA_FIELDS`]).
    pub fn business_discovery(&self, username: &str) -> BusinessDiscoveryRequest<'a> {
        BusinessDiscoveryRequest {
            graph: self.graph,
            id: self.id.clone(),
            username: username.to_owned(),
            fields: None,
            media: MediaSelection::default(),
            refused: None,
        }
    }
}

/// What of the discovered account's media to read.
#[derive(Debug, Clone, Default)]
struct MediaSelection {
    skip: bool,
    fields: Option<String>,
    limit: Option<u32>,
    after: Option<String>,
    before: Option<String>,
}

/// Request builder of business discovery (`ig_user(id).business_discovery(username)`).
#[must_use = "a request builder does nothing until `.send()`"]
#[derive(Debug)]
pub struct BusinessDiscoveryRequest<'a> {
    graph: Graph<'a>,
    id: IgUserId,
    username: String,
    fields: Option<String>,
    media: MediaSelection,
    /// An argument refused when it was set: returned by `send`, before any call.
    refused: Option<Error>,
}

impl BusinessDiscoveryRequest<'_> {
    /// The discovered account's fields (replaces [`DEFAULT_BUSINESS_DISCOVERY_FIELDS`]); the
    /// media is asked for apart, with the `media_*` setters.
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        match field_list("fields", fields) {
            Ok(f) => self.fields = Some(f),
            Err(e) => self.refuse(e),
        }
        self
    }

    /// The media's fields (replaces [`DEFAULT_BUSINESS_DISCOVERY_MEDIA_FIELDS`]).
    pub fn media_fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        match field_list("media_fields", fields) {
            Ok(f) => self.media.fields = Some(f),
            Err(e) => self.refuse(e),
        }
        self
    }

    /// How many media per page (`media.limit(N)`); at least 1.
    pub fn media_limit(mut self, limit: u32) -> Self {
        self.media.limit = Some(limit);
        self
    }

    /// The page after this cursor (`media.after(CURSOR)`): the `after` cursor of the previous
    /// answer, [`BusinessDiscovery::next_media_cursor`].
    pub fn media_after(mut self, cursor: impl Into<String>) -> Self {
        self.media.after = Some(cursor.into());
        self
    }

    /// The page before this cursor (`media.before(CURSOR)`).
    pub fn media_before(mut self, cursor: impl Into<String>) -> Self {
        self.media.before = Some(cursor.into());
        self
    }

    /// The profile only: no `media{…}` in the request.
    pub fn without_media(mut self) -> Self {
        self.media.skip = true;
        self
    }

    fn refuse(&mut self, error: Error) {
        self.refused.get_or_insert(error);
    }

    /// The `fields` parameter, checked (no network).
    fn expression(&mut self) -> Result<String> {
        if let Some(e) = self.refused.take() {
            return Err(e);
        }
        validate_id("ig_user_id", self.id.as_str())?;
        validate_username(&self.username)?;
        if self.graph.is_instagram_login() {
            return Err(Error::invalid(
                "business_discovery",
                "business discovery is only on graph.facebook.com (Instagram API with Facebook Login)",
            ));
        }
        let fields = self
            .fields
            .as_deref()
            .unwrap_or(DEFAULT_BUSINESS_DISCOVERY_FIELDS);
        let mut out = format!("business_discovery.username({}){{{fields}", self.username);
        if !self.media.skip {
            let m = &self.media;
            let media_fields = m
                .fields
                .as_deref()
                .unwrap_or(DEFAULT_BUSINESS_DISCOVERY_MEDIA_FIELDS);
            if m.after.is_some() && m.before.is_some() {
                return Err(Error::invalid(
                    "media_after",
                    "`media_after` and `media_before` cannot be used together",
                ));
            }
            out.push_str(",media");
            if let Some(after) = &m.after {
                validate_cursor("media_after", after)?;
                out.push_str(&format!(".after({after})"));
            }
            if let Some(before) = &m.before {
                validate_cursor("media_before", before)?;
                out.push_str(&format!(".before({before})"));
            }
            match m.limit {
                Some(0) => return Err(Error::invalid("media_limit", "must be at least 1")),
                Some(limit) => out.push_str(&format!(".limit({limit})")),
                None => {}
            }
            out.push_str(&format!("{{{media_fields}}}"));
        }
        out.push('}');
        Ok(out)
    }

    /// Checks the request (no network), then sends it. An unknown username and one of an
    /// account that is not professional come back as [`Error::NotFound`].
    pub async fn send(mut self) -> Result<BusinessDiscovery> {
        let expression = self.expression()?;
        let answer = self
            .graph
            .get(self.id.to_string())
            .query("fields", expression)
            .send()
            .await;
        answer.map_err(|e| match e.graph() {
            Some(g)
                if g.code == UNKNOWN_USER_CODE && g.error_subcode == Some(UNKNOWN_USER_SUBCODE) =>
            {
                Error::NotFound {
                    what: "professional account",
                    id: self.username.clone(),
                }
            }
            _ => e,
        })
    }
}

impl BusinessDiscovery {
    /// The cursor of the next page of the discovered account's media, for
    /// [`BusinessDiscoveryRequest::media_after`]: the `after` cursor of a page that held media.
    /// `None` when the page was empty or carried no cursor (the last page may still carry one;
    /// the page after it is then empty).
    pub fn next_media_cursor(&self) -> Option<&str> {
        let media = self.business_discovery.media.as_ref()?;
        if media.data.is_empty() {
            return None;
        }
        media.paging.as_ref()?.cursors.as_ref()?.after.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_checked() {
        for bad in [
            "",
            "@bluebottle",
            "blue bottle",
            "blue)bottle",
            "a{b}",
            &"x".repeat(31),
        ] {
            assert!(
                matches!(
                    validate_username(bad),
                    Err(Error::InvalidInput {
                        field: "username",
                        ..
                    })
                ),
                "{bad:?}"
            );
        }
        validate_username("blue.bottle_2026").unwrap();
        validate_username(&"x".repeat(30)).unwrap();
    }

    #[test]
    fn cursors_cannot_break_the_expression() {
        for bad in ["", "abc)", "a{b", "a,b", "a b", "a).limit(1"] {
            assert!(validate_cursor("media_after", bad).is_err(), "{bad:?}");
        }
        validate_cursor("media_after", "QVFIUjRoZAEtOcGc1c2ZA3=").unwrap();
    }
}
