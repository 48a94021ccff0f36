//! What the login flows return: tokens with their lifetimes, and `debug_token`'s [`TokenInfo`].
//!
//! Every type here that holds a token keeps it in an [`AccessToken`], whose `Debug` prints only
//! `AccessToken(****abcd)`, so deriving `Debug` on them is safe.

use chrono::{DateTime, TimeDelta, Utc};
use serde::de::{self, Deserializer};
use serde::Deserialize;

use crate::auth::token::AccessToken;

/// A token fresh from the code exchange: about one hour long with Facebook Login and Instagram
/// Login alike. Trade it for a [`LongLivedToken`] before storing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortLivedToken {
    /// The token.
    pub access_token: AccessToken,
    /// `bearer` when Meta says so (Facebook Login); `None` when the answer had no `token_type`.
    pub token_type: Option<String>,
    /// Seconds the token lives, as Meta said (`None` when it did not say).
    pub expires_in: Option<u64>,
    /// `expires_in` added to the time the answer arrived.
    pub expires_at: Option<DateTime<Utc>>,
    /// The user the token belongs to, when the answer names one (Instagram Login does).
    pub user_id: Option<String>,
    /// The permissions granted, when the answer lists them (Instagram Login does).
    pub permissions: Vec<String>,
}

/// A long-lived token (about 60 days), from `exchange_long_lived` or Instagram Login's `refresh`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LongLivedToken {
    /// The token.
    pub access_token: AccessToken,
    /// `bearer` when Meta says so.
    pub token_type: Option<String>,
    /// Seconds the token lives, as Meta said; `None` when Meta gave no expiry (a token that does
    /// not expire).
    pub expires_in: Option<u64>,
    /// `expires_in` added to the time the answer arrived.
    pub expires_at: Option<DateTime<Utc>>,
    /// The user the token belongs to, when the answer names one.
    pub user_id: Option<String>,
    /// The permissions granted, when the answer lists them.
    pub permissions: Vec<String>,
}

/// What `debug_token` says about a token. Holds no token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenInfo {
    /// The app the token was issued for.
    pub app_id: Option<String>,
    /// `USER`, `PAGE`, `APP` (or another kind Meta adds).
    pub kind: Option<String>,
    /// The app's name.
    pub application: Option<String>,
    /// When the token expires; `None` when Meta says `0` (never) or gives no expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// When access to the user's data expires (90 days after the user's last activity); `None`
    /// when Meta says `0` or does not say.
    pub data_access_expires_at: Option<DateTime<Utc>>,
    /// When the token was issued, when Meta says.
    pub issued_at: Option<DateTime<Utc>>,
    /// Whether the token can be used now.
    pub is_valid: bool,
    /// The permissions granted.
    pub scopes: Vec<String>,
    /// The permissions granted on specific objects (Pages, IG accounts, businesses).
    pub granular_scopes: Vec<GranularScope>,
    /// The user the token belongs to.
    pub user_id: Option<String>,
    /// For a Page token, the Page.
    pub profile_id: Option<String>,
    /// Why the token is invalid, when it is.
    pub error: Option<TokenInfoError>,
}

impl TokenInfo {
    /// Whether the token is valid and, if it has an expiry, not past it at `now`.
    pub fn is_usable_at(&self, now: DateTime<Utc>) -> bool {
        self.is_valid && self.expires_at.map_or(true, |at| at > now)
    }

    /// Whether the token was granted `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }
}

/// One entry of `granular_scopes`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct GranularScope {
    /// The permission.
    pub scope: String,
    /// The objects it was granted on; empty when it applies to every object.
    #[serde(deserialize_with = "ids_lenient")]
    pub target_ids: Vec<String>,
}

/// The `error` object `debug_token` puts in `data` for an invalid token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct TokenInfoError {
    /// Meta's error code (`190` for an invalid or expired token).
    pub code: i64,
    /// Meta's message.
    pub message: String,
    /// The subcode (`463` expired, `460` password changed, …).
    pub subcode: Option<i64>,
}

// ---- wire shapes -------------------------------------------------------------------------------

