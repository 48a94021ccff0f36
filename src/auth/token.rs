//! Access tokens that never print themselves.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, OnceLock};

use zeroize::Zeroize;

/// An access token (user, Page, Instagram user or app token).
///
/// `Debug` and `Display` show only the last four characters (`AccessToken(****abcd)`), so a token
/// can be put in a log line, an error or a panic message without leaking. The secret is wiped from
/// memory on drop. Use [`AccessToken::expose`] only where the token must go on the wire or into the
/// sealing step of a store.
///
/// Cloning shares the one copy of the secret (a page, an account's cached access and a handler
/// hold the same token without copying it); the last clone dropped wipes it.
#[derive(Clone)]
pub struct AccessToken(Arc<Secret>);

struct Secret {
    secret: String,
    /// The `appsecret_proof` last computed for this token, with the tag of the app secret it was
    /// computed with: a token kept between calls (by a handler, or an account's cached access)
    /// pays the HMAC once instead of on every call.
    proof: OnceLock<(u64, String)>,
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.secret.zeroize();
    }
}

impl PartialEq for AccessToken {
    fn eq(&self, other: &Self) -> bool {
        self.0.secret == other.0.secret
    }
}

impl Eq for AccessToken {}

impl AccessToken {
    /// Wraps a token string.
    pub fn new(token: impl Into<String>) -> Self {
        Self(Arc::new(Secret {
            secret: token.into(),
            proof: OnceLock::new(),
        }))
    }

    /// The app access token `APP_ID|APP_SECRET` used by `debug_token`.
    pub fn app(app_id: &str, app_secret: &str) -> Self {
        Self::new(format!("{app_id}|{app_secret}"))
    }

    /// The token itself. Call only to send it or seal it.
    pub fn expose(&self) -> &str {
        &self.0.secret
    }

    /// The proof of this token for the app secret tagged `key_tag`: the one kept from an
    /// earlier call when it was computed for the same secret, else `compute`'s (kept when the
    /// token has none yet).
    pub(crate) fn proof(&self, key_tag: u64, compute: impl Fn(&str) -> String) -> Cow<'_, str> {
        let secret = &self.0.secret;
        let (tag, proof) = self.0.proof.get_or_init(|| (key_tag, compute(secret)));
        if *tag == key_tag {
            Cow::Borrowed(proof)
        } else {
            Cow::Owned(compute(secret))
        }
    }

    /// The last four characters, for display (`****abcd`).
    pub fn redacted(&self) -> String {
        let tail: String = self
            .expose()
            .chars()
            .rev()
            .take(4)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if self.expose().chars().count() <= 8 {
            "****".to_owned()
        } else {
            format!("****{tail}")
        }
    }

    /// True when the token is empty or only whitespace.
    pub fn is_blank(&self) -> bool {
        self.expose().trim().is_empty()
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

    #[test]
    fn clones_share_the_one_copy_of_the_secret() {
        let t = AccessToken::new("EAAGsecretsecretsecretWXYZ");
        let copy = t.clone();
        assert_eq!(copy, t);
        assert_eq!(copy.expose().as_ptr(), t.expose().as_ptr());
        drop(t);
        assert_eq!(copy.expose(), "EAAGsecretsecretsecretWXYZ");
    }
}
