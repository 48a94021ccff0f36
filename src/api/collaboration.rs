//! Collaboration invites, `ig_user(id).collaboration_invites()`: the media other accounts
//! invited this account to co-author (`GET /{ig-user-id}/collaboration_invites`), and the
//! answer to one (`POST /{ig-user-id}/collaboration_invites?media_id&accept`).
//!
//! Instagram API with Facebook Login only; Meta allows 300 of these calls per account per 24
//! hours.

use super::batch::single_call;
use super::comments::validate_id;
use super::ig_user::IgUserHandler;
use super::models::{CollaborationInvite, SuccessResponse};
use super::{Graph, ListEdge};
use crate::error::Result;
use crate::http::GraphRequest;
use crate::ids::{IgUserId, MediaId};

/// Fields of an invite read by default: every field Meta documents.
pub const DEFAULT_COLLABORATION_INVITE_FIELDS: &str =
    "media_id,media_owner_username,caption,media_url";

impl<'a> IgUserHandler<'a> {
    /// Collaboration invites this account received.
    pub fn collaboration_invites(&self) -> CollaborationInvitesHandler<'a> {
        CollaborationInvitesHandler {
            graph: self.graph,
            id: self.id.clone(),
        }
    }
}

/// Collaboration invites of an IG user: `ig_user(id).collaboration_invites()`.
#[derive(Debug, Clone)]
pub struct CollaborationInvitesHandler<'a> {
    graph: Graph<'a>,
    id: IgUserId,
}

impl<'a> CollaborationInvitesHandler<'a> {
    /// `GET /{ig-user-id}/collaboration_invites`: the pending invites, a page at a time
    /// ([`DEFAULT_COLLABORATION_INVITE_FIELDS`] by default).
    pub fn list(&self) -> ListEdge<'a, CollaborationInvite> {
        ListEdge::new(
            self.graph,
            format!("{}/collaboration_invites", self.id),
            DEFAULT_COLLABORATION_INVITE_FIELDS,
        )
    }

    /// Accepts the invite to co-author `media`: the post then shows on this account too.
    pub fn accept(&self, media: impl Into<MediaId>) -> RespondToInvite<'a> {
        self.respond(media, true)
    }

    /// Declines the invite to co-author `media`.
    pub fn decline(&self, media: impl Into<MediaId>) -> RespondToInvite<'a> {
        self.respond(media, false)
    }

    /// `POST /{ig-user-id}/collaboration_invites?media_id=…&accept=true|false`.
    pub fn respond(&self, media: impl Into<MediaId>, accept: bool) -> RespondToInvite<'a> {
        RespondToInvite {
            graph: self.graph,
            user: self.id.clone(),
            media: media.into(),
            accept,
        }
    }
}

/// Request builder of `POST /{ig-user-id}/collaboration_invites`: `.await` it (or `.send()`),
/// or add it to a [`Batch`](super::Batch). Answers Meta's `success`.
#[derive(Debug)]
#[must_use = "a request builder does nothing until awaited or `.send()`"]
pub struct RespondToInvite<'a> {
    graph: Graph<'a>,
    user: IgUserId,
    media: MediaId,
    accept: bool,
}

impl<'a> RespondToInvite<'a> {
    fn into_request(self) -> Result<GraphRequest<'a>> {
        validate_id("ig_user_id", self.user.as_str())?;
        validate_id("media_id", self.media.as_str())?;
        // Answering the same invite the same way twice changes nothing: safe to retry.
        Ok(self
            .graph
            .post(format!("{}/collaboration_invites", self.user))
            .form("media_id", self.media.as_str())
            .form("accept", if self.accept { "true" } else { "false" })
            .retry_safe(true))
    }
}

single_call!(
    RespondToInvite,
    bool,
    SuccessResponse,
    |answer: SuccessResponse| Ok(answer.success)
);
