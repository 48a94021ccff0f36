//! Shapes shared by many responses: lists with paging, `{"id"}` and `{"success"}` answers.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Cursors of a paged edge.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Cursors {
    /// Cursor of the first item of this page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// Cursor of the last item of this page; pass it as `after` for the next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// The `paging` object of a list response. Some edges send cursors without `next`; some send
/// `next`/`previous` URLs only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Paging {
    /// Cursors, when the edge is cursor-paged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursors: Option<Cursors>,
    /// Full URL of the next page, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// Full URL of the previous page, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
}

/// `{"data":[…],"paging":{…}}`: one page of an edge as it comes off the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListResponse<T> {
    /// The items of this page.
    #[serde(default = "Vec::new")]
    pub data: Vec<T>,
    /// Where the next and previous pages are, if anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paging: Option<Paging>,
}

/// `{"id":"…"}`: the answer of a create call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdResponse {
    /// The id of what was created.
    #[serde(deserialize_with = "crate::ids::string_or_number")]
    pub id: String,
}

/// `{"success":true}`: the answer of an update or delete call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuccessResponse {
    /// Whether the API applied the change.
    pub success: bool,
}

/// The answer of a multi-id read (`GET /?ids=a,b&fields=…`): one object per requested id, keyed by
/// the id as it was asked for.
pub type ByIds<T> = BTreeMap<String, T>;

/// The `summary` object an edge adds when asked with `summary=true` (e.g. `/me/accounts`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListSummary {
    /// How many items the edge holds in all pages.
    #[serde(
        default,
        deserialize_with = "super::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_count: Option<u64>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten, default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A page of an edge with its `summary` (`{"data":[…],"paging":{…},"summary":{…}}`). Anything else
/// at the top level lands in `extra`; [`ListWithSummary::into_list`] drops both for the plain form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListWithSummary<T> {
    /// The items of this page.
    #[serde(default = "Vec::new")]
    pub data: Vec<T>,
    /// Where the next and previous pages are, if anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paging: Option<Paging>,
    /// Totals over the whole edge, when the request asked for them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<ListSummary>,
    /// Top-level fields this version of the SDK does not model, kept as sent.
    #[serde(flatten, default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl<T> ListWithSummary<T> {
    /// The page without its summary.
    pub fn into_list(self) -> ListResponse<T> {
        ListResponse {
            data: self.data,
            paging: self.paging,
        }
    }
}

impl<T> From<ListWithSummary<T>> for ListResponse<T> {
    fn from(l: ListWithSummary<T>) -> Self {
        l.into_list()
    }
}

impl<T> ListResponse<T> {
    /// The URL of the next page, if the API sent one. Some edges send cursors without `next`:
    /// there, the absence of `next` (not of `cursors.after`) is what marks the last page.
    pub fn next_url(&self) -> Option<&str> {
        self.paging.as_ref()?.next.as_deref()
    }

    /// The `after` cursor of this page, if the API sent one.
    pub fn after_cursor(&self) -> Option<&str> {
        self.paging.as_ref()?.cursors.as_ref()?.after.as_deref()
    }
}

/// Parses a Graph API time: `"2019-09-26T22:36:43+0000"` (the usual form), or RFC 3339
/// (`"2019-09-26T22:36:43+00:00"`, `"…Z"`).
pub fn parse_graph_time(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let s = s.trim();
    chrono::DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%z")
        .or_else(|_| chrono::DateTime::parse_from_rfc3339(s))
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc))
}
