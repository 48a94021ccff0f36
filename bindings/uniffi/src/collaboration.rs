//! Collaboration invites of the account ([`AccountGraph`]): the pending ones, and accepting
//! or declining one.

use instagraph::MediaId;

use crate::error::{required, sdk, Result};
use crate::graph::AccountGraph;

/// A pending collaboration invite: another account's media naming this one as collaborator.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CollaborationInvite {
    /// The invited media's id (the one to accept or decline).
    pub media_id: Option<String>,
    /// The username of the account that invited.
    pub media_owner_username: Option<String>,
    /// The media's caption.
    pub caption: Option<String>,
    /// The media's URL.
    pub media_url: Option<String>,
}

#[uniffi::export(async_runtime = "tokio")]
impl AccountGraph {
    /// The account's pending collaboration invites (one page, `limit` 1–100).
    ///
    /// Core: CollaborationInvitesHandler::list
    pub async fn collaboration_invites(&self, limit: u32) -> Result<Vec<CollaborationInvite>> {
        const WHAT: &str = "AccountGraph.collaboration_invites";
        if !(1..=100).contains(&limit) {
            return Err(crate::error::invalid("limit", "must be between 1 and 100"));
        }
        let (client, access) = self.parts();
        let page = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .collaboration_invites()
            .list()
            .limit(limit)
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(page
            .items
            .into_iter()
            .map(|i| CollaborationInvite {
                media_id: i.media_id,
                media_owner_username: i.media_owner_username,
                caption: i.caption,
                media_url: i.media_url,
            })
            .collect())
    }

    /// Accepts (`accept` true) or declines the invite to co-author `media_id`; Meta's
    /// `success`.
    ///
    /// Core: CollaborationInvitesHandler::respond
    pub async fn answer_collaboration_invite(
        &self,
        media_id: String,
        accept: bool,
    ) -> Result<bool> {
        const WHAT: &str = "AccountGraph.answer_collaboration_invite";
        required("media_id", &media_id)?;
        let (client, access) = self.parts();
        access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .collaboration_invites()
            .respond(MediaId::new(media_id), accept)
            .await
            .map_err(|e| sdk(WHAT, e))
    }

    /// Accepts the invite to co-author `media_id`; Meta's `success`.
    ///
    /// Core: CollaborationInvitesHandler::accept
    pub async fn accept_collaboration_invite(&self, media_id: String) -> Result<bool> {
        const WHAT: &str = "AccountGraph.accept_collaboration_invite";
        required("media_id", &media_id)?;
        let (client, access) = self.parts();
        access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .collaboration_invites()
            .accept(MediaId::new(media_id))
            .await
            .map_err(|e| sdk(WHAT, e))
    }

    /// Declines the invite to co-author `media_id`; Meta's `success`.
    ///
    /// Core: CollaborationInvitesHandler::decline
    pub async fn decline_collaboration_invite(&self, media_id: String) -> Result<bool> {
        const WHAT: &str = "AccountGraph.decline_collaboration_invite";
        required("media_id", &media_id)?;
        let (client, access) = self.parts();
        access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .collaboration_invites()
            .decline(MediaId::new(media_id))
            .await
            .map_err(|e| sdk(WHAT, e))
    }
}
