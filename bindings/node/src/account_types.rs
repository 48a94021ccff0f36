//! What `AccountManager` answers, as `#[napi(object, use_nullable = true)]` values (their TypeScript is generated).
//! Times are RFC 3339 strings.

use chrono::{DateTime, Utc};
use instagraph::accounts;
use instagraph::store::{self, LoginKind};
use napi_derive::napi;

use crate::convert::{camel_keys, number};

fn time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339()
}

/// The OAuth flow of a connection or a token.
#[napi(string_enum = "lowercase")]
pub enum Login {
    /// Facebook Login (Pages and Business Manager).
    Facebook,
    /// Instagram Login (Instagram professional accounts without a Page).
    Instagram,
}

impl From<LoginKind> for Login {
    fn from(kind: LoginKind) -> Self {
        match kind {
            LoginKind::Facebook => Login::Facebook,
            LoginKind::Instagram => Login::Instagram,
        }
    }
}

/// An account discovered or added (a row of the store).
#[napi(object, use_nullable = true)]
pub struct AccountRecord {
    /// The tenant that owns the row.
    pub company: String,
    /// The Instagram professional account id.
    pub ig_user_id: String,
    /// The agency client the connection was started for.
    pub client_id: Option<String>,
    /// The Facebook user it was reached through (Facebook Login).
    pub facebook_user_id: Option<String>,
    /// The stored token that reaches it.
    pub token_id: Option<String>,
    /// The Facebook Page it is linked to.
    pub page_id: Option<String>,
    /// The Business Manager it was found in.
    pub business_id: Option<String>,
    /// How it was found: `page_linked`, `business_owned`, `business_client` or
    /// `instagram_login`.
    pub source: String,
    /// Whether it was added (`AccountManager.add`).
    pub is_added: bool,
    /// The agency client it is assigned to.
    pub assigned_client_id: Option<String>,
    /// Its handle, as last seen.
    pub username: Option<String>,
    /// Its display name, as last seen.
    pub name: Option<String>,
    /// Its profile picture, as last seen.
    pub profile_picture_url: Option<String>,
    /// Its followers, as last seen.
    pub followers_count: Option<i64>,
    /// `BUSINESS`, `MEDIA_CREATOR`, ... as last seen.
    pub account_type: Option<String>,
    /// When it was first stored.
    pub created_at: String,
    /// When the row last changed.
    pub updated_at: String,
}

impl From<&store::AccountRecord> for AccountRecord {
    fn from(r: &store::AccountRecord) -> Self {
        let text = |id: Option<&str>| id.map(str::to_owned);
        Self {
            company: r.company.as_str().to_owned(),
            ig_user_id: r.ig_user_id.as_str().to_owned(),
            client_id: text(r.client_id.as_ref().map(|c| c.as_str())),
            facebook_user_id: text(r.facebook_user_id.as_ref().map(|c| c.as_str())),
            token_id: text(r.token_id.as_ref().map(|c| c.as_str())),
            page_id: text(r.page_id.as_ref().map(|c| c.as_str())),
            business_id: text(r.business_id.as_ref().map(|c| c.as_str())),
            source: r.source.as_str().to_owned(),
            is_added: r.is_added,
            assigned_client_id: text(r.assigned_client_id.as_ref().map(|c| c.as_str())),
            username: r.username.clone(),
            name: r.name.clone(),
            profile_picture_url: r.profile_picture_url.clone(),
            followers_count: r.followers_count,
            account_type: r.account_type.clone(),
            created_at: time(&r.created_at),
            updated_at: time(&r.updated_at),
        }
    }
}

/// The result of `AccountManager.startConnect`.
#[napi(object, use_nullable = true)]
pub struct ConnectStart {
    /// The authorize URL to send the user to.
    pub url: String,
    /// The state it carries (stored, single use).
    pub state: String,
    /// The redirect URI the callback will come to.
    pub redirect_uri: String,
    /// The scopes asked for.
    pub scopes: Vec<String>,
    /// The app id.
    pub app_id: String,
    /// When the state stops being accepted.
    pub expires_at: String,
}

impl From<&accounts::ConnectStart> for ConnectStart {
    fn from(s: &accounts::ConnectStart) -> Self {
        Self {
            url: s.url.clone(),
            state: s.state.clone(),
            redirect_uri: s.redirect_uri.clone(),
            scopes: s.scopes.clone(),
            app_id: s.app_id.clone(),
            expires_at: time(&s.expires_at),
        }
    }
}

/// A discovery call skipped for a missing permission.
#[napi(object, use_nullable = true)]
pub struct SkippedCall {
    /// The edge, e.g. `me/businesses`.
    pub edge: String,
    /// The Graph error code.
    pub code: i64,
    /// Meta's message.
    pub message: String,
}