/// The answer of every token-issuing call, flat. Unknown fields are ignored.
#[derive(Deserialize)]
pub(crate) struct RawToken {
    pub(crate) access_token: AccessToken,
    #[serde(default)]
    pub(crate) token_type: Option<String>,
    #[serde(default, deserialize_with = "u64_lenient")]
    pub(crate) expires_in: Option<u64>,
    #[serde(default, deserialize_with = "string_lenient")]
    pub(crate) user_id: Option<String>,
    #[serde(default, deserialize_with = "permissions_lenient")]
    pub(crate) permissions: Vec<String>,
}

impl RawToken {
    fn parts(self, now: DateTime<Utc>) -> TokenParts {
        let expires_at = self.expires_in.and_then(|secs| {
            let secs = i64::try_from(secs).ok()?;
            now.checked_add_signed(TimeDelta::try_seconds(secs)?)
        });
        TokenParts {
            access_token: self.access_token,
            token_type: self.token_type,
            expires_in: self.expires_in,
            expires_at,
            user_id: self.user_id,
            permissions: self.permissions,
        }
    }

    pub(crate) fn short_lived(self, now: DateTime<Utc>) -> ShortLivedToken {
        let p = self.parts(now);
        ShortLivedToken {
            access_token: p.access_token,
            token_type: p.token_type,
            expires_in: p.expires_in,
            expires_at: p.expires_at,
            user_id: p.user_id,
            permissions: p.permissions,
        }
    }

    pub(crate) fn long_lived(self, now: DateTime<Utc>) -> LongLivedToken {
        let p = self.parts(now);
        LongLivedToken {
            access_token: p.access_token,
            token_type: p.token_type,
            expires_in: p.expires_in,
            expires_at: p.expires_at,
            user_id: p.user_id,
            permissions: p.permissions,
        }
    }
}

struct TokenParts {
    access_token: AccessToken,
    token_type: Option<String>,
    expires_in: Option<u64>,
    expires_at: Option<DateTime<Utc>>,
    user_id: Option<String>,
    permissions: Vec<String>,
}

/// Instagram Login's code exchange answers `{"data":[{…}]}` or the flat object [Meta's pages
/// disagree]; both are read.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum RawInstagramCode {
    Wrapped { data: Vec<RawToken> },
    Flat(RawToken),
}

impl RawInstagramCode {
    pub(crate) fn into_token(self) -> Option<RawToken> {
        match self {
            RawInstagramCode::Wrapped { data } => data.into_iter().next(),
            RawInstagramCode::Flat(token) => Some(token),
        }
    }
}

/// `debug_token`'s envelope.
#[derive(Deserialize)]
pub(crate) struct RawDebugEnvelope {
    pub(crate) data: RawTokenInfo,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RawTokenInfo {
    #[serde(deserialize_with = "string_lenient")]
    app_id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    application: Option<String>,
    #[serde(deserialize_with = "i64_lenient")]
    expires_at: Option<i64>,
    #[serde(deserialize_with = "i64_lenient")]
    data_access_expires_at: Option<i64>,
    #[serde(deserialize_with = "i64_lenient")]
    issued_at: Option<i64>,
    is_valid: bool,
    scopes: Vec<String>,
    granular_scopes: Vec<GranularScope>,
    #[serde(deserialize_with = "string_lenient")]
    user_id: Option<String>,
    #[serde(deserialize_with = "string_lenient")]
    profile_id: Option<String>,
    error: Option<TokenInfoError>,
}

impl From<RawTokenInfo> for TokenInfo {
    fn from(raw: RawTokenInfo) -> Self {
        TokenInfo {
            app_id: raw.app_id,
            kind: raw.kind,
            application: raw.application,
            expires_at: unix_or_never(raw.expires_at),
            data_access_expires_at: unix_or_never(raw.data_access_expires_at),
            issued_at: unix_or_never(raw.issued_at),
            is_valid: raw.is_valid,
            scopes: raw.scopes,
            granular_scopes: raw.granular_scopes,
            user_id: raw.user_id,
            profile_id: raw.profile_id,
            error: raw.error,
        }
    }
}

/// Meta's `{"success":true}`.
#[derive(Deserialize)]
pub(crate) struct RawSuccess {
    #[serde(default)]
    pub(crate) success: bool,
}

/// A Unix time in seconds, where `0` (and anything not positive) means "never".
fn unix_or_never(secs: Option<i64>) -> Option<DateTime<Utc>> {
    secs.filter(|s| *s > 0)
        .and_then(|s| DateTime::from_timestamp(s, 0))
}

// ---- lenient field readers -----------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(untagged)]
enum NumOrStr {
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(String),
}

fn u64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Option::<NumOrStr>::deserialize(d)? {
        None => None,
        Some(NumOrStr::UInt(n)) => Some(n),
        Some(NumOrStr::Int(n)) => u64::try_from(n).ok(),
        Some(NumOrStr::Float(f)) if f.is_finite() && f >= 0.0 => Some(f as u64),
        Some(NumOrStr::Float(_)) => None,
        Some(NumOrStr::Str(s)) if s.trim().is_empty() => None,
        Some(NumOrStr::Str(s)) => Some(
            s.trim()
                .parse()
                .map_err(|_| de::Error::custom("expected a number of seconds"))?,
        ),
    })
}

