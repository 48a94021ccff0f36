//! `POST /{ig-user-id}/media`: every container type, validated as Meta validates at creation.

use chrono::Duration;
use serde_json::{json, Value};

use super::super::access::Caller;
use super::super::error::{GraphError, GraphResult};
use super::super::graph::GraphReq;
use super::super::server::hosts;
use super::super::world::{later, World};
use super::markers;
use super::model::{Container, ContainerKind, Upload};
use super::params::{self, not_supported, MAX_CHILDREN, MIN_CHILDREN};

fn unknown_media_type(t: &str) -> GraphError {
    GraphError::oauth(100, format!("The media type {t} is unknown."))
        .subcode(2207023)
        .user(
            "Unknown media type",
            "The media type entered is not one of the expected media types.",
        )
}

/// Which container the parameters ask for.
fn kind_of(req: &GraphReq<'_>, resumable: bool) -> GraphResult<ContainerKind> {
    let media_type = params::text(req, "media_type").map(|t| t.to_ascii_uppercase());
    let item = req.boolean("is_carousel_item")?.unwrap_or(false);
    let has_video = resumable || params::text(req, "video_url").is_some();
    let not_item = |t: &str| {
        GraphError::invalid_param(format!(
            "media_type {t} cannot be a carousel item: carousel items are images or media_type=VIDEO"
        ))
    };
    Ok(match (media_type.as_deref(), item) {
        (Some("CAROUSEL"), false) => ContainerKind::Carousel,
        (Some("REELS"), false) => ContainerKind::Reel,
        (Some("STORIES"), false) if has_video => ContainerKind::StoryVideo,
        (Some("STORIES"), false) => ContainerKind::StoryImage,
        (Some(t @ ("CAROUSEL" | "REELS" | "STORIES")), true) => return Err(not_item(t)),
        (Some("VIDEO"), true) => ContainerKind::CarouselVideo,
        (Some("VIDEO"), false) => {
            return Err(GraphError::oauth(
                100,
                "(#100) The VIDEO media type is only supported for carousel items \
                 (is_carousel_item=true). To publish a single video, use media_type=REELS.",
            )
            .subcode(2207023)
            .user(
                "Use REELS for videos",
                "Single feed videos are published as reels: set media_type to REELS.",
            ))
        }
        (None | Some("IMAGE"), _) if has_video => {
            return Err(GraphError::invalid_param(
                "video_url needs media_type REELS, STORIES, or VIDEO with is_carousel_item=true",
            ))
        }
        (None | Some("IMAGE"), true) => ContainerKind::CarouselImage,
        (None | Some("IMAGE"), false) => ContainerKind::Image,
        (Some(other), _) => return Err(unknown_media_type(other)),
    })
}

/// The configured processing time of a kind; a carousel's depends on its children (only one
/// with a video item takes `carousel_processing_ms`).
fn processing_of(w: &World, kind: ContainerKind, children: &[String]) -> Duration {
    let ms = match kind {
        ContainerKind::Image | ContainerKind::CarouselImage | ContainerKind::StoryImage => {
            w.config.image_processing_ms
        }
        ContainerKind::CarouselVideo => w.config.video_processing_ms,
        ContainerKind::Reel => w.config.reel_processing_ms,
        ContainerKind::StoryVideo => w.config.story_processing_ms,
        ContainerKind::Carousel => {
            let has_video = children.iter().any(|id| {
                w.containers
                    .get(id)
                    .is_some_and(|c| c.kind == ContainerKind::CarouselVideo)
            });
            if has_video {
                w.config.carousel_processing_ms
            } else {
                0
            }
        }
    };
    Duration::milliseconds(i64::try_from(ms).unwrap_or(i64::MAX / 2_000_000))
}