/// The result of `AccountManager.finishConnect` and `discover`.
#[napi(object, use_nullable = true)]
pub struct Connection {
    /// The company.
    pub company: String,
    /// The login flow used.
    pub login: Login,
    /// The Facebook user id (Facebook Login) or the Instagram user id (Instagram Login).
    pub user_id: String,
    /// The user's name, when known.
    pub user_name: Option<String>,
    /// The user's email, when known.
    pub email: Option<String>,
    /// The stored long-lived user token's id (hand this to a frontend, never the token).
    pub token_id: String,
    /// When that token expires.
    pub token_expires_at: Option<String>,
    /// Every account the connection reaches, as stored now.
    pub accounts: Vec<AccountRecord>,
    /// How many of them were new to the company.
    pub inserted: i64,
    /// Discovery calls skipped for a missing permission.
    pub skipped: Vec<SkippedCall>,
    /// The user's business portfolios (Facebook Login).
    pub businesses: Vec<NamedObject>,
    /// Pages reached that have no Instagram account linked.
    pub pages_without_instagram: Vec<NamedObject>,
}

/// A Facebook object discovery found (a business, a Page), by id and name.
#[napi(object, use_nullable = true)]
pub struct NamedObject {
    /// Its id.
    pub id: String,
    /// Its name, when known.
    pub name: Option<String>,
}

fn named(list: &[accounts::NamedObject]) -> Vec<NamedObject> {
    list.iter()
        .map(|o| NamedObject {
            id: o.id.clone(),
            name: o.name.clone(),
        })
        .collect()
}

impl From<&accounts::Connection> for Connection {
    fn from(c: &accounts::Connection) -> Self {
        Self {
            company: c.company.as_str().to_owned(),
            login: c.login.into(),
            user_id: c.user_id.clone(),
            user_name: c.user_name.clone(),
            email: c.email.clone(),
            token_id: c.token_id.as_str().to_owned(),
            token_expires_at: c.token_expires_at.as_ref().map(time),
            accounts: c.accounts.iter().map(AccountRecord::from).collect(),
            inserted: number(c.inserted),
            skipped: c
                .skipped
                .iter()
                .map(|s| SkippedCall {
                    edge: s.edge.clone(),
                    code: s.code,
                    message: s.message.clone(),
                })
                .collect(),
            businesses: named(&c.businesses),
            pages_without_instagram: named(&c.pages_without_instagram),
        }
    }
}

/// What `add`, `assign` and `unassign` changed.
#[napi(object, use_nullable = true)]
pub struct UpdateOutcome {
    /// Rows changed.
    pub updated: i64,
    /// The ids the company has no account for.
    pub unknown: Vec<String>,
}

impl UpdateOutcome {
    /// From what `add` (`AddOutcome`) or `assign` (`AssignOutcome`) answer.
    pub fn new(updated: u64, unknown: &[instagraph::IgUserId]) -> Self {
        Self {
            updated: number(updated),
            unknown: unknown.iter().map(|i| i.as_str().to_owned()).collect(),
        }
    }
}

/// An added account with its live profile.
#[napi(object, use_nullable = true)]
pub struct AddedAccount {
    /// The stored row.
    pub account: AccountRecord,
    /// The IG user as the API gives it now (camelCase keys).
    #[napi(ts_type = "Record<string, unknown>")]
    pub live: Option<serde_json::Value>,
    /// Why the live profile is missing (an expired token, a removed permission, ...).
    pub live_error: Option<String>,
}

/// The result of `AccountManager.added`.
#[napi(object, use_nullable = true)]
pub struct AddedAccounts {
    /// The accounts of this page.
    pub items: Vec<AddedAccount>,
    /// How many accounts match the query in all.
    pub total: i64,
}

impl From<&accounts::AddedAccounts> for AddedAccounts {
    fn from(a: &accounts::AddedAccounts) -> Self {
        Self {
            items: a
                .items
                .iter()
                .map(|item| AddedAccount {
                    account: AccountRecord::from(&item.account),
                    live: item
                        .live
                        .as_ref()
                        .and_then(|l| serde_json::to_value(l).ok())
                        .map(camel_keys),
                    live_error: item.live_error.clone(),
                })
                .collect(),
            total: number(a.total),
        }
    }
}

/// One account's assignment to an agency client.
#[napi(object, use_nullable = true)]
pub struct Assignment {
    /// The account.
    pub ig_user_id: String,
    /// Its handle, as last seen.
    pub username: Option<String>,
    /// The client it is assigned to.
    pub client_id: String,
}

impl From<&accounts::Assignment> for Assignment {
    fn from(a: &accounts::Assignment) -> Self {
        Self {
            ig_user_id: a.ig_user_id.as_str().to_owned(),
            username: a.username.clone(),
            client_id: a.client_id.as_str().to_owned(),
        }
    }
}

