//! Messaging automation on [`AccountGraph`]: ice breakers and the persistent menu (the
//! Messenger Profile), the User Profile API, sender actions, quick replies and generic
//! templates, and the account's webhook subscription. The value types are the core's (uniffi records and enums); every limit is the
//! core's.

use instagraph::api::messaging::MessageContent;
use instagraph::api::models::{
    GenericElement, IceBreakerLocale, PersistentMenu, QuickReply, SenderAction, UserProfile,
};

use crate::error::{required, sdk, Result};
use crate::graph::{AccountGraph, SentMessage};

#[uniffi::export(async_runtime = "tokio")]
impl AccountGraph {
    /// The account's ice breakers, per locale (empty when none are set).
    ///
    /// Core: MessengerProfileHandler::ice_breakers
    pub async fn ice_breakers(&self) -> Result<Vec<IceBreakerLocale>> {
        const WHAT: &str = "AccountGraph.ice_breakers";
        self.profile_handler()
            .ice_breakers()
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))
    }

    /// Replaces the ice breakers (the `default` locale required, at most 4 questions each).
    ///
    /// Core: MessengerProfileHandler::set_ice_breakers
    pub async fn set_ice_breakers(&self, ice_breakers: Vec<IceBreakerLocale>) -> Result<bool> {
        const WHAT: &str = "AccountGraph.set_ice_breakers";
        self.profile_handler()
            .set_ice_breakers(ice_breakers)
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))
    }

    /// Removes the ice breakers.
    ///
    /// Core: MessengerProfileHandler::delete_ice_breakers
    pub async fn delete_ice_breakers(&self) -> Result<bool> {
        const WHAT: &str = "AccountGraph.delete_ice_breakers";
        self.profile_handler()
            .delete_ice_breakers()
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))
    }

    /// The account's persistent menu, per locale (empty when none is set).
    ///
    /// Core: MessengerProfileHandler::persistent_menu
    pub async fn persistent_menu(&self) -> Result<Vec<PersistentMenu>> {
        const WHAT: &str = "AccountGraph.persistent_menu";
        self.profile_handler()
            .persistent_menu()
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))
    }

    /// Replaces the persistent menu (the `default` locale required, 1 to 20 buttons of at
    /// most 30 characters each).
    ///
    /// Core: MessengerProfileHandler::set_persistent_menu
    pub async fn set_persistent_menu(&self, menu: Vec<PersistentMenu>) -> Result<bool> {
        const WHAT: &str = "AccountGraph.set_persistent_menu";
        self.profile_handler()
            .set_persistent_menu(menu)
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))
    }

    /// Removes the persistent menu.
    ///
    /// Core: MessengerProfileHandler::delete_persistent_menu
    pub async fn delete_persistent_menu(&self) -> Result<bool> {
        const WHAT: &str = "AccountGraph.delete_persistent_menu";
        self.profile_handler()
            .delete_persistent_menu()
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))
    }

    /// The profile of a person who messaged the account (their IGSID); Meta refuses it until
    /// they consented by messaging the account or tapping an ice breaker or the menu.
    ///
    /// Core: Graph::user_profile
    pub async fn user_profile(&self, igsid: String) -> Result<UserProfile> {
        const WHAT: &str = "AccountGraph.user_profile";
        required("igsid", &igsid)?;
        self.access
            .graph(&self.client)
            .user_profile(igsid)
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))
    }

    /// Shows typing, hides it, or marks the person's messages as seen.
    ///
    /// Core: IgUserMessagesHandler::sender_action
    pub async fn sender_action(&self, recipient_id: String, action: SenderAction) -> Result<()> {
        const WHAT: &str = "AccountGraph.sender_action";
        required("recipient_id", &recipient_id)?;
        self.messages()
            .sender_action(recipient_id, action)
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(())
    }

    /// Sends a text with quick replies (1 to 13, titles of at most 20 characters).
    pub async fn send_quick_replies(
        &self,
        recipient_id: String,
        text: String,
        quick_replies: Vec<QuickReply>,
    ) -> Result<SentMessage> {
        const WHAT: &str = "AccountGraph.send_quick_replies";
        required("recipient_id", &recipient_id)?;
        let out = self
            .messages()
            .send(recipient_id, MessageContent::Text(text))
            .quick_replies(quick_replies)
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(SentMessage {
            recipient_id: out.recipient_id,
            message_id: out.message_id.map(|m| m.as_str().to_owned()),
        })
    }

    /// Delivers the account's updates of `fields` (`comments`, `messages`,
    /// `messaging_postbacks`, …) to the app's webhook.
    ///
    /// Core: WebhookSubscriptionHandler::subscribe
    pub async fn subscribe_webhooks(&self, fields: Vec<String>) -> Result<bool> {
        const WHAT: &str = "AccountGraph.subscribe_webhooks";
        self.access
            .graph(&self.client)
            .ig_user(self.access.ig_user_id.clone())
            .webhooks()
            .subscribe(&fields)
            .await
            .map_err(|e| sdk(WHAT, e))
    }

    /// Stops delivering the account's updates to the app's webhook.
    ///
    /// Core: WebhookSubscriptionHandler::unsubscribe
    pub async fn unsubscribe_webhooks(&self) -> Result<bool> {
        const WHAT: &str = "AccountGraph.unsubscribe_webhooks";
        self.access
            .graph(&self.client)
            .ig_user(self.access.ig_user_id.clone())
            .webhooks()
            .unsubscribe()
            .await
            .map_err(|e| sdk(WHAT, e))
    }

    /// Sends a generic template (1 to 10 cards).
    pub async fn send_template(
        &self,
        recipient_id: String,
        elements: Vec<GenericElement>,
    ) -> Result<SentMessage> {
        const WHAT: &str = "AccountGraph.send_template";
        required("recipient_id", &recipient_id)?;
        let out = self
            .messages()
            .send(recipient_id, MessageContent::Template(elements))
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(SentMessage {
            recipient_id: out.recipient_id,
            message_id: out.message_id.map(|m| m.as_str().to_owned()),
        })
    }
}

impl AccountGraph {
    fn messages(&self) -> instagraph::api::IgUserMessagesHandler<'_> {
        self.access
            .graph(&self.client)
            .ig_user(self.access.ig_user_id.clone())
            .messages()
    }

    fn profile_handler(&self) -> instagraph::api::MessengerProfileHandler<'_> {
        self.messages().profile()
    }
}
