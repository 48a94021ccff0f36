//! [`AuthError`]: why a login could not complete.

/// Why a login could not complete.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The user pressed "Deny" (or Meta refused) on the consent screen.
    #[error("the user denied consent ({reason}): {description}")]
    ConsentDenied {
        /// `error_reason`, e.g. `user_denied`.
        reason: String,
        /// `error_description`.
        description: String,
    },
    /// The state is not one we issued, or it was already used (a replayed callback).
    #[error("unknown or already used OAuth state")]
    StateUnknown,
    /// The state was issued by us but is past its expiry.
    #[error("the OAuth state expired {expired_secs_ago} s ago; start the connection again")]
    StateExpired {
        /// How long ago it expired, in seconds.
        expired_secs_ago: i64,
    },
    /// The state is not well formed (wrong length or characters): it was not issued by us.
    #[error("malformed OAuth state: {0}")]
    StateMalformed(String),
    /// The state was issued for another company or redirect URI than the callback's.
    #[error("the OAuth state was issued for another {0}")]
    StateMismatch(&'static str),
    /// The authorization code was already exchanged (codes are single use).
    #[error("the authorization code was already used")]
    CodeReused,
    /// The authorization code is expired, unknown, or bound to another redirect URI.
    #[error("the authorization code is invalid or expired: {0}")]
    CodeInvalid(String),
    /// A stored token is expired or revoked and cannot be refreshed: the user must connect
    /// again.
    #[error("the stored token {token_id} is no longer valid: the user must connect again")]
    ReconnectRequired {
        /// The stored token's id.
        token_id: String,
    },
    /// The callback carried neither a code nor an error.
    #[error("the OAuth callback has no `code` parameter")]
    MissingCode,
}
