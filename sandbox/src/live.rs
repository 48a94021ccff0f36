//! Live broadcasts: `GET /{ig-user}/live_media` lists the account's broadcasts in progress
//! (an empty list when it is not live), and `POST /__sandbox/live` starts or ends one.
//!
//! A live broadcast reads back `media_type: BROADCAST`, `media_product_type: LIVE` with
//! `owner` and `username` (as the recorded response in the SDK's fixtures). It stays out of the `media` edge; when it ends it leaves
//! `live_media` and its node stays readable.

use serde_json::{json, Value};

use super::access::Caller;
use super::error::GraphResult;
use super::graph::{list, GraphReq};
use super::nodes;
use super::world::{Media, World};

/// Starts (`live: true`) or ends (`live: false`) a broadcast of `ig`. Answers the broadcast's
/// media id when one starts, or the ids of those that ended.
pub(crate) fn set_live(w: &mut World, ig: &str, live: bool) -> Result<Value, String> {
    if !w.ig_accounts.contains_key(ig) {
        return Err(format!("{ig} is not an IG account of the sandbox"));
    }
    if !live {
        let ended = w.engage.live.remove(ig).unwrap_or_default();
        return Ok(json!({ "ended": ended }));
    }
    let id = w.new_media_id();
    let now = w.now();
    let media = Media {
        id: id.clone(),
        ig_id: format!("3{id}"),
        owner: ig.to_owned(),
        caption: None,
        media_type: "BROADCAST".to_owned(),
        media_product_type: "LIVE".to_owned(),
        media_url: String::new(),
        thumbnail_url: None,
        shortcode: format!("LIVE{id}"),
        timestamp: now,
        like_count: 0,
        comments_count: 0,
        is_comment_enabled: true,
        is_shared_to_feed: None,
        alt_text: None,
        children: Vec::new(),
        parent: None,
    };
    w.media.insert(id.clone(), media);
    w.engage
        .live
        .entry(ig.to_owned())
        .or_default()
        .push(id.clone());
    Ok(json!({ "id": id }))
}

/// `GET /{ig-user}/live_media`: the broadcasts in progress, newest first.
pub(crate) fn live_media(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    ig: &str,
) -> GraphResult<Value> {
    caller.require(caller.basic_scope(), 10)?;
    let mut ids = w.engage.live.get(ig).cloned().unwrap_or_default();
    ids.reverse();
    list(
        w,
        req,
        ids,
        "id,media_type,media_product_type,owner,username",
        nodes::media,
    )
}
