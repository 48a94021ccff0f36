//! OAuth `state`: issued at the redirect to Meta, kept in an [`OAuthStateStore`], consumed once
//! at the callback; and the callback's query, read into [`CallbackParams`].
//!
//! A state is 32 random bytes in unpadded base64url (43 characters). It binds the callback to
//! the company, login flow and redirect URI that started the flow, expires after
//! [`crate::Config::state_ttl`] (30 minutes by default, like the old service) and can be used
//! once: a replayed callback finds nothing and gets [`AuthError::StateUnknown`].

use std::collections::HashMap;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, TimeDelta, Utc};
use rand::RngCore;

use crate::error::{AuthError, Error, Result};
use crate::ids::{AgencyClientId, CompanyId};
use crate::store::{truncate_time, LoginKind, OAuthStateRecord, OAuthStateStore};

/// Length of an issued state: 32 bytes in unpadded base64url.
pub const STATE_LEN: usize = 43;

/// Issues and consumes OAuth states through a store. Get one from [`Client::oauth_states`](crate::Client::oauth_states) (it
/// takes the configured lifetime) or [`OAuthStates::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OAuthStates {
    ttl: Duration,
}

impl OAuthStates {
    /// A helper whose states live `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Self { ttl }
    }

    /// How long an issued state stays valid.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// A fresh random state (32 bytes, base64url, 43 characters), not stored.
    pub fn generate() -> String {
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Issues a state for `company` and stores it; it expires after the configured lifetime.
    ///
    /// `redirect_uri` and `scopes` are what the authorize URL carries (the code exchange must
    /// repeat the redirect URI exactly). Store it with any [`OAuthStateStore`], e.g.
    /// `store.backend().as_ref()`.
    pub async fn issue_state<S>(
        &self,
        store: &S,
        company: &CompanyId,
        login: LoginKind,
        redirect_uri: &str,
        scopes: &[String],
        client_id: Option<&AgencyClientId>,
    ) -> Result<OAuthStateRecord>
    where
        S: OAuthStateStore + ?Sized,
    {
        self.issue_state_with(
            store,
            Self::generate(),
            company,
            login,
            redirect_uri,
            scopes,
            client_id,
            Utc::now(),
        )
        .await
    }

    /// [`OAuthStates::issue_state`] with a given state value and clock (the state must be
    /// well formed, see [`OAuthStates::validate_format`]).
    #[allow(clippy::too_many_arguments)]
    pub async fn issue_state_with<S>(
        &self,
        store: &S,
        state: String,
        company: &CompanyId,
        login: LoginKind,
        redirect_uri: &str,
        scopes: &[String],
        client_id: Option<&AgencyClientId>,
        now: DateTime<Utc>,
    ) -> Result<OAuthStateRecord>
    where
        S: OAuthStateStore + ?Sized,
    {
        Self::validate_format(&state).map_err(|e| Error::invalid("state", e.to_string()))?;
        if company.as_str().trim().is_empty() {
            return Err(Error::invalid("company", "must not be empty"));
        }
        if redirect_uri.trim().is_empty() {
            return Err(Error::invalid("redirect_uri", "must not be empty"));
        }
        let ttl =
            TimeDelta::from_std(self.ttl).map_err(|_| Error::config("state_ttl", "is too long"))?;
        let created_at = truncate_time(now);
        let expires_at = created_at
            .checked_add_signed(ttl)
            .ok_or_else(|| Error::config("state_ttl", "is too long"))?;
        let record = OAuthStateRecord {
            state,
            company: company.clone(),
            login,
            redirect_uri: redirect_uri.to_owned(),
            scopes: scopes.to_vec(),
            client_id: client_id.cloned(),
            created_at,
            expires_at,
        };
        store.put_state(record.clone()).await?;
        Ok(record)
    }

    /// Takes the state out of the store (single use) and checks it is not expired at `now`.
    ///
    /// - a value that is not 43 base64url characters → [`AuthError::StateMalformed`], before
    ///   the store is touched;
    /// - never issued, or already consumed → [`AuthError::StateUnknown`];
    /// - past its expiry → [`AuthError::StateExpired`] (and it is consumed all the same).
    ///
    /// Check the company, login flow and redirect URI with [`OAuthStates::check`] afterwards.
    pub async fn consume_state<S>(
        &self,
        store: &S,
        state: &str,
        now: DateTime<Utc>,
    ) -> Result<OAuthStateRecord>
    where
        S: OAuthStateStore + ?Sized,
    {
        Self::validate_format(state)?;
        let record = store
            .take_state(state)
            .await?
            .ok_or(AuthError::StateUnknown)?;
        if record.expires_at <= now {
            let expired_secs_ago = (now - record.expires_at).num_seconds();
            return Err(AuthError::StateExpired { expired_secs_ago }.into());
        }
        Ok(record)
    }

    /// Whether `state` has the shape of an issued state (43 base64url characters).
    pub fn validate_format(state: &str) -> Result<(), AuthError> {
        if state.len() != STATE_LEN {
            return Err(AuthError::StateMalformed(format!(
                "expected {STATE_LEN} characters, got {}",
                state.chars().count()
            )));
        }
        if !state
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(AuthError::StateMalformed(
                "characters outside the base64url alphabet".into(),
            ));
        }
        Ok(())
    }

    /// Checks a consumed record against what the callback expects; a difference gives
    /// [`AuthError::StateMismatch`] naming what differs (`company`, `login flow`,
    /// `redirect URI`). Unset expectations are not checked.
    pub fn check(record: &OAuthStateRecord, expected: &StateCheck<'_>) -> Result<(), AuthError> {
        if let Some(company) = expected.company {
            if &record.company != company {
                return Err(AuthError::StateMismatch("company"));
            }
        }
        if let Some(login) = expected.login {
            if record.login != login {
                return Err(AuthError::StateMismatch("login flow"));
            }
        }
        if let Some(uri) = expected.redirect_uri {
            if record.redirect_uri != uri {
                return Err(AuthError::StateMismatch("redirect URI"));
            }
        }
        Ok(())
    }
}

