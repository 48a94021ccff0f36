//! `Automation`: an account's ice breakers and persistent menu (the Messenger Profile), the
//! User Profile API for a person's IGSID, and sender actions (typing, seen). The values'
//! types are also what `Messaging.send` takes for quick replies and generic templates. Every
//! limit is the core's (a bad value rejects with `InvalidInputError` naming the field).

use std::sync::Arc;

use instagraph::api::models::{
    Button, GenericElement, IceBreaker, IceBreakerLocale, PersistentMenu, QuickReply, SenderAction,
    UserProfile,
};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::account_graph::open;
use crate::accounts::AccountManager;
use crate::convert::required;
use crate::error::{guard, sdk_error, type_error};
use crate::store::Lazy;

/// One ice breaker question.
#[napi(object)]
pub struct JsIceBreaker {
    /// The question shown.
    pub question: String,
    /// Sent back in the `messaging_postbacks` webhook.
    pub payload: String,
}

/// The ice breakers of one locale (`default` is required among them).
#[napi(object)]
pub struct JsIceBreakerLocale {
    /// `default` or a locale such as `en_GB`.
    pub locale: String,
    /// At most 4 questions.
    pub call_to_actions: Vec<JsIceBreaker>,
}

/// A `web_url` (with `url`) or `postback` (with `payload`) button.
#[napi(object)]
pub struct JsButton {
    /// `web_url` or `postback`.
    #[napi(js_name = "type")]
    pub kind: String,
    /// The label.
    pub title: String,
    /// The page a `web_url` button opens.
    pub url: Option<String>,
    /// What a `postback` button sends back.
    pub payload: Option<String>,
}

/// The persistent menu of one locale (`default` is required among them).
#[napi(object)]
pub struct JsPersistentMenu {
    /// `default` or a locale.
    pub locale: String,
    /// 1 to 20 buttons.
    pub call_to_actions: Vec<JsButton>,
}

/// A quick reply under a text message.
#[napi(object)]
pub struct JsQuickReply {
    /// The label (at most 20 characters).
    pub title: String,
    /// Sent back in the webhook's `quickReplyPayload`.
    pub payload: String,
}

/// One card of a generic template.
#[napi(object)]
pub struct JsGenericElement {
    /// The title (at most 80 characters).
    pub title: String,
    /// The subtitle (at most 80 characters).
    pub subtitle: Option<String>,
    /// An http(s) image URL.
    pub image_url: Option<String>,
    /// The page opened when the card is tapped.
    pub default_action_url: Option<String>,
    /// At most 3 buttons.
    pub buttons: Option<Vec<JsButton>>,
}

/// A person's profile from the User Profile API.
#[napi(object)]
pub struct IgUserProfile {
    /// Their IGSID.
    pub id: Option<String>,
    /// Their name.
    pub name: Option<String>,
    /// Their username.
    pub username: Option<String>,
    /// Their profile picture URL (expires after a few days).
    pub profile_pic: Option<String>,
    /// Their follower count.
    pub follower_count: Option<f64>,
    /// Whether they follow the account.
    pub is_user_follow_business: Option<bool>,
    /// Whether the account follows them.
    pub is_business_follow_user: Option<bool>,
    /// Whether they are verified.
    pub is_verified_user: Option<bool>,
}

pub(crate) fn button(argument: &str, b: JsButton) -> napi::Result<Button> {
    match b.kind.as_str() {
        "web_url" => Ok(Button::WebUrl {
            title: b.title,
            url: b
                .url
                .ok_or_else(|| type_error(argument, "a web_url button needs `url`"))?,
        }),
        "postback" => Ok(Button::Postback {
            title: b.title,
            payload: b
                .payload
                .ok_or_else(|| type_error(argument, "a postback button needs `payload`"))?,
        }),
        other => Err(type_error(
            argument,
            format!("{other:?} is not one of web_url, postback"),
        )),
    }
}

fn js_button(b: Button) -> Option<JsButton> {
    match b {
        Button::WebUrl { title, url } => Some(JsButton {
            kind: "web_url".into(),
            title,
            url: Some(url),
            payload: None,
        }),
        Button::Postback { title, payload } => Some(JsButton {
            kind: "postback".into(),
            title,
            url: None,
            payload: Some(payload),
        }),
        Button::Unsupported => None,
    }
}

