//! Collaboration invites: `GET /{ig-user}/collaboration_invites` (the pending invites, media
//! id, owner's username, caption, media URL) and `POST /{ig-user}/collaboration_invites`
//! (`media_id`, `accept=true|false` → `{"success":true}`).
//!
//! Stateful: publishing a post whose `collaborators` name a sandbox account invites that
//! account (pending). Accepting or declining answers the invite, which then leaves the list;
//! answering again, or for media with no invite, is code 100 (Meta does not document that
//! error, so this is the sandbox's choice). Collaborators that are not sandbox accounts are
//! recorded on the container only. Meta allows 300 calls per account per day; the sandbox
//! does not count them.

use serde_json::{json, Map, Value};

use super::access::Caller;
use super::error::{GraphError, GraphResult};
use super::fields::Field;
use super::graph::{list, GraphReq};
use super::world::World;

/// Fields an invite is read with when the request names none.
const DEFAULT_FIELDS: &str = "media_id,media_owner_username,caption,media_url";

/// What an invited account said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    Pending,
    Accepted,
    Declined,
}

/// One invite: `invitee` (an IG account id) to co-author `media`.
#[derive(Debug, Clone)]
pub(crate) struct Invite {
    pub invitee: String,
    pub media: String,
    pub answer: Answer,
}

/// Invites `collaborators` (usernames) that are sandbox accounts other than `owner` to
/// co-author `media`, newest first.
pub(crate) fn invite(w: &mut World, owner: &str, media: &str, collaborators: &[String]) {
    for username in collaborators {
        let username = username.trim().trim_start_matches('@').to_lowercase();
        let invitee = w
            .ig_accounts
            .values()
            .find(|a| a.username == username && a.id != owner)
            .map(|a| a.id.clone());
        if let Some(invitee) = invitee {
            w.engage.collaboration_invites.insert(
                0,
                Invite {
                    invitee,
                    media: media.to_owned(),
                    answer: Answer::Pending,
                },
            );
        }
    }
}

/// `GET /{ig-user}/collaboration_invites`: the account's pending invites, newest first.
pub(crate) fn invites(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    ig: &str,
) -> GraphResult<Value> {
    caller.require(caller.basic_scope(), 10)?;
    let ids: Vec<String> = w
        .engage
        .collaboration_invites
        .iter()
        .filter(|i| i.invitee == ig && i.answer == Answer::Pending)
        .map(|i| i.media.clone())
        .collect();
    list(w, req, ids, DEFAULT_FIELDS, render)
}

fn render(w: &mut World, media: &str, fields: &[Field]) -> GraphResult<Value> {
    let m = w.media.get(media);
    let owner = m.and_then(|m| w.ig_accounts.get(&m.owner));
    let mut out = Map::new();
    for f in fields {
        let value = match f.name.as_str() {
            "media_id" => json!(media),
            "media_owner_username" => owner.map_or(Value::Null, |a| json!(a.username)),
            "caption" => m
                .and_then(|m| m.caption.clone())
                .map_or(Value::Null, Value::from),
            "media_url" => m.map_or(Value::Null, |m| json!(m.media_url)),
            other => {
                return Err(GraphError::invalid_param(format!(
                    "(#100) Tried accessing nonexisting field ({other}) on node type \
                     (CollaborationInvite)"
                )))
            }
        };
        if !value.is_null() {
            out.insert(f.name.clone(), value);
        }
    }
    Ok(Value::Object(out))
}

/// `POST /{ig-user}/collaboration_invites?media_id&accept`: answers a pending invite.
pub(crate) fn respond(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    ig: &str,
) -> GraphResult<Value> {
    caller.require(caller.basic_scope(), 10)?;
    let media = req
        .param("media_id")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| GraphError::param_required("media_id"))?
        .to_owned();
    let accept = req
        .boolean("accept")?
        .ok_or_else(|| GraphError::param_required("accept"))?;
    let invite = w
        .engage
        .collaboration_invites
        .iter_mut()
        .find(|i| i.invitee == ig && i.media == media && i.answer == Answer::Pending)
        .ok_or_else(|| {
            GraphError::invalid_param(format!(
                "There is no pending collaboration invite for media {media} on this account"
            ))
        })?;
    invite.answer = if accept {
        Answer::Accepted
    } else {
        Answer::Declined
    };
    Ok(json!({ "success": true }))
}
