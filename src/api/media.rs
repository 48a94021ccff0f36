//! Media: an account's media list (`GET /{ig-user-id}/media`) and stories
//! (`GET /{ig-user-id}/stories`), one media object (`GET /{ig-media-id}`), a carousel's children
//! (`GET /{ig-media-id}/children`), and the two changes Meta allows on published media:
//! deleting it (`DELETE /{ig-media-id}`) and turning comments on or off
//! (`POST /{ig-media-id}?comment_enabled=`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::batch::{single_call, BatchOp, BatchRequest, BatchResponse};
use super::comments::validate_id;
use super::ig_user::IgUserHandler;
use super::models::{ListResponse, Media, SuccessResponse};
use super::{join_fields, Graph, ListEdge, ListParams};
use crate::error::{Error, Result};
use crate::http::GraphRequest;
use crate::ids::{IgUserId, MediaId};
use crate::page::Page;

/// Default fields of a media object, on both hosts.
pub const DEFAULT_MEDIA_FIELDS: &str = "id,caption,media_type,media_product_type,media_url,permalink,shortcode,thumbnail_url,timestamp,username,like_count,comments_count,is_comment_enabled";

/// Default fields of live media (`/{ig-user-id}/live_media`): those Meta lists for a live
/// broadcast.
pub const DEFAULT_LIVE_MEDIA_FIELDS: &str = "id,media_type,media_product_type,owner,username";

/// Default fields of media the account is tagged in (`/{ig-user-id}/tags`; the fields that
/// edge supports).
pub const DEFAULT_TAGGED_MEDIA_FIELDS: &str =
    "id,caption,media_type,media_url,permalink,timestamp,username,like_count,comments_count";

/// Default fields of a carousel's children (the fields a child supports).
pub const DEFAULT_CHILD_FIELDS: &str =
    "id,media_type,media_url,permalink,shortcode,thumbnail_url,timestamp,username";

impl<'a> IgUserHandler<'a> {
    /// The account's media: its own (`media`, `stories`) and those it is tagged in (`tags`).
    pub fn media(&self) -> IgUserMediaHandler<'a> {
        IgUserMediaHandler {
            graph: self.graph,
            id: self.id.clone(),
        }
    }
}

/// The media of an IG user: `ig_user(id).media()`.
#[derive(Debug, Clone)]
pub struct IgUserMediaHandler<'a> {
    graph: Graph<'a>,
    id: IgUserId,
}

impl<'a> IgUserMediaHandler<'a> {
    /// `GET /{ig-user-id}/stories`: the account's live stories (the last 24 hours), which
    /// the `media` edge leaves out.
    pub fn stories(&self) -> ListMedia<'a> {
        ListMedia {
            graph: self.graph,
            path: format!("{}/stories", self.id),
            params: ListParams::default(),
            default_fields: DEFAULT_MEDIA_FIELDS,
            since: None,
            until: None,
        }
    }

    /// `GET /{ig-user-id}/live_media`: the account's live broadcasts in progress (an empty
    /// list when it is not live; [`DEFAULT_LIVE_MEDIA_FIELDS`] by default). `since`/`until`
    /// narrow it by when the broadcast started.
    pub fn live(&self) -> ListMedia<'a> {
        ListMedia {
            graph: self.graph,
            path: format!("{}/live_media", self.id),
            params: ListParams::default(),
            default_fields: DEFAULT_LIVE_MEDIA_FIELDS,
            since: None,
            until: None,
        }
    }

    /// `GET /{ig-user-id}/media`: the account's media, newest first (stories excluded; at most
    /// the 10 000 most recent).
    pub fn list(&self) -> ListMedia<'a> {
        ListMedia {
            graph: self.graph,
            path: format!("{}/media", self.id),
            params: ListParams::default(),
            default_fields: DEFAULT_MEDIA_FIELDS,
            since: None,
            until: None,
        }
    }

    /// `GET /{ig-user-id}/tags`: media in which other accounts tagged this one
    /// ([`DEFAULT_TAGGED_MEDIA_FIELDS`] by default).
    pub fn tagged(&self) -> ListEdge<'a, Media> {
        ListEdge::new(
            self.graph,
            format!("{}/tags", self.id),
            DEFAULT_TAGGED_MEDIA_FIELDS,
        )
    }
}

/// Request builder of `GET /{ig-user-id}/media`.
#[derive(Debug)]
#[must_use = "a request builder does nothing until `.send()`"]
pub struct ListMedia<'a> {
    graph: Graph<'a>,
    path: String,
    params: ListParams,
    default_fields: &'static str,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
}

impl<'a> ListMedia<'a> {
    /// The fields to read (replaces [`DEFAULT_MEDIA_FIELDS`], or [`DEFAULT_LIVE_MEDIA_FIELDS`] for
    /// live media).
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.params.fields = Some(join_fields(fields));
        self
    }

    /// Items per page.
    pub fn limit(mut self, limit: u32) -> Self {
        self.params.limit = Some(limit);
        self
    }

    /// Starts after this cursor.
    pub fn after(mut self, cursor: impl Into<String>) -> Self {
        self.params.after = Some(cursor.into());
        self
    }

    /// Starts before this cursor.
    pub fn before(mut self, cursor: impl Into<String>) -> Self {
        self.params.before = Some(cursor.into());
        self
    }

    /// Only media published at or after this time (sent as Unix seconds).
    pub fn since(mut self, time: DateTime<Utc>) -> Self {
        self.since = Some(time);
        self
    }

    /// Only media published at or before this time (sent as Unix seconds).
    pub fn until(mut self, time: DateTime<Utc>) -> Self {
        self.until = Some(time);
        self
    }

    /// Checks the request (no network), then fetches the first page.
    pub async fn send(self) -> Result<Page<Media>> {
        let graph = self.graph;
        let list: ListResponse<Media> = self.into_request()?.send().await?;
        Ok(graph.page(list))
    }

    /// The call, checked: what `send` sends and a batch carries.
    fn into_request(self) -> Result<GraphRequest<'a>> {
        if let (Some(since), Some(until)) = (self.since, self.until) {
            if since > until {
                return Err(Error::invalid(
                    "since",
                    format!("{since} is after until ({until})"),
                ));
            }
        }
        Ok(self
            .params
            .apply(self.graph.get(self.path), self.default_fields)?
            .query_opt("since", self.since.map(|t| t.timestamp().to_string()))
            .query_opt("until", self.until.map(|t| t.timestamp().to_string())))
    }
}