/// Parameters the kind does not take that the request carries: refused when
/// `reject_inapplicable_params` is set, else returned so the caller ignores them (Meta's
/// reference lists each type's parameters without saying that others are refused).
fn inapplicable(
    w: &World,
    req: &GraphReq<'_>,
    kind: ContainerKind,
) -> GraphResult<Vec<&'static str>> {
    use ContainerKind::*;
    let given = |name: &str| req.param(name).is_some_and(|v| !v.trim().is_empty());
    let label = kind.label();
    let rules: [(&'static str, bool); 13] = [
        (
            "image_url",
            matches!(kind, Image | CarouselImage | StoryImage),
        ),
        ("video_url", kind.is_video()),
        ("children", kind == Carousel),
        ("caption", !kind.is_carousel_item()),
        ("alt_text", matches!(kind, Image | CarouselImage)),
        ("user_tags", kind != Carousel),
        ("product_tags", !kind.is_story() && kind != Carousel),
        ("collaborators", matches!(kind, Image | Carousel | Reel)),
        ("share_to_feed", kind == Reel),
        ("cover_url", kind == Reel),
        ("audio_name", kind == Reel),
        ("thumb_offset", matches!(kind, Reel | CarouselVideo)),
        ("trial_params", kind == Reel),
    ];
    let mut ignored = Vec::new();
    for (name, allowed) in rules {
        if !given(name) || allowed {
            continue;
        }
        if !w.config.reject_inapplicable_params {
            ignored.push(name);
            continue;
        }
        return Err(match name {
            "caption" => GraphError::invalid_param(
                "Carousel items cannot have a caption: put it on the carousel container",
            ),
            "collaborators" if kind.is_story() => {
                GraphError::invalid_param("Stories cannot have collaborators")
            }
            _ => not_supported(name, label),
        });
    }
    Ok(ignored)
}

/// Reads an optional parameter only when `take` (an ignored parameter is not validated).
fn when<T>(take: bool, read: impl FnOnce() -> GraphResult<Option<T>>) -> GraphResult<Option<T>> {
    if take {
        read()
    } else {
        Ok(None)
    }
}

/// The children of a carousel: 2..=10 carousel items of the same account, no repeats.
fn carousel_children(w: &World, ig: &str, req: &GraphReq<'_>) -> GraphResult<Vec<String>> {
    let children = params::string_list(req, "children")?
        .ok_or_else(|| GraphError::param_required("children"))?;
    if !(MIN_CHILDREN..=MAX_CHILDREN).contains(&children.len()) {
        return Err(GraphError::oauth(
            100,
            format!(
                "(#100) The carousel has {} children; a carousel has {MIN_CHILDREN} to {MAX_CHILDREN}.",
                children.len()
            ),
        )
        .subcode(2207028)
        .user(
            "Carousel size",
            format!(
                "Your post won't work as a carousel: it needs {MIN_CHILDREN} to {MAX_CHILDREN} photos or videos."
            ),
        ));
    }
    for (i, id) in children.iter().enumerate() {
        let child = w
            .containers
            .get(id)
            .filter(|c| c.owner == ig)
            .ok_or_else(|| {
                GraphError::invalid_param(format!(
                    "The carousel child {id} is not a media container of this account"
                ))
            })?;
        if !child.kind.is_carousel_item() {
            return Err(GraphError::invalid_param(format!(
                "The carousel child {id} is not a carousel item (create it with is_carousel_item=true)"
            )));
        }
        if children[..i].contains(id) {
            return Err(GraphError::invalid_param(format!(
                "The carousel child {id} is listed twice"
            )));
        }
    }
    Ok(children)
}

/// Counts the container against the rolling 24 h container quota, or refuses it with code 4
/// and the minutes until the oldest container of the window leaves it.
fn take_container_quota(w: &mut World, ig: &str) -> GraphResult<()> {
    let now = w.now();
    let since = now - Duration::hours(24);
    let limit = usize::try_from(w.config.container_quota).unwrap_or(usize::MAX);
    let Some(acct) = w.ig_accounts.get_mut(ig) else {
        return Ok(());
    };
    while acct.container_log.front().is_some_and(|t| *t <= since) {
        acct.container_log.pop_front();
    }
    if acct.container_log.len() >= limit {
        let regain = acct.container_log.front().map_or(1, |t| {
            ((*t + Duration::hours(24) - now).num_seconds().max(0) as u64)
                .div_ceil(60)
                .max(1)
        });
        let mut e = GraphError::oauth(
            4,
            format!(
                "(#4) Application request limit reached: this account created {limit} media \
                 containers in the last 24 hours"
            ),
        )
        .user(
            "Too many containers",
            format!("An account can create {limit} media containers per 24 hours."),
        );
        e.regain_minutes = Some(regain);
        e.object_scoped = true;
        return Err(e);
    }
    acct.container_log.push_back(now);
    Ok(())
}

