//! The apps subscribed to the account's webhooks ([`AccountGraph`]); subscribing and
//! unsubscribing are in `automation`.

use crate::error::{sdk, Result};
use crate::graph::AccountGraph;

/// An app subscribed to the account's webhooks.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SubscribedApp {
    /// The app's id.
    pub id: Option<String>,
    /// The app's name.
    pub name: Option<String>,
    /// The fields the app receives for this account.
    pub subscribed_fields: Vec<String>,
}

#[uniffi::export(async_runtime = "tokio")]
impl AccountGraph {
    /// The apps that receive the account's webhook updates, with their fields.
    ///
    /// Core: WebhookSubscriptionHandler::subscribed_apps
    pub async fn subscribed_apps(&self) -> Result<Vec<SubscribedApp>> {
        const WHAT: &str = "AccountGraph.subscribed_apps";
        let (client, access) = self.parts();
        let apps = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .webhooks()
            .subscribed_apps()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(apps
            .into_iter()
            .map(|a| SubscribedApp {
                id: a.id,
                name: a.name,
                subscribed_fields: a.subscribed_fields,
            })
            .collect())
    }
}
