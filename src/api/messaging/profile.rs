//! The Messenger Profile of an account (`/{ig-id|me}/messenger_profile?platform=instagram`:
//! ice breakers, persistent menu) and the User Profile API (`GET /{igsid}`).
//!
//! Both hosts serve them: `graph.instagram.com` with an Instagram Login token on the IG id,
//! `graph.facebook.com` with a Page token (Facebook Login) on the IG id or `me`.

use std::marker::PhantomData;

use serde::Deserialize;
use serde_json::{json, Value};

use super::send::button_json;
use super::validate::{validate_ice_breakers, validate_persistent_menu};
use super::IgUserMessagesHandler;
use crate::api::models::{IceBreakerLocale, MessengerProfileResponse, PersistentMenu, UserProfile};
use crate::api::{join_fields, Graph};
use crate::error::{Error, Result};
use crate::ids::IgUserId;

/// The fields [`GetUserProfile`] reads by default.
pub const DEFAULT_USER_PROFILE_FIELDS: &str =
    "name,username,profile_pic,follower_count,is_user_follow_business,is_business_follow_user";

const ICE_BREAKERS: &str = "ice_breakers";
const PERSISTENT_MENU: &str = "persistent_menu";

impl<'a> IgUserMessagesHandler<'a> {
    /// The account's Messenger Profile: ice breakers and persistent menu.
    pub fn profile(&self) -> MessengerProfileHandler<'a> {
        MessengerProfileHandler {
            graph: self.graph,
            id: self.id.clone(),
        }
    }
}

impl<'a> Graph<'a> {
    /// The User Profile API: `GET /{igsid}?fields=…` for a person who messaged the account
    /// (their Instagram-scoped id, from a webhook or a conversation). Meta answers only once
    /// the person has consented by messaging the account or tapping an ice breaker or the
    /// persistent menu; a commenter who never did gets an error ("User consent is required").
    pub fn user_profile(&self, igsid: impl Into<String>) -> GetUserProfile<'a> {
        GetUserProfile {
            graph: *self,
            igsid: igsid.into(),
            fields: None,
        }
    }
}

/// The Messenger Profile of an account: `ig_user(id).messages().profile()`.
#[derive(Debug, Clone)]
pub struct MessengerProfileHandler<'a> {
    graph: Graph<'a>,
    id: IgUserId,
}

impl<'a> MessengerProfileHandler<'a> {
    /// `GET /{id}/messenger_profile?fields=ice_breakers&platform=instagram`: the ice breakers
    /// per locale (older, unlocalized ones come back as the `default` locale).
    pub fn ice_breakers(&self) -> GetMessengerProfile<'a, IceBreakerLocale> {
        self.get(ICE_BREAKERS, MessengerProfileResponse::ice_breakers)
    }

    /// `POST /{id}/messenger_profile` with `ice_breakers`: replaces the ice breakers (the
    /// `default` locale required, at most 4 questions per locale).
    pub fn set_ice_breakers(&self, ice_breakers: Vec<IceBreakerLocale>) -> SetMessengerProfile<'a> {
        let body = validate_ice_breakers(&ice_breakers)
            .map(|()| json!({ "platform": "instagram", ICE_BREAKERS: ice_breakers }));
        self.set(body)
    }

    /// `DELETE /{id}/messenger_profile` with `fields=["ice_breakers"]`.
    pub fn delete_ice_breakers(&self) -> DeleteMessengerProfile<'a> {
        self.delete(ICE_BREAKERS)
    }

    /// `GET /{id}/messenger_profile?fields=persistent_menu&platform=instagram`.
    pub fn persistent_menu(&self) -> GetMessengerProfile<'a, PersistentMenu> {
        self.get(PERSISTENT_MENU, MessengerProfileResponse::persistent_menu)
    }

    /// `POST /{id}/messenger_profile` with `persistent_menu`: replaces the menu (the `default`
    /// locale required, 1 to 20 `web_url`/`postback` items of at most 30 characters).
    pub fn set_persistent_menu(&self, menu: Vec<PersistentMenu>) -> SetMessengerProfile<'a> {
        let body = validate_persistent_menu(&menu).map(|()| {
            let menu: Vec<Value> = menu
                .iter()
                .map(|l| {
                    json!({
                        "locale": l.locale,
                        "call_to_actions": l.call_to_actions.iter().map(button_json).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({ "platform": "instagram", PERSISTENT_MENU: menu })
        });
        self.set(body)
    }

    /// `DELETE /{id}/messenger_profile` with `fields=["persistent_menu"]`.
    pub fn delete_persistent_menu(&self) -> DeleteMessengerProfile<'a> {
        self.delete(PERSISTENT_MENU)
    }

    fn get<T>(
        &self,
        property: &'static str,
        pick: fn(&MessengerProfileResponse) -> Vec<T>,
    ) -> GetMessengerProfile<'a, T> {
        GetMessengerProfile {
            graph: self.graph,
            id: self.id.clone(),
            property,
            pick,
            _item: PhantomData,
        }
    }

    fn set(&self, body: Result<Value>) -> SetMessengerProfile<'a> {
        SetMessengerProfile {
            graph: self.graph,
            id: self.id.clone(),
            body,
        }
    }

    fn delete(&self, property: &'static str) -> DeleteMessengerProfile<'a> {
        DeleteMessengerProfile {
            graph: self.graph,
            id: self.id.clone(),
            property,
        }
    }
}