/// `POST /{ig-user-id}/media`.
pub(crate) fn create_container(
    w: &mut World,
    caller: &Caller,
    ig: &str,
    req: &GraphReq<'_>,
) -> GraphResult<Value> {
    caller.require(caller.publish_scope(), 10)?;
    let resumable = match params::text(req, "upload_type").as_deref() {
        None => false,
        Some("resumable") => true,
        Some(other) => {
            return Err(GraphError::invalid_param(format!(
                "upload_type {other} is not supported (only resumable)"
            )))
        }
    };
    let kind = kind_of(req, resumable)?;
    let ignored = inapplicable(w, req, kind)?;
    let taken = |name: &str| !ignored.contains(&name);
    if resumable && !kind.is_video() {
        return Err(GraphError::invalid_param(
            "upload_type=resumable is for videos: media_type REELS, STORIES or VIDEO",
        ));
    }
    let raw_url = match kind {
        ContainerKind::Carousel => None,
        _ if resumable => {
            if req.param("video_url").is_some() {
                return Err(GraphError::invalid_param(
                    "A resumable upload takes the video on rupload.facebook.com, not video_url",
                ));
            }
            None
        }
        k if k.is_video() => Some(
            params::text(req, "video_url")
                .ok_or_else(|| GraphError::param_required("video_url"))?,
        ),
        _ => Some(
            params::text(req, "image_url")
                .ok_or_else(|| GraphError::param_required("image_url"))?,
        ),
    };
    let url = raw_url.as_deref().map(params::media_url).transpose()?;
    // Stories take a caption without effect (Meta ignores it).
    let caption = params::text(req, "caption").filter(|_| !kind.is_story() && taken("caption"));
    if let Some(c) = &caption {
        params::validate_caption(c)?;
    }
    let alt_text = when(taken("alt_text"), || params::alt_text(req))?;
    let user_tags = when(taken("user_tags"), || params::json(req, "user_tags"))?;
    if let Some(t) = &user_tags {
        params::validate_user_tags(t)?;
    }
    let product_tags = when(taken("product_tags"), || params::json(req, "product_tags"))?;
    if let Some(t) = &product_tags {
        params::validate_product_tags(t)?;
    }
    let collaborators = when(taken("collaborators"), || {
        params::collaborators(req).map(Some)
    })?
    .unwrap_or_default();
    let share_to_feed = when(taken("share_to_feed"), || req.boolean("share_to_feed"))?;
    let thumb_offset = when(taken("thumb_offset"), || {
        params::non_negative(req, "thumb_offset")
    })?;
    let cover_url = when(taken("cover_url"), || {
        params::text(req, "cover_url")
            .map(|u| params::media_url(&u).map(|u| u.to_string()))
            .transpose()
    })?;
    let trial_params = when(taken("trial_params"), || params::trial_params(req))?;
    let children = if kind == ContainerKind::Carousel {
        carousel_children(w, ig, req)?
    } else {
        Vec::new()
    };
    take_container_quota(w, ig)?;

    let now = w.now();
    let processing = processing_of(w, kind, &children);
    let failure = url
        .as_ref()
        .and_then(|u| markers::outcome(w, ig, kind, u, thumb_offset));
    let id = w.new_container_id();
    let container = Container {
        id: id.clone(),
        owner: ig.to_owned(),
        kind,
        media_url: url.as_ref().map(ToString::to_string),
        caption,
        alt_text,
        location_id: params::text(req, "location_id"),
        user_tags,
        product_tags,
        collaborators,
        share_to_feed,
        cover_url,
        thumb_offset,
        audio_name: params::text(req, "audio_name").filter(|_| taken("audio_name")),
        trial_params,
        children,
        created_at: now,
        processing,
        ready_at: (!resumable).then_some(later(now, processing)),
        failure,
        upload: resumable.then(Upload::new),
        published_media: None,
    };
    w.containers.insert(id.clone(), container);
    if resumable {
        let version = req
            .version
            .clone()
            .unwrap_or_else(|| crate::config::CURRENT_API_VERSION.to_owned());
        let uri = format!(
            "{}/{}/ig-api-upload/{version}/{id}",
            req.base_url,
            hosts::RUPLOAD
        );
        return Ok(json!({ "id": id, "uri": uri }));
    }
    Ok(json!({ "id": id }))
}
