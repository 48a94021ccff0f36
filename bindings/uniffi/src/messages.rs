//! Reading messages and reacting to them ([`AccountGraph`]): a conversation's newest
//! messages, one message by id, and a reaction set or removed.

use instagraph::api::messaging::Reaction;
use instagraph::api::models::Message;
use instagraph::{ConversationId, MessageId, PageId};

use crate::error::{required, sdk, Result};
use crate::graph::{conversation_summaries, AccountGraph, ConversationSummary, SentMessage};

/// A message of a conversation.
#[derive(Debug, Clone, uniffi::Record)]
pub struct MessageSummary {
    /// The message id.
    pub id: String,
    /// When it was sent (as Meta sends it).
    pub created_time: Option<String>,
    /// The sender's id (IGSID, or the account's id).
    pub from_id: Option<String>,
    /// The sender's username, when known.
    pub from_username: Option<String>,
    /// Its text (none for an attachment only).
    pub text: Option<String>,
    /// How many attachments it carries.
    pub attachment_count: u32,
}

impl From<&Message> for MessageSummary {
    fn from(m: &Message) -> Self {
        MessageSummary {
            id: m.id.as_str().to_owned(),
            created_time: m.created_time.clone(),
            from_id: m.from.as_ref().map(|p| p.id.clone()),
            from_username: m.from.as_ref().and_then(|p| p.username.clone()),
            text: m.message.clone(),
            attachment_count: m
                .attachments
                .as_ref()
                .map_or(0, |a| u32::try_from(a.data.len()).unwrap_or(u32::MAX)),
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl AccountGraph {
    /// The account's conversations read through its linked Page (`/{page-id}/conversations`,
    /// Facebook Login with a Page token), one page, newest first; with `user_id` (an IGSID)
    /// only the conversation with that person.
    ///
    /// Core: FacebookGraph::page_conversations
    #[uniffi::method(default(user_id = None))]
    pub async fn page_conversations(
        &self,
        page_id: String,
        user_id: Option<String>,
    ) -> Result<Vec<ConversationSummary>> {
        const WHAT: &str = "AccountGraph.page_conversations";
        required("page_id", &page_id)?;
        let (client, access) = self.parts();
        let mut request = client
            .facebook(&access.token)
            .page_conversations(PageId::new(page_id));
        if let Some(user) = user_id {
            request = request.user_id(user);
        }
        let page = request.send().await.map_err(|e| sdk(WHAT, e))?;
        Ok(conversation_summaries(&page.items, &access.ig_user_id))
    }

    /// The `limit` newest messages of a conversation (1 to 20: Meta lets only the 20 newest
    /// be read), newest first.
    ///
    /// Core: ConversationHandler::messages
    pub async fn conversation_messages(
        &self,
        conversation_id: String,
        limit: u32,
    ) -> Result<Vec<MessageSummary>> {
        const WHAT: &str = "AccountGraph.conversation_messages";
        required("conversation_id", &conversation_id)?;
        let (client, access) = self.parts();
        let messages = access
            .graph(client)
            .conversation(ConversationId::new(conversation_id))
            .messages()
            .limit(limit as usize)
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(messages.iter().map(MessageSummary::from).collect())
    }

    /// One message by id (its default fields, or `fields` when given; only the 20 newest of
    /// a conversation are readable).
    ///
    /// Core: MessageHandler::get, MessageHandler::get_fields
    pub async fn message(
        &self,
        message_id: String,
        fields: Option<Vec<String>>,
    ) -> Result<MessageSummary> {
        const WHAT: &str = "AccountGraph.message";
        required("message_id", &message_id)?;
        let (client, access) = self.parts();
        let graph = access.graph(client);
        let handler = graph.message(MessageId::new(message_id));
        let message = match fields {
            Some(fields) => handler.get_fields(&fields.join(",")).await,
            None => handler.get().await,
        }
        .map_err(|e| sdk(WHAT, e))?;
        Ok(MessageSummary::from(&message))
    }

    /// Reacts to a message of `recipient_id` (their IGSID) with `reaction` (`love` when
    /// `None`). Safe to retry.
    ///
    /// Core: IgUserMessagesHandler::react
    pub async fn react_to_message(
        &self,
        recipient_id: String,
        message_id: String,
        reaction: Option<String>,
    ) -> Result<SentMessage> {
        const WHAT: &str = "AccountGraph.react_to_message";
        required("recipient_id", &recipient_id)?;
        required("message_id", &message_id)?;
        let reaction = match reaction.as_deref() {
            None | Some("love") => Reaction::Love,
            Some(other) => {
                required("reaction", other)?;
                Reaction::Other(other.to_owned())
            }
        };
        let (client, access) = self.parts();
        let sent = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .messages()
            .react(recipient_id, &MessageId::new(message_id), reaction)
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(SentMessage::from(&sent))
    }

    /// Removes the account's reaction from a message of `recipient_id`. Safe to retry.
    ///
    /// Core: IgUserMessagesHandler::unreact
    pub async fn unreact_to_message(
        &self,
        recipient_id: String,
        message_id: String,
    ) -> Result<SentMessage> {
        const WHAT: &str = "AccountGraph.unreact_to_message";
        required("recipient_id", &recipient_id)?;
        required("message_id", &message_id)?;
        let (client, access) = self.parts();
        let sent = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .messages()
            .unreact(recipient_id, &MessageId::new(message_id))
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(SentMessage::from(&sent))
    }
}