fn i64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Option::<NumOrStr>::deserialize(d)? {
        None => None,
        Some(NumOrStr::Int(n)) => Some(n),
        Some(NumOrStr::UInt(n)) => i64::try_from(n).ok(),
        Some(NumOrStr::Float(f)) if f.is_finite() => Some(f as i64),
        Some(NumOrStr::Float(_)) => None,
        Some(NumOrStr::Str(s)) if s.trim().is_empty() => None,
        Some(NumOrStr::Str(s)) => Some(
            s.trim()
                .parse()
                .map_err(|_| de::Error::custom("expected a Unix time"))?,
        ),
    })
}

fn string_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<NumOrStr>::deserialize(d)? {
        None => None,
        Some(NumOrStr::Int(n)) => Some(n.to_string()),
        Some(NumOrStr::UInt(n)) => Some(n.to_string()),
        // Ids above 2^53 arrive as floats from some JSON writers; they cannot be recovered.
        Some(NumOrStr::Float(_)) => return Err(de::Error::custom("an id that is not an integer")),
        Some(NumOrStr::Str(s)) => Some(s),
    })
}

fn ids_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let items = Option::<Vec<NumOrStr>>::deserialize(d)?.unwrap_or_default();
    items
        .into_iter()
        .map(|item| match item {
            NumOrStr::Int(n) => Ok(n.to_string()),
            NumOrStr::UInt(n) => Ok(n.to_string()),
            NumOrStr::Str(s) => Ok(s),
            NumOrStr::Float(_) => Err(de::Error::custom("an id that is not an integer")),
        })
        .collect()
}

/// `permissions` as `"a,b"` or `["a","b"]`.
fn permissions_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Perms {
        List(Vec<String>),
        Joined(String),
    }
    Ok(match Option::<Perms>::deserialize(d)? {
        None => Vec::new(),
        Some(Perms::List(list)) => list
            .into_iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        Some(Perms::Joined(s)) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_instagram_code_shapes() {
        let now = Utc::now();
        let wrapped: RawInstagramCode = serde_json::from_str(
            r#"{"data":[{"access_token":"IGQWRtokentoken","user_id":"17841400000000001","permissions":"instagram_business_basic,instagram_business_content_publish"}]}"#,
        )
        .unwrap();
        let t = wrapped.into_token().unwrap().short_lived(now);
        assert_eq!(t.user_id.as_deref(), Some("17841400000000001"));
        assert_eq!(t.permissions.len(), 2);
        let flat: RawInstagramCode = serde_json::from_str(
            r#"{"access_token":"IGQWRtokentoken","user_id":17841400000000001,"permissions":["a","b"]}"#,
        )
        .unwrap();
        let t = flat.into_token().unwrap().short_lived(now);
        assert_eq!(t.user_id.as_deref(), Some("17841400000000001"));
        assert_eq!(t.permissions, vec!["a", "b"]);
        assert!(t.expires_at.is_none());
    }

    #[test]
    fn expiry_is_computed_and_zero_means_never() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let raw: RawToken =
            serde_json::from_str(r#"{"access_token":"x","expires_in":"3600"}"#).unwrap();
        let t = raw.long_lived(now);
        assert_eq!(t.expires_at, DateTime::from_timestamp(1_700_003_600, 0));
        assert_eq!(unix_or_never(Some(0)), None);
        assert!(unix_or_never(Some(1_700_000_000)).is_some());
    }
}
