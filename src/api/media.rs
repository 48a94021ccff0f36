//! Media: an account's media list (`GET /{ig-user-id}/media`), one media object
//! (`GET /{ig-media-id}`) and a carousel's children (`GET /{ig-media-id}/children`).

use chrono::{DateTime, Utc};

use super::ig_user::IgUserHandler;
use super::models::{ListResponse, Media};
use super::{join_fields, Graph, ListEdge, ListParams};
use crate::error::{Error, Result};
use crate::ids::{IgUserId, MediaId};
use crate::page::Page;

/// Default fields of a media object, on both hosts.
pub const DEFAULT_MEDIA_FIELDS: &str = "id,caption,media_type,media_product_type,media_url,permalink,shortcode,thumbnail_url,timestamp,username,like_count,comments_count,is_comment_enabled";

/// Default fields of a carousel's children (the fields a child supports).
pub const DEFAULT_CHILD_FIELDS: &str =
    "id,media_type,media_url,permalink,shortcode,thumbnail_url,timestamp,username";

impl<'a> IgUserHandler<'a> {
    /// The account's `media` edge.
    pub fn media(&self) -> IgUserMediaHandler<'a> {
        IgUserMediaHandler {
            graph: self.graph,
            id: self.id.clone(),
        }
    }
}

/// The `media` edge of an IG user: `ig_user(id).media()`.
#[derive(Debug, Clone)]
pub struct IgUserMediaHandler<'a> {
    graph: Graph<'a>,
    id: IgUserId,
}

impl<'a> IgUserMediaHandler<'a> {
    /// `GET /{ig-user-id}/media`: the account's media, newest first (stories excluded; at most
    /// the 10 000 most recent).
    pub fn list(&self) -> ListMedia<'a> {
        ListMedia {
            graph: self.graph,
            path: format!("{}/media", self.id),
            params: ListParams::default(),
            since: None,
            until: None,
        }
    }
}

/// Request builder of `GET /{ig-user-id}/media`.
#[derive(Debug)]
#[must_use = "a request builder does nothing until `.send()`"]
pub struct ListMedia<'a> {
    graph: Graph<'a>,
    path: String,
    params: ListParams,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
}

impl ListMedia<'_> {
    /// The fields to read (replaces [`DEFAULT_MEDIA_FIELDS`]).
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

    /// Fetches the first page.
    pub async fn send(self) -> Result<Page<Media>> {
        if let (Some(since), Some(until)) = (self.since, self.until) {
            if since > until {
                return Err(Error::invalid(
                    "since",
                    format!("{since} is after until ({until})"),
                ));
            }
        }
        let req = self
            .params
            .apply(self.graph.get(self.path), DEFAULT_MEDIA_FIELDS)?
            .query_opt("since", self.since.map(|t| t.timestamp().to_string()))
            .query_opt("until", self.until.map(|t| t.timestamp().to_string()));
        let list: ListResponse<Media> = req.send().await?;
        Ok(self.graph.page(list))
    }
}

/// One media object: `graph.media(id)`.
#[derive(Debug, Clone)]
pub struct MediaHandler<'a> {
    graph: Graph<'a>,
    id: MediaId,
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
        GetMedia {
            graph: self.graph,
            id: self.id.clone(),
            fields: None,
        }
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

/// Request builder of `GET /{ig-media-id}`.
#[derive(Debug)]
#[must_use = "a request builder does nothing until `.send()`"]
pub struct GetMedia<'a> {
    graph: Graph<'a>,
    id: MediaId,
    fields: Option<String>,
}

impl GetMedia<'_> {
    /// The fields to read (replaces [`DEFAULT_MEDIA_FIELDS`]).
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.fields = Some(join_fields(fields));
        self
    }

    /// Sends the request.
    pub async fn send(self) -> Result<Media> {
        let fields = match self.fields {
            Some(f) if f.is_empty() => {
                return Err(Error::invalid("fields", "at least one field is required"))
            }
            Some(f) => f,
            None => DEFAULT_MEDIA_FIELDS.to_owned(),
        };
        self.graph
            .get(self.id.to_string())
            .query("fields", fields)
            .send()
            .await
    }
}