fn check_account(id: &IgUserId) -> Result<()> {
    if id.as_str().trim().is_empty() {
        return Err(Error::invalid("ig_user_id", "an account id is required"));
    }
    Ok(())
}

/// Request builder of `GET /{id}/messenger_profile?fields=<property>&platform=instagram`.
#[derive(Debug)]
#[must_use = "a request builder does nothing until `.send()`"]
pub struct GetMessengerProfile<'a, T> {
    graph: Graph<'a>,
    id: IgUserId,
    property: &'static str,
    pick: fn(&MessengerProfileResponse) -> Vec<T>,
    _item: PhantomData<fn() -> T>,
}

impl<T> GetMessengerProfile<'_, T> {
    /// Reads the property, per locale (empty when none is set).
    pub async fn send(self) -> Result<Vec<T>> {
        check_account(&self.id)?;
        let answer: MessengerProfileResponse = self
            .graph
            .get(format!("{}/messenger_profile", self.id))
            .query("fields", self.property)
            .query("platform", "instagram")
            .send()
            .await?;
        Ok((self.pick)(&answer))
    }
}

/// What `POST`/`DELETE /{id}/messenger_profile` answer: `{"result":"success"}`.
#[derive(Debug, Deserialize)]
struct ResultResponse {
    #[serde(default)]
    result: Option<String>,
    #[serde(default)]
    success: Option<bool>,
}

impl ResultResponse {
    fn ok(&self) -> bool {
        self.success == Some(true) || self.result.as_deref() == Some("success")
    }
}

/// Request builder of `POST /{id}/messenger_profile` (ice breakers or persistent menu).
#[derive(Debug)]
#[must_use = "a request builder does nothing until `.send()`"]
pub struct SetMessengerProfile<'a> {
    graph: Graph<'a>,
    id: IgUserId,
    body: Result<Value>,
}

impl SetMessengerProfile<'_> {
    /// Checks the values (before any call), then sets them: `true` when Meta answers
    /// `{"result":"success"}`. Safe to retry (it replaces the property).
    pub async fn send(self) -> Result<bool> {
        check_account(&self.id)?;
        let body = self.body?;
        let answer: ResultResponse = self
            .graph
            .post(format!("{}/messenger_profile", self.id))
            .json_body(body)
            .retry_safe(true)
            .send()
            .await?;
        Ok(answer.ok())
    }
}

/// Request builder of `DELETE /{id}/messenger_profile` with `fields=[<property>]`.
#[derive(Debug)]
#[must_use = "a request builder does nothing until `.send()`"]
pub struct DeleteMessengerProfile<'a> {
    graph: Graph<'a>,
    id: IgUserId,
    property: &'static str,
}

impl DeleteMessengerProfile<'_> {
    /// Removes the property: `true` when Meta answers `{"result":"success"}`.
    pub async fn send(self) -> Result<bool> {
        check_account(&self.id)?;
        let answer: ResultResponse = self
            .graph
            .client()
            .delete(self.graph.host(), format!("{}/messenger_profile", self.id))
            .token(self.graph.token())
            .json_body(json!({ "platform": "instagram", "fields": [self.property] }))
            .retry_safe(true)
            .send()
            .await?;
        Ok(answer.ok())
    }
}

/// Request builder of the User Profile API: `GET /{igsid}?fields=…`.
#[derive(Debug)]
#[must_use = "a request builder does nothing until `.send()`"]
pub struct GetUserProfile<'a> {
    graph: Graph<'a>,
    igsid: String,
    fields: Option<String>,
}

impl GetUserProfile<'_> {
    /// The fields to read (replaces [`DEFAULT_USER_PROFILE_FIELDS`]); `is_verified_user` and
    /// `id` may be added.
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.fields = Some(join_fields(fields));
        self
    }

    /// Reads the profile.
    pub async fn send(self) -> Result<UserProfile> {
        let id = self.igsid.trim();
        if id.is_empty() {
            return Err(Error::invalid("igsid", "a person's IGSID is required"));
        }
        if id.contains('/') || id.contains('?') {
            return Err(Error::invalid("igsid", "not an id"));
        }
        let fields = match self.fields {
            Some(f) if f.is_empty() => {
                return Err(Error::invalid("fields", "at least one field is required"))
            }
            Some(f) => f,
            None => DEFAULT_USER_PROFILE_FIELDS.to_owned(),
        };
        let mut profile: UserProfile = self
            .graph
            .get(id.to_owned())
            .query("fields", fields)
            .send()
            .await?;
        profile.id.get_or_insert_with(|| id.to_owned());
        Ok(profile)
    }
}
