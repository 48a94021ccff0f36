//! `POST /{ig-user-id}/media_publish`: a `FINISHED` container becomes a post, exactly once.

use chrono::Duration;
use serde_json::{json, Value};

use super::super::access::Caller;
use super::super::error::{GraphError, GraphResult};
use super::super::graph::GraphReq;
use super::super::seed::{cdn_url, shortcode_for};
use super::super::world::{Media, World};
use super::model::{Container, ContainerKind, ContainerStatus};

fn not_ready() -> GraphError {
    GraphError::oauth(9007, "Media ID is not available")
        .subcode(2207027)
        .user(
            "Media ID is not available",
            "The media is not ready for publishing, please wait for a moment",
        )
}

fn expired() -> GraphError {
    GraphError::oauth(
        -2,
        "The media you are trying to access has expired. Please try to upload again.",
    )
    .subcode(2207020)
    .user(
        "Media expired",
        "The media you are trying to access has expired. Please try to upload again.",
    )
}

fn quota_exceeded() -> GraphError {
    GraphError::oauth(9, "Application request limit reached")
        .subcode(2207042)
        .user(
            "Max posts reached",
            "You reached maximum number of posts that is allowed to be published by Content Publishing API.",
        )
}

/// Why a container cannot be published now, if it cannot.
fn check_publishable(w: &World, c: &Container) -> GraphResult<()> {
    if c.kind.is_carousel_item() {
        return Err(GraphError::invalid_param(format!(
            "The container {} is a carousel item: publish the carousel container that lists it",
            c.id
        )));
    }
    match w.container_status(c) {
        ContainerStatus::Published => {
            let media = c.published_media.clone().unwrap_or_default();
            return Err(GraphError::oauth(
                9007,
                format!(
                    "The media container {} has already been published as media {media}.",
                    c.id
                ),
            )
            .user(
                "Media already published",
                "This container was already published; it cannot be published again.",
            ));
        }
        ContainerStatus::InProgress | ContainerStatus::Error(_) => return Err(not_ready()),
        ContainerStatus::Expired => return Err(expired()),
        ContainerStatus::Finished => {}
    }
    for id in &c.children {
        let child = w.containers.get(id).ok_or_else(not_ready)?;
        match w.container_status(child) {
            ContainerStatus::Finished => {}
            ContainerStatus::Published => {
                return Err(GraphError::invalid_param(format!(
                    "The carousel child {id} was already published in another carousel"
                )))
            }
            ContainerStatus::Expired => return Err(expired()),
            _ => return Err(not_ready()),
        }
    }
    Ok(())
}

/// A new media object from a container (not yet stored).
fn new_media(
    w: &mut World,
    c: &Container,
    media_type: &str,
    product: &str,
    parent: Option<&str>,
) -> Media {
    let id = w.new_media_id();
    let num: u64 = id.parse().unwrap_or(0);
    let video = media_type == "VIDEO";
    Media {
        ig_id: (3_100_000_000_000_000_000u64 + num % 1_000_000_000).to_string(),
        owner: c.owner.clone(),
        caption: c.caption.clone(),
        media_type: media_type.to_owned(),
        media_product_type: product.to_owned(),
        media_url: cdn_url(num, media_type),
        thumbnail_url: video.then(|| cdn_url(num, "IMAGE")),
        shortcode: shortcode_for(num),
        timestamp: w.now(),
        like_count: 0,
        comments_count: 0,
        is_comment_enabled: true,
        is_shared_to_feed: (c.kind == ContainerKind::Reel).then(|| c.share_to_feed.unwrap_or(true)),
        alt_text: c.alt_text.clone(),
        children: Vec::new(),
        parent: parent.map(str::to_owned),
        id,
    }
}

/// `POST /{ig-user-id}/media_publish?creation_id=`.
///
/// Publishing an already published container never creates a second post: it answers code
/// 9007 without a subcode, with a message naming the media it became, so a client retrying
/// after a lost response can tell "done" from "not ready" (9007/2207027).
pub(crate) fn publish(
    w: &mut World,
    caller: &Caller,
    ig: &str,
    req: &GraphReq<'_>,
) -> GraphResult<Value> {
    caller.require(caller.publish_scope(), 10)?;
    let creation_id = req
        .param("creation_id")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| GraphError::param_required("creation_id"))?
        .to_owned();
    let container = w
        .containers
        .get(&creation_id)
        .filter(|c| c.owner == ig)
        .cloned()
        .ok_or_else(|| {
            GraphError::oauth(24, format!("The media with {creation_id} cannot be found."))
                .subcode(2207006)
                .user("Media not found", "The media container cannot be found.")
        })?;
    check_publishable(w, &container)?;
    let quota = usize::try_from(w.config.publishing_quota).unwrap_or(usize::MAX);
    if w.quota_usage(ig) >= quota {
        return Err(quota_exceeded());
    }

    let (media_type, product) = match container.kind {
        ContainerKind::Image => ("IMAGE", "FEED"),
        ContainerKind::Carousel => ("CAROUSEL_ALBUM", "FEED"),
        ContainerKind::Reel => ("VIDEO", "REELS"),
        ContainerKind::StoryImage => ("IMAGE", "STORY"),
        ContainerKind::StoryVideo => ("VIDEO", "STORY"),
        // Refused by check_publishable.
        ContainerKind::CarouselImage | ContainerKind::CarouselVideo => ("IMAGE", "FEED"),
    };
    let mut media = new_media(w, &container, media_type, product, None);
    let id = media.id.clone();
    for child_id in &container.children {
        let Some(child) = w.containers.get(child_id).cloned() else {
            continue;
        };
        let child_type = if child.kind.is_video() {
            "VIDEO"
        } else {
            "IMAGE"
        };
        let mut m = new_media(w, &child, child_type, "FEED", Some(&id));
        m.caption = None;
        media.children.push(m.id.clone());
        if let Some(c) = w.containers.get_mut(child_id) {
            c.published_media = Some(m.id.clone());
        }
        w.media.insert(m.id.clone(), m);
    }
    let now = media.timestamp;
    let story = container.kind.is_story();
    w.media.insert(id.clone(), media);
    if story {
        w.story_expiry
            .push_back((now + Duration::hours(24), id.clone()));
    }
    if let Some(acct) = w.ig_accounts.get_mut(ig) {
        if story {
            acct.stories.insert(0, id.clone());
        } else {
            acct.media.insert(0, id.clone());
        }
        acct.publishes.push(now);
    }
    if let Some(c) = w.containers.get_mut(&creation_id) {
        c.published_media = Some(id.clone());
    }
    super::super::collab::invite(w, ig, &id, &container.collaborators);
    super::super::shopping::tag_published(w, ig, &id, container.product_tags.as_ref());
    Ok(json!({ "id": id }))
}