/// What a callback expects of its state; see [`OAuthStates::check`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StateCheck<'a> {
    /// The company the callback is for.
    pub company: Option<&'a CompanyId>,
    /// The login flow the callback belongs to.
    pub login: Option<LoginKind>,
    /// The redirect URI the callback arrived on.
    pub redirect_uri: Option<&'a str>,
}

/// A successful callback: the code to exchange and the state to consume.
///
/// `Debug` hides the code (it can be exchanged for a token for an hour).
#[derive(Clone, PartialEq, Eq)]
pub struct CallbackParams {
    /// The authorization code, Instagram's trailing `#_` removed.
    pub code: String,
    /// The `state` parameter.
    pub state: String,
}

impl std::fmt::Debug for CallbackParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallbackParams")
            .field("code", &"****")
            .field("state", &self.state)
            .finish()
    }
}

impl CallbackParams {
    /// Reads a callback from its query string (`code=…&state=…`, with or without the leading
    /// `?`) or from the whole callback URL.
    pub fn from_query(query: &str) -> Result<Self> {
        let query = query.trim();
        let pairs: Vec<(String, String)> = if query.contains("://") {
            let url = url::Url::parse(query)
                .map_err(|e| Error::invalid("callback", format!("not a URL: {e}")))?;
            url.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        } else {
            let query = query.strip_prefix('?').unwrap_or(query);
            url::form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        };
        Self::from_pairs(pairs)
    }

    /// Reads a callback from its decoded parameters (a web framework's query map).
    ///
    /// - `error=…` (`access_denied` when the user pressed "Cancel") or Facebook's
    ///   `error_code`/`error_message` → [`AuthError::ConsentDenied`] with `error_reason` and
    ///   `error_description`;
    /// - no `code` → [`AuthError::MissingCode`];
    /// - no `state` → [`AuthError::StateMalformed`].
    pub fn from_pairs<I, K, V>(pairs: I) -> Result<Self>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut map: HashMap<String, String> = HashMap::new();
        for (k, v) in pairs {
            map.entry(k.as_ref().to_owned())
                .or_insert_with(|| v.as_ref().to_owned());
        }
        let get = |k: &str| {
            map.get(k)
                .map(|v| strip_fragment(v).trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        if let Some(error) = get("error") {
            return Err(AuthError::ConsentDenied {
                reason: get("error_reason").unwrap_or(error),
                description: get("error_description").unwrap_or_default(),
            }
            .into());
        }
        if let Some(code) = get("error_code") {
            return Err(AuthError::ConsentDenied {
                reason: format!("error_code {code}"),
                description: get("error_message").unwrap_or_default(),
            }
            .into());
        }
        let code = get("code").ok_or(AuthError::MissingCode)?;
        let state = get("state").ok_or_else(|| {
            AuthError::StateMalformed("the callback has no `state` parameter".into())
        })?;
        Ok(Self { code, state })
    }
}

/// Reads a callback query; see [`CallbackParams::from_query`].
pub fn parse_callback(query: &str) -> Result<CallbackParams> {
    CallbackParams::from_query(query)
}

/// Instagram appends `#_` to the redirect; when it reaches us inside a value, drop it.
fn strip_fragment(value: &str) -> &str {
    match value.find('#') {
        Some(i) => &value[..i],
        None => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_states_are_well_formed_and_distinct() {
        let a = OAuthStates::generate();
        let b = OAuthStates::generate();
        assert_eq!(a.len(), STATE_LEN);
        assert_ne!(a, b);
        OAuthStates::validate_format(&a).unwrap();
        assert!(OAuthStates::validate_format("short").is_err());
        assert!(OAuthStates::validate_format(&"+".repeat(STATE_LEN)).is_err());
    }

    #[test]
    fn callback_strips_instagram_suffix_and_maps_denial() {
        let p = parse_callback("?code=AQBx123#_&state=abc").unwrap();
        assert_eq!(p.code, "AQBx123");
        let p = parse_callback("code=AQBx123%23_&state=abc").unwrap();
        assert_eq!(p.code, "AQBx123");
        assert!(!format!("{p:?}").contains("AQBx"));
        let p = parse_callback("https://app.example/cb?code=C1&state=S1#_").unwrap();
        assert_eq!((p.code.as_str(), p.state.as_str()), ("C1", "S1"));
        let e = parse_callback(
            "error=access_denied&error_reason=user_denied&error_description=Permissions+error&state=s",
        )
        .unwrap_err();
        assert!(matches!(
            e,
            Error::Auth(AuthError::ConsentDenied { ref reason, ref description })
                if reason == "user_denied" && description == "Permissions error"
        ));
        assert!(matches!(
            parse_callback("state=s").unwrap_err(),
            Error::Auth(AuthError::MissingCode)
        ));
    }
}
