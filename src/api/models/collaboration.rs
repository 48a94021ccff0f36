//! Collaboration invites (`GET /{ig-user-id}/collaboration_invites`): media other accounts
//! tagged this account on as a collaborator, waiting for an answer.

use serde::{Deserialize, Serialize};

/// A pending collaboration invite: the media this account was invited to co-author.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CollaborationInvite {
    /// The invited media's id (the one to accept or decline).
    #[serde(
        default,
        deserialize_with = "super::de::opt_string_or_number",
        skip_serializing_if = "Option::is_none"
    )]
    pub media_id: Option<String>,
    /// The username of the account that owns the media and sent the invite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_owner_username: Option<String>,
    /// The media's caption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// The media's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_url: Option<String>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}
