//! `/{ig-user-id}/subscribed_apps`, `ig_user(id).webhooks()`: turning webhooks on for an
//! account.

use serde::{Deserialize, Serialize};

use crate::api::models::{ListResponse, SuccessResponse};
use crate::api::{Graph, IgUserHandler};
use crate::error::{Error, Result};
use crate::ids::IgUserId;

/// An app subscribed to an account's webhooks (`GET /{ig-user-id}/subscribed_apps`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscribedApp {
    /// The app's id.
    #[serde(
        default,
        deserialize_with = "opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    /// The app's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The fields the app receives for this account.
    #[serde(default)]
    pub subscribed_fields: Vec<String>,
    /// Fields this version does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// An id sent as a string or a number.
fn opt_id<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        Some(serde_json::Value::Null) | None => None,
        Some(_) => {
            return Err(serde::de::Error::custom(
                "an id must be a string or a number",
            ))
        }
    })
}

/// Checks a `subscribed_fields` list: at least one field, each a bare name.
fn join_subscribed_fields<I, S>(fields: I) -> Result<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::new();
    for f in fields {
        let f = f.as_ref().trim();
        if f.is_empty()
            || !f
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(Error::invalid(
                "subscribed_fields",
                format!("`{f}` is not a webhook field name (lowercase letters, digits, `_`)"),
            ));
        }
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(f);
    }
    if out.is_empty() {
        return Err(Error::invalid(
            "subscribed_fields",
            "at least one field is required (e.g. comments, messages)",
        ));
    }
    Ok(out)
}

impl<'a> IgUserHandler<'a> {
    /// The app's webhook subscription for this account.
    pub fn webhooks(&self) -> WebhookSubscriptionHandler<'a> {
        WebhookSubscriptionHandler {
            graph: self.graph,
            id: self.id.clone(),
        }
    }
}

/// The app's webhook subscription for an IG user: `ig_user(id).webhooks()`.
#[derive(Debug, Clone)]
pub struct WebhookSubscriptionHandler<'a> {
    graph: Graph<'a>,
    id: IgUserId,
}

impl WebhookSubscriptionHandler<'_> {
    /// `POST /{ig-user-id}/subscribed_apps?subscribed_fields=…`: delivers this account's
    /// updates of `fields` (`comments`, `mentions`, `messages`, `message_reactions`,
    /// `messaging_seen`, `messaging_postbacks`, `story_insights`, …) to the app's webhook.
    ///
    /// Safe to repeat (it sets the list), so it is retried like a read. Field names are checked
    /// before any call.
    pub async fn subscribe<I, S>(&self, fields: I) -> Result<bool>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let fields = join_subscribed_fields(fields)?;
        let answer: SuccessResponse = self
            .graph
            .post(format!("{}/subscribed_apps", self.id))
            .query("subscribed_fields", fields)
            .retry_safe(true)
            .send()
            .await?;
        Ok(answer.success)
    }

    /// `DELETE /{ig-user-id}/subscribed_apps`: stops delivering this account's updates to the
    /// app's webhook (every field). Safe to repeat, so it is retried like a read.
    pub async fn unsubscribe(&self) -> Result<bool> {
        if self.id.as_str().trim().is_empty() {
            return Err(Error::invalid("ig_user_id", "an account id is required"));
        }
        let answer: SuccessResponse = self
            .graph
            .client()
            .delete(self.graph.host(), format!("{}/subscribed_apps", self.id))
            .token(self.graph.token())
            .retry_safe(true)
            .send()
            .await?;
        Ok(answer.success)
    }

    /// `GET /{ig-user-id}/subscribed_apps`: the apps receiving this account's webhooks, with
    /// their fields.
    pub async fn subscribed_apps(&self) -> Result<Vec<SubscribedApp>> {
        let list: ListResponse<SubscribedApp> = self
            .graph
            .get(format!("{}/subscribed_apps", self.id))
            .send()
            .await?;
        Ok(list.data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_lists_are_checked() {
        assert_eq!(
            join_subscribed_fields(["comments", " messages "]).unwrap(),
            "comments,messages"
        );
        assert!(join_subscribed_fields(Vec::<String>::new()).is_err());
        assert!(join_subscribed_fields(["comments,messages"]).is_err());
        assert!(join_subscribed_fields([""]).is_err());
    }
}