/// What `AccountManager.disconnect` did.
#[napi(object, use_nullable = true)]
pub struct DisconnectOutcome {
    /// Whether Meta confirmed the revocation (`false` when the token was already dead).
    pub revoked: bool,
    /// Account rows removed.
    pub accounts_removed: i64,
    /// Tokens deleted (the user's and the Page tokens of its accounts).
    pub tokens_deleted: i64,
}

impl From<&accounts::DisconnectOutcome> for DisconnectOutcome {
    fn from(o: &accounts::DisconnectOutcome) -> Self {
        Self {
            revoked: o.revoked,
            accounts_removed: number(o.accounts_removed),
            tokens_deleted: number(o.tokens_deleted),
        }
    }
}

/// The page `AccountManager.accounts` returns (stored rows, no API call).
#[napi(object, use_nullable = true)]
pub struct AccountPage {
    /// The rows of this page.
    pub items: Vec<AccountRecord>,
    /// How many rows match in all.
    pub total: i64,
    /// Rows skipped.
    pub offset: i64,
    /// The page size asked for.
    pub limit: i64,
}

impl From<&store::AccountPage> for AccountPage {
    fn from(p: &store::AccountPage) -> Self {
        Self {
            items: p.items.iter().map(AccountRecord::from).collect(),
            total: number(p.total),
            offset: number(p.offset),
            limit: number(p.limit),
        }
    }
}

/// The result of `AccountManager.connectionStatus`.
#[napi(object, use_nullable = true)]
pub struct ConnectionStatus {
    /// The stored token.
    pub token_id: String,
    /// The login flow it came from.
    pub login: Login,
    /// Whether Meta says it works.
    pub valid: bool,
    /// When it expires (`null`: never).
    pub expires_at: Option<String>,
    /// Scopes granted.
    pub scopes: Vec<String>,
    /// Default scopes of the flow that were not granted (ask again with `rerequest`).
    pub missing_scopes: Vec<String>,
    /// Meta's reason when it is not valid.
    pub reason: Option<String>,
    /// Valid, but ending within a week: due for `sweepTokens` or, when it cannot be refreshed,
    /// for its user to connect again.
    pub expiring: bool,
}

impl From<&accounts::ConnectionStatus> for ConnectionStatus {
    fn from(s: &accounts::ConnectionStatus) -> Self {
        Self {
            token_id: s.token_id.as_str().to_owned(),
            login: s.login.into(),
            valid: s.valid,
            expires_at: s.expires_at.as_ref().map(time),
            scopes: s.scopes.clone(),
            missing_scopes: s.missing_scopes.clone(),
            reason: s.reason.clone(),
            expiring: s.expiring,
        }
    }
}

/// A token the sweep refreshed.
#[napi(object, use_nullable = true)]
pub struct RefreshedToken {
    /// The stored token.
    pub token_id: String,
    /// Its new expiry.
    pub expires_at: Option<String>,
}

/// A connection whose user must log in again.
#[napi(object, use_nullable = true)]
pub struct ReconnectNeeded {
    /// The stored token.
    pub token_id: String,
    /// The login flow to send the user through.
    pub login: Login,
    /// The Facebook user, Page or Instagram user the token belongs to.
    pub subject_id: String,
    /// When it expires or expired.
    pub expires_at: Option<String>,
    /// Why it cannot be kept alive.
    pub reason: String,
    /// The company's accounts that depend on it.
    pub accounts: Vec<String>,
}

/// The result of `AccountManager.sweepTokens`.
#[napi(object, use_nullable = true)]
pub struct SweepReport {
    /// Tokens refreshed (Instagram Login), with their new expiry.
    pub refreshed: Vec<RefreshedToken>,
    /// Connections whose user must log in again, with the accounts that depend on them.
    pub reconnect: Vec<ReconnectNeeded>,
}

impl From<&accounts::SweepReport> for SweepReport {
    fn from(r: &accounts::SweepReport) -> Self {
        Self {
            refreshed: r
                .refreshed
                .iter()
                .map(|(id, expires)| RefreshedToken {
                    token_id: id.as_str().to_owned(),
                    expires_at: expires.as_ref().map(time),
                })
                .collect(),
            reconnect: r
                .reconnect
                .iter()
                .map(|n| ReconnectNeeded {
                    token_id: n.token_id.as_str().to_owned(),
                    login: n.login.into(),
                    subject_id: n.subject_id.clone(),
                    expires_at: n.expires_at.as_ref().map(time),
                    reason: n.reason.clone(),
                    accounts: n.accounts.iter().map(|a| a.as_str().to_owned()).collect(),
                })
                .collect(),
        }
    }
}