pub(crate) fn quick_replies(list: Vec<JsQuickReply>) -> Vec<QuickReply> {
    list.into_iter()
        .map(|q| QuickReply {
            title: q.title,
            payload: q.payload,
        })
        .collect()
}

pub(crate) fn template(list: Vec<JsGenericElement>) -> napi::Result<Vec<GenericElement>> {
    list.into_iter()
        .map(|e| {
            Ok(GenericElement {
                title: e.title,
                subtitle: e.subtitle,
                image_url: e.image_url,
                default_action_url: e.default_action_url,
                buttons: e
                    .buttons
                    .unwrap_or_default()
                    .into_iter()
                    .map(|b| button("message.template.buttons", b))
                    .collect::<napi::Result<_>>()?,
            })
        })
        .collect()
}

fn profile(p: UserProfile) -> IgUserProfile {
    IgUserProfile {
        id: p.id,
        name: p.name,
        username: p.username,
        profile_pic: p.profile_pic,
        follower_count: p.follower_count.map(|n| n as f64),
        is_user_follow_business: p.is_user_follow_business,
        is_business_follow_user: p.is_business_follow_user,
        is_verified_user: p.is_verified_user,
    }
}

/// Messaging automation of an account. Constructed from an `AccountManager`.
#[napi]
pub struct Automation {
    lazy: Arc<Lazy>,
}

#[napi]
impl Automation {
    /// Automation of the accounts of `accounts`.
    #[napi(constructor)]
    pub fn new(accounts: &AccountManager) -> Self {
        Self {
            lazy: accounts.lazy.clone(),
        }
    }

    /// The account's ice breakers, per locale (empty when none are set).
    ///
    /// Core: MessengerProfileHandler::ice_breakers
    #[napi]
    pub async fn ice_breakers(
        &self,
        company_id: String,
        ig_user_id: String,
    ) -> Result<Vec<JsIceBreakerLocale>> {
        const WHAT: &str = "Automation.iceBreakers";
        guard(WHAT, async {
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let got = account
                .graph()
                .ig_user(account.ig().clone())
                .messages()
                .profile()
                .ice_breakers()
                .send()
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(got
                .into_iter()
                .map(|l| JsIceBreakerLocale {
                    locale: l.locale,
                    call_to_actions: l
                        .call_to_actions
                        .into_iter()
                        .map(|q| JsIceBreaker {
                            question: q.question,
                            payload: q.payload,
                        })
                        .collect(),
                })
                .collect())
        })
        .await
    }

    /// Replaces the ice breakers (`default` locale required, at most 4 questions each).
    ///
    /// Core: MessengerProfileHandler::set_ice_breakers
    #[napi]
    pub async fn set_ice_breakers(
        &self,
        company_id: String,
        ig_user_id: String,
        ice_breakers: Vec<JsIceBreakerLocale>,
    ) -> Result<bool> {
        const WHAT: &str = "Automation.setIceBreakers";
        guard(WHAT, async {
            let locales = ice_breakers
                .into_iter()
                .map(|l| IceBreakerLocale {
                    locale: l.locale,
                    call_to_actions: l
                        .call_to_actions
                        .into_iter()
                        .map(|q| IceBreaker {
                            question: q.question,
                            payload: q.payload,
                        })
                        .collect(),
                })
                .collect();
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            account
                .graph()
                .ig_user(account.ig().clone())
                .messages()
                .profile()
                .set_ice_breakers(locales)
                .send()
                .await
                .map_err(|e| sdk_error(WHAT, e))
        })
        .await
    }

    /// Removes the ice breakers.
    ///
    /// Core: MessengerProfileHandler::delete_ice_breakers
    #[napi]
    pub async fn delete_ice_breakers(
        &self,
        company_id: String,
        ig_user_id: String,
    ) -> Result<bool> {
        const WHAT: &str = "Automation.deleteIceBreakers";
        guard(WHAT, async {
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            account
                .graph()
                .ig_user(account.ig().clone())
                .messages()
                .profile()
                .delete_ice_breakers()
                .send()
                .await
                .map_err(|e| sdk_error(WHAT, e))
        })
        .await
    }

