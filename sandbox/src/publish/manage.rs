//! Managing what was published: the publishing quota read-out, the comment switch, deletion
//! and the stories edge.

use serde_json::{json, Value};

use super::super::access::Caller;
use super::super::error::{GraphError, GraphResult};
use super::super::graph::GraphReq;
use super::super::world::{Login, World};

/// `GET /{ig-user-id}/content_publishing_limit?fields=quota_usage,config`.
pub(crate) fn publishing_limit(
    w: &mut World,
    caller: &Caller,
    ig: &str,
    req: &GraphReq<'_>,
) -> GraphResult<Value> {
    caller.require(caller.publish_scope(), 10)?;
    let fields = req.fields("quota_usage")?;
    let mut item = serde_json::Map::new();
    for f in &fields {
        match f.name.as_str() {
            "quota_usage" => {
                item.insert("quota_usage".into(), json!(w.quota_usage(ig)));
            }
            "config" => {
                item.insert(
                    "config".into(),
                    json!({ "quota_total": w.config.publishing_quota, "quota_duration": 86400 }),
                );
            }
            other => {
                return Err(GraphError::nonexisting_field(
                    other,
                    "ContentPublishingLimitResponse",
                ))
            }
        }
    }
    Ok(json!({ "data": [Value::Object(item)] }))
}

/// `POST /{media-id}?comment_enabled=true|false`, the only update Meta allows on media.
pub(crate) fn update_media(
    w: &mut World,
    caller: &Caller,
    id: &str,
    req: &GraphReq<'_>,
) -> GraphResult<Value> {
    let scope = match caller.login() {
        Login::Facebook => "instagram_manage_comments",
        Login::Instagram => "instagram_business_manage_comments",
    };
    caller.require(scope, 10)?;
    let enabled = req
        .boolean("comment_enabled")?
        .ok_or_else(|| GraphError::param_required("comment_enabled"))?;
    if let Some(m) = w.media.get_mut(id) {
        m.is_comment_enabled = enabled;
    }
    Ok(json!({ "success": true }))
}

/// `DELETE /{media-id}`: the owner's tokens only (the route checks reach), with
/// `instagram_manage_contents` (Facebook Login) or `instagram_business_content_publish`
/// (Instagram Login). Carousel children cannot be deleted alone (2207073); deleting a
/// carousel deletes its children. Deleted media leave every list and answer 100/33.
pub(crate) fn delete_media(w: &mut World, caller: &Caller, id: &str) -> GraphResult<Value> {
    let scope = match caller.login() {
        Login::Facebook => "instagram_manage_contents",
        Login::Instagram => "instagram_business_content_publish",
    };
    caller.require(scope, 10)?;
    let Some(m) = w.media.get(id) else {
        return Err(GraphError::unsupported("DELETE", id));
    };
    if m.parent.is_some() {
        return Err(GraphError::oauth(
            100,
            "(#100) A carousel child cannot be deleted on its own: delete the carousel.",
        )
        .subcode(2207073)
        .user(
            "Cannot delete a carousel item",
            "Items of a carousel cannot be deleted individually.",
        ));
    }
    let owner = m.owner.clone();
    let children = m.children.clone();
    for c in &children {
        w.media.remove(c);
    }
    w.media.remove(id);
    if let Some(acct) = w.ig_accounts.get_mut(&owner) {
        acct.media.retain(|x| x != id);
        acct.stories.retain(|x| x != id);
    }
    Ok(json!({ "success": true, "deleted_id": id }))
}

/// `GET /{ig-user-id}/stories`: the live stories, newest first.
pub(crate) fn story_ids(w: &World, ig: &str) -> Vec<String> {
    w.ig_accounts
        .get(ig)
        .map(|a| a.stories.clone())
        .unwrap_or_default()
}