impl BatchRequest for ListMedia<'_> {
    /// The first page (a batch does not follow `paging.next`).
    type Output = ListResponse<Media>;

    fn into_batch_op(self) -> Result<BatchOp> {
        self.into_request()?.into_batch_op()
    }

    fn read_answer(answer: &BatchResponse) -> Result<ListResponse<Media>> {
        answer.json()
    }
}

/// One media object: `graph.media(id)`.
#[derive(Debug, Clone)]
pub struct MediaHandler<'a> {
    pub(crate) graph: Graph<'a>,
    pub(crate) id: MediaId,
}

impl<'a> MediaHandler<'a> {
    pub(crate) fn new(graph: Graph<'a>, id: MediaId) -> Self {
        Self { graph, id }
    }

    /// The media id.
    pub fn id(&self) -> &MediaId {
        &self.id
    }

    /// `GET /{ig-media-id}` ([`DEFAULT_MEDIA_FIELDS`] by default).
    pub fn get(&self) -> GetMedia<'a> {
        GetMedia::new(self.graph, self.id.to_string(), DEFAULT_MEDIA_FIELDS)
    }

    /// `GET /{ig-media-id}/children`: the items of a carousel ([`DEFAULT_CHILD_FIELDS`] by
    /// default).
    pub fn children(&self) -> ListEdge<'a, Media> {
        ListEdge::new(
            self.graph,
            format!("{}/children", self.id),
            DEFAULT_CHILD_FIELDS,
        )
    }
}

/// The answer of `DELETE /{ig-media-id}`: `{"success":true,"deleted_id":"…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaDeleted {
    /// Whether Meta deleted it.
    #[serde(default)]
    pub success: bool,
    /// The deleted media's id, when Meta sends it.
    #[serde(
        default,
        deserialize_with = "opt_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub deleted_id: Option<String>,
}

impl<'a> MediaHandler<'a> {
    /// `DELETE /{ig-media-id}`: deletes a published media (Facebook Login with
    /// `instagram_manage_contents`).
    ///
    /// A carousel item cannot be deleted on its own: Meta answers subcode 2207073; delete the
    /// carousel instead. Safe to retry (deleting twice deletes once).
    pub fn delete(&self) -> DeleteMedia<'a> {
        DeleteMedia {
            graph: self.graph,
            id: self.id.clone(),
        }
    }

    /// `POST /{ig-media-id}?comment_enabled=true|false`: turns comments on or off; answers
    /// Meta's `success`. Safe to retry (it sets a state).
    pub fn set_comments_enabled(&self, enabled: bool) -> SetCommentsEnabled<'a> {
        SetCommentsEnabled {
            graph: self.graph,
            id: self.id.clone(),
            enabled,
        }
    }
}

/// Request builder of `DELETE /{ig-media-id}`: `.await` it (or `.send()`), or add it to a
/// [`Batch`](super::Batch).
#[derive(Debug)]
#[must_use = "a request builder does nothing until awaited or `.send()`"]
pub struct DeleteMedia<'a> {
    graph: Graph<'a>,
    id: MediaId,
}

impl<'a> DeleteMedia<'a> {
    fn into_request(self) -> Result<GraphRequest<'a>> {
        validate_id("media_id", self.id.as_str())?;
        Ok(self
            .graph
            .client()
            .delete(self.graph.host(), self.id.to_string())
            .token(self.graph.token()))
    }
}

single_call!(DeleteMedia, MediaDeleted, MediaDeleted, Ok);

/// Request builder of `POST /{ig-media-id}?comment_enabled=`: `.await` it (or `.send()`), or
/// add it to a [`Batch`](super::Batch). Answers Meta's `success`.
#[derive(Debug)]
#[must_use = "a request builder does nothing until awaited or `.send()`"]
pub struct SetCommentsEnabled<'a> {
    graph: Graph<'a>,
    id: MediaId,
    enabled: bool,
}

impl<'a> SetCommentsEnabled<'a> {
    fn into_request(self) -> Result<GraphRequest<'a>> {
        validate_id("media_id", self.id.as_str())?;
        Ok(self
            .graph
            .post(self.id.to_string())
            .query(
                "comment_enabled",
                if self.enabled { "true" } else { "false" },
            )
            .retry_safe(true))
    }
}

single_call!(
    SetCommentsEnabled,
    bool,
    SuccessResponse,
    |answer: SuccessResponse| Ok(answer.success)
);

/// An optional id sent as a string or a number.
fn opt_id<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    let v: Option<serde_json::Value> = Option::deserialize(d)?;
    Ok(match v {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// Request builder of `GET /{ig-media-id}`.
pub type GetMedia<'a> = super::GetNode<'a, Media>;
