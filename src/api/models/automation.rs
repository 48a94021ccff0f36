//! Messaging automation: the Messenger Profile of an account (ice breakers, persistent menu),
//! buttons, quick replies and generic templates sent with the Send API, and the User Profile
//! API's answer for a person's Instagram-scoped id (IGSID).
//!
//! The request values are plain data; their limits are checked in one place
//! (`api::messaging::validate`) before any call.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One ice breaker: a question a person can tap to start a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct IceBreaker {
    /// The question shown to the person.
    pub question: String,
    /// Sent back in the `messaging_postbacks` webhook when it is tapped.
    pub payload: String,
}

/// The ice breakers of one locale (`default` is required among them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct IceBreakerLocale {
    /// `default` or a Meta locale such as `en_GB`.
    pub locale: String,
    /// At most 4 questions.
    pub call_to_actions: Vec<IceBreaker>,
}

/// A button: in the persistent menu or on a generic template element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Button {
    /// Opens a web page in the in-app browser.
    WebUrl {
        /// The label.
        title: String,
        /// An http(s) URL.
        url: String,
    },
    /// Sends a `messaging_postbacks` webhook with `payload`.
    Postback {
        /// The label.
        title: String,
        /// Sent back in the webhook.
        payload: String,
    },
    /// A button type this version does not model (read back from Meta).
    #[serde(other)]
    Unsupported,
}

/// The persistent menu of one locale (`default` is required among them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PersistentMenu {
    /// `default` or a Meta locale such as `zh_CN`.
    pub locale: String,
    /// The menu items (`web_url` or `postback` buttons).
    #[serde(default)]
    pub call_to_actions: Vec<Button>,
}

/// A quick reply: a button under a text message; tapping it posts `title` as the person's
/// message, with `payload` in the webhook's `quick_reply`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct QuickReply {
    /// The label (at most 20 characters).
    pub title: String,
    /// Sent back in the webhook.
    pub payload: String,
}

/// One element (card) of a generic template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GenericElement {
    /// The title (at most 80 characters).
    pub title: String,
    /// The subtitle (at most 80 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// An http(s) image URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
    /// The page opened when the card itself is tapped (`default_action` of type `web_url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_action_url: Option<String>,
    /// At most 3 buttons.
    #[serde(default)]
    pub buttons: Vec<Button>,
}

/// What the account shows as typing or read: `sender_action` without a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum SenderAction {
    /// The typing bubble appears.
    TypingOn,
    /// The typing bubble goes away.
    TypingOff,
    /// The person's last message is marked as seen.
    MarkSeen,
}

impl SenderAction {
    /// The value as it goes on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TypingOn => "typing_on",
            Self::TypingOff => "typing_off",
            Self::MarkSeen => "mark_seen",
        }
    }
}

/// A person's profile as the User Profile API gives it for their IGSID (fields absent when
/// not requested or not set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct UserProfile {
    /// The IGSID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Their name (null when not set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Their username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Their profile picture URL (expires after a few days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_pic: Option<String>,
    /// Their follower count.
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub follower_count: Option<u64>,
    /// Whether they follow the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_user_follow_business: Option<bool>,
    /// Whether the account follows them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_business_follow_user: Option<bool>,
    /// Whether they are verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_verified_user: Option<bool>,
}

/// `GET /{id}/messenger_profile?fields=…` answers `{"data":[{…}]}`: one object per profile
/// with the requested properties.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct MessengerProfileResponse {
    #[serde(default)]
    pub data: Vec<Value>,
}

impl MessengerProfileResponse {
    /// The ice breakers, per locale. Meta answers the localized form
    /// (`{"call_to_actions":[…],"locale"}` per element) or, for ice breakers set in the older
    /// form, the questions themselves (`{"question","payload"}` per element): those come back
    /// as the `default` locale.
    pub fn ice_breakers(&self) -> Vec<IceBreakerLocale> {
        let mut locales = Vec::new();
        let mut legacy = Vec::new();
        for item in self.items("ice_breakers") {
            if let Ok(l) = serde_json::from_value::<IceBreakerLocale>(item.clone()) {
                locales.push(l);
            } else if let Ok(q) = serde_json::from_value::<IceBreaker>(item.clone()) {
                legacy.push(q);
            }
        }
        if !legacy.is_empty() {
            locales.push(IceBreakerLocale {
                locale: "default".to_owned(),
                call_to_actions: legacy,
            });
        }
        locales
    }

    /// The persistent menu, per locale (elements that do not decode are skipped).
    pub fn persistent_menu(&self) -> Vec<PersistentMenu> {
        self.items("persistent_menu")
            .filter_map(|v| serde_json::from_value(v.clone()).ok())
            .collect()
    }

    /// The elements of `property`: either `data` itself (the ice breakers answer lists them
    /// there) or `data[0][property]`.
    fn items<'s>(&'s self, property: &'s str) -> impl Iterator<Item = &'s Value> + 's {
        let nested: Vec<&Value> = self
            .data
            .iter()
            .filter_map(|d| d.get(property).and_then(Value::as_array))
            .flatten()
            .collect();
        let direct = nested.is_empty();
        nested.into_iter().chain(
            self.data
                .iter()
                .filter(move |d| direct && d.get(property).is_none()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_ice_breaker_forms_decode() {
        let localized: MessengerProfileResponse = serde_json::from_value(json!({"data": [
            {"call_to_actions": [{"question": "Q", "payload": "P"}], "locale": "default"}
        ]}))
        .unwrap();
        assert_eq!(localized.ice_breakers()[0].call_to_actions[0].question, "Q");
        let legacy: MessengerProfileResponse = serde_json::from_value(json!({"data": [
            {"question": "Q1", "payload": "P1"}, {"question": "Q2", "payload": "P2"}
        ]}))
        .unwrap();
        let l = legacy.ice_breakers();
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].locale, "default");
        assert_eq!(l[0].call_to_actions.len(), 2);
        let nested: MessengerProfileResponse = serde_json::from_value(json!({"data": [
            {"ice_breakers": [{"call_to_actions": [], "locale": "en_GB"}],
             "persistent_menu": [{"locale": "default", "call_to_actions": [
                {"type": "postback", "title": "T", "payload": "P"},
                {"type": "nested", "title": "N"}]}]}
        ]}))
        .unwrap();
        assert_eq!(nested.ice_breakers()[0].locale, "en_GB");
        let menu = nested.persistent_menu();
        assert_eq!(menu[0].call_to_actions[1], Button::Unsupported);
    }
}
