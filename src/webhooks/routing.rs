//! Messaging webhook items about how a conversation started or who answers it: referrals
//! (`messaging_referral`: an ig.me link with `?ref=`, an ad), opt-ins (`messaging_optins`),
//! the handover protocol / conversation routing (`messaging_handover`: thread control passed,
//! taken or requested) and the `standby` channel (items delivered to an app that does not
//! control the thread).

use serde::Serialize;

use super::events::{Event, Extra};

/// `messaging_referral`: `{sender,recipient,timestamp,referral{ref,source,type,…}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReferralEvent {
    /// The entry's id (the account).
    pub entry_id: String,
    /// The entry's time.
    pub time: Option<i64>,
    /// The person who followed the link or ad.
    pub sender_id: Option<String>,
    /// The account.
    pub recipient_id: Option<String>,
    /// When, in Unix milliseconds.
    pub timestamp: Option<i64>,
    /// The `ref` parameter of the link (`https://ig.me/m/<username>?ref=…`).
    #[serde(rename = "ref")]
    pub referral_ref: Option<String>,
    /// Where it came from, e.g. `SHORTLINK`, `ADS`.
    pub source: Option<String>,
    /// What happened, e.g. `OPEN_THREAD`.
    pub kind: Option<String>,
    /// The ad, for a referral from an ad.
    pub ad_id: Option<String>,
    /// Fields of `referral` this version does not model (e.g. `ads_context_data`), kept as sent.
    pub extra: Extra,
    /// Fields beside `sender`, `recipient`, `timestamp` and `referral`, kept as sent.
    pub envelope_extra: Extra,
}

/// `messaging_optins`: `{sender,recipient,timestamp,optin{type,payload,ref,
/// notification_messages_token,…}}` (a person agreed to receive messages, e.g. recurring
/// notifications).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OptinEvent {
    /// The entry's id (the account).
    pub entry_id: String,
    /// The entry's time.
    pub time: Option<i64>,
    /// The person who opted in.
    pub sender_id: Option<String>,
    /// The account.
    pub recipient_id: Option<String>,
    /// When, in Unix milliseconds.
    pub timestamp: Option<i64>,
    /// The kind of opt-in, e.g. `notification_messages`.
    pub kind: Option<String>,
    /// The payload the app set on the request.
    pub payload: Option<String>,
    /// The `ref` of a plugin opt-in.
    #[serde(rename = "ref")]
    pub optin_ref: Option<String>,
    /// The token to send notification messages with.
    pub notification_messages_token: Option<String>,
    /// `active` or `stopped` (the person turned the notifications off).
    pub user_token_status: Option<String>,
    /// Fields of `optin` this version does not model, kept as sent.
    pub extra: Extra,
    /// Fields beside `sender`, `recipient`, `timestamp` and `optin`, kept as sent.
    pub envelope_extra: Extra,
}

/// What happened to the control of a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoverAction {
    /// `pass_thread_control`: control was passed to the new owner.
    PassThreadControl,
    /// `take_thread_control`: the primary app took control.
    TakeThreadControl,
    /// `request_thread_control`: another app asks for control.
    RequestThreadControl,
}

impl HandoverAction {
    /// The key of the item as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PassThreadControl => "pass_thread_control",
            Self::TakeThreadControl => "take_thread_control",
            Self::RequestThreadControl => "request_thread_control",
        }
    }

    pub(super) const ALL: [HandoverAction; 3] = [
        Self::PassThreadControl,
        Self::TakeThreadControl,
        Self::RequestThreadControl,
    ];
}

/// `messaging_handover`: `{sender,recipient,timestamp,pass_thread_control|take_thread_control|
/// request_thread_control{new_owner_app_id,previous_owner_app_id,requested_owner_app_id,metadata}}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HandoverEvent {
    /// The entry's id (the account).
    pub entry_id: String,
    /// The entry's time.
    pub time: Option<i64>,
    /// The person in the thread.
    pub sender_id: Option<String>,
    /// The account.
    pub recipient_id: Option<String>,
    /// When, in Unix milliseconds.
    pub timestamp: Option<i64>,
    /// Passed, taken or requested.
    pub action: HandoverAction,
    /// The app that controls the thread now.
    pub new_owner_app_id: Option<String>,
    /// The app that controlled it before (none: the thread was idle).
    pub previous_owner_app_id: Option<String>,
    /// The app asking for control (`request_thread_control`).
    pub requested_owner_app_id: Option<String>,
    /// The string the calling app attached.
    pub metadata: Option<String>,
    /// Fields of the action this version does not model, kept as sent.
    pub extra: Extra,
    /// Fields beside `sender`, `recipient`, `timestamp` and the action, kept as sent.
    pub envelope_extra: Extra,
}

/// An item of the `standby` channel: what the app receives about a thread another app
/// controls (a message, a read, a postback, …), the item itself typed as any other.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StandbyEvent {
    /// The entry's id (the account).
    pub entry_id: String,
    /// The entry's time.
    pub time: Option<i64>,
    /// The item, read as if it came on the `messaging` channel.
    pub event: Box<Event>,
}
