//! Access tokens that never print themselves.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use zeroize::Zeroize;

/// An access token (user, Page, Instagram user or app token).
///
/// `Debug` and `Display` show only the last four characters (`AccessToken(****abcd)`), so a token
/// can be put in a log line, an error or a panic message without leaking. The secret is wiped from
/// memory on drop. Use [`AccessToken::expose`] only where the token must go on the wire or into the
/// sealing step of a store.
#[derive(Clone)]
pub struct AccessToken {
    secret: String,
    /// The `appsecret_proof` last computed for this token, with the tag of the app secret it was
    /// computed with: a token kept between calls (by a handler, or an account's cached access)
    /// pays the HMAC once instead of on every call.
    proof: OnceLock<(u64, String)>,
}

impl PartialEq for AccessToken {
    fn eq(&self, other: &Self) -> bool {
        self.secret == other.secret
    }
}

impl Eq for AccessToken {}

impl AccessToken {
    /// Wraps a token string.
    pub fn new(token: impl Into<String>) -> Self {
        Self {
            secret: token.into(),
            proof: OnceLock::new(),
        }
    }

    /// The app access token `APP_ID|APP_SECRET` used by `debug_token`.
    pub fn app(app_id: &str, app_secret: &str) -> Self {
        Self::new(format!("{app_id}|{app_secret}"))
    }

    /// The token itself. Call only to send it or seal it.
    pub fn expose(&self) -> &str {
        &self.secret
    }

    /// The proof of this token for the app secret tagged `key_tag`: the one kept from an
    /// earlier call when it was computed for the same secret, else `compute`'s (kept when the
    /// token has none yet).
    pub(crate) fn proof(&self, key_tag: u64, compute: impl Fn(&str) -> String) -> Cow<'_, str> {
        let (tag, proof) = self.proof.get_or_init(|| (key_tag, compute(&self.secret)));
        if *tag == key_tag {
            Cow::Borrowed(proof)
        } else {
            Cow::Owned(compute(&self.secret))
        }
    }

    /// The last four characters, for display (`****abcd`).
    pub fn redacted(&self) -> String {
        let tail: String = self
            .secret
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if self.secret.chars().count() <= 8 {
            "****".to_owned()
        } else {
            format!("****{tail}")
        }
    }

    /// True when the token is empty or only whitespace.
    pub fn is_blank(&self) -> bool {
        self.secret.trim().is_empty()
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccessToken({})", self.redacted())
    }
}

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl Drop for AccessToken {
    fn drop(&mut self) {
        self.secret.zeroize();
    }
}

impl<'de> serde::Deserialize<'de> for AccessToken {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_token() {
        let t = AccessToken::new("EAAGsecretsecretsecretWXYZ");
        assert_eq!(format!("{t:?}"), "AccessToken(****WXYZ)");
        assert_eq!(t.to_string(), "****WXYZ");
        assert!(!format!("{t:?}").contains("secret"));
        assert_eq!(AccessToken::new("short").redacted(), "****");
    }
}