    /// The account's persistent menu, per locale (empty when none is set).
    ///
    /// Core: MessengerProfileHandler::persistent_menu
    #[napi]
    pub async fn persistent_menu(
        &self,
        company_id: String,
        ig_user_id: String,
    ) -> Result<Vec<JsPersistentMenu>> {
        const WHAT: &str = "Automation.persistentMenu";
        guard(WHAT, async {
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let got = account
                .graph()
                .ig_user(account.ig().clone())
                .messages()
                .profile()
                .persistent_menu()
                .send()
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(got
                .into_iter()
                .map(|l| JsPersistentMenu {
                    locale: l.locale,
                    call_to_actions: l
                        .call_to_actions
                        .into_iter()
                        .filter_map(js_button)
                        .collect(),
                })
                .collect())
        })
        .await
    }

    /// Replaces the persistent menu (`default` locale required, 1 to 20 buttons of at most 30
    /// characters each).
    ///
    /// Core: MessengerProfileHandler::set_persistent_menu
    #[napi]
    pub async fn set_persistent_menu(
        &self,
        company_id: String,
        ig_user_id: String,
        menu: Vec<JsPersistentMenu>,
    ) -> Result<bool> {
        const WHAT: &str = "Automation.setPersistentMenu";
        guard(WHAT, async {
            let menu = menu
                .into_iter()
                .map(|l| {
                    Ok(PersistentMenu {
                        locale: l.locale,
                        call_to_actions: l
                            .call_to_actions
                            .into_iter()
                            .map(|b| button("menu.callToActions", b))
                            .collect::<napi::Result<_>>()?,
                    })
                })
                .collect::<napi::Result<Vec<_>>>()?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            account
                .graph()
                .ig_user(account.ig().clone())
                .messages()
                .profile()
                .set_persistent_menu(menu)
                .send()
                .await
                .map_err(|e| sdk_error(WHAT, e))
        })
        .await
    }

    /// Removes the persistent menu.
    ///
    /// Core: MessengerProfileHandler::delete_persistent_menu
    #[napi]
    pub async fn delete_persistent_menu(
        &self,
        company_id: String,
        ig_user_id: String,
    ) -> Result<bool> {
        const WHAT: &str = "Automation.deletePersistentMenu";
        guard(WHAT, async {
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            account
                .graph()
                .ig_user(account.ig().clone())
                .messages()
                .profile()
                .delete_persistent_menu()
                .send()
                .await
                .map_err(|e| sdk_error(WHAT, e))
        })
        .await
    }

    /// The profile of a person who messaged the account (their IGSID). Meta refuses it until
    /// the person has consented by messaging the account (or tapping an ice breaker or menu).
    ///
    /// Core: Graph::user_profile
    #[napi]
    pub async fn user_profile(
        &self,
        company_id: String,
        ig_user_id: String,
        igsid: String,
    ) -> Result<IgUserProfile> {
        const WHAT: &str = "Automation.userProfile";
        guard(WHAT, async {
            required("igsid", &igsid)?;
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            let p = account
                .graph()
                .user_profile(igsid)
                .send()
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(profile(p))
        })
        .await
    }

    /// `typing_on`, `typing_off` or `mark_seen` towards a person (their IGSID).
    ///
    /// Core: IgUserMessagesHandler::sender_action
    #[napi]
    pub async fn sender_action(
        &self,
        company_id: String,
        ig_user_id: String,
        recipient_id: String,
        action: String,
    ) -> Result<bool> {
        const WHAT: &str = "Automation.senderAction";
        guard(WHAT, async {
            required("recipientId", &recipient_id)?;
            let action = match action.as_str() {
                "typing_on" => SenderAction::TypingOn,
                "typing_off" => SenderAction::TypingOff,
                "mark_seen" => SenderAction::MarkSeen,
                other => {
                    return Err(type_error(
                        "action",
                        format!("{other:?} is not one of typing_on, typing_off, mark_seen"),
                    ))
                }
            };
            let account = open(&self.lazy, WHAT, &company_id, &ig_user_id).await?;
            account
                .graph()
                .ig_user(account.ig().clone())
                .messages()
                .sender_action(recipient_id, action)
                .await
                .map_err(|e| sdk_error(WHAT, e))?;
            Ok(true)
        })
        .await
    }
}
