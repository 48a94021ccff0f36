//! Batch requests: up to 50 Graph operations in one HTTP request (`POST graph.facebook.com/`
//! with `batch=[{"method","relative_url","body"?}]`), with a typed result per operation.
//!
//! Request builders go in as they are ([`Batch::request`], any [`BatchRequest`]): the
//! operation is the request the builder sends alone, checked when added, and its answer comes
//! back as the type `.send()` returns (a paged edge: its first page, as a
//! [`ListResponse`](super::models::ListResponse)). Hand-written operations go in with
//! [`Batch::add`].
//!
//! ```no_run
//! # async fn demo(client: instagraph::Client, token: instagraph::AccessToken) -> instagraph::Result<()> {
//! use instagraph::api::{models::Media, BatchOp};
//! use instagraph::IgUserId;
//!
//! let fb = client.facebook(&token);
//! let mut batch = client.batch(&token);
//! let first = batch.request(fb.media("17900000000000001").get().fields(["id", "caption"]))?;
//! let profile = batch.request(fb.ig_user(IgUserId::new("17841400000000001")).get())?;
//! let hidden = batch.request(fb.comment("17870000000000001").hide(true))?;
//! let second = batch.add::<Media>(BatchOp::get("17900000000000002?fields=id,caption"));
//! let mut results = batch.send().await?;
//! let first: Media = results.take(first)?;
//! let username = results.take(profile)?.username;
//! let hidden: bool = results.take(hidden)?;
//! let second = results.take(second); // its own Result: one operation may fail alone
//! # let _ = (first, username, hidden, second); Ok(()) }
//! ```
//!
//! More than [`MAX_BATCH_OPERATIONS`] operations are split into requests of 50, sent
//! concurrently (at most [`DEFAULT_BATCH_CONCURRENCY`] at a time, one at a time once the usage
//! headers report more than 80 % of a budget). Each operation still counts toward Meta's rate
//! limits; batching saves round trips, not budget.
//!
//! Meta documents batches on graph.facebook.com only; whether graph.instagram.com accepts them
//! is not documented, so [`Client::batch`](crate::Client::batch) targets graph.facebook.com and [`Graph::batch`] the
//! graph's own host at the caller's risk.

use std::fmt;

use futures::stream::{FuturesUnordered, StreamExt};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::Graph;

mod insights;
mod request;
mod results;

pub(crate) use request::single_call;
pub use request::BatchRequest;
pub use results::{BatchHeader, BatchResponse, BatchResult, BatchResults, BatchSlot};

use crate::config::Host;
use crate::error::{Error, GraphApiError, RequestContext, Result};

/// Meta's limit of operations in one batch request.
pub const MAX_BATCH_OPERATIONS: usize = 50;
/// Batch requests in flight at once, by default.
pub const DEFAULT_BATCH_CONCURRENCY: usize = 4;
/// The most batch requests in flight that [`Batch::concurrency`] accepts.
pub const MAX_BATCH_CONCURRENCY: usize = 16;
/// Above this usage (percent of any budget in the usage headers) batches go one at a time.
const BUSY_USAGE_PERCENT: f64 = 80.0;

/// The HTTP method of one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum BatchMethod {
    /// A read.
    Get,
    /// A create or update.
    Post,
    /// A delete.
    Delete,
}

impl BatchMethod {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            BatchMethod::Get => "GET",
            BatchMethod::Post => "POST",
            BatchMethod::Delete => "DELETE",
        }
    }
}

/// One operation: a method, a URL relative to the Graph host (`{id}?fields=…`; the configured
/// version is prefixed unless the URL names one) and, for a POST, a form body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchOp {
    method: BatchMethod,
    relative_url: String,
    body: Option<String>,
    /// The host a request builder was made for ([`Batch::request`] refuses another).
    host: Option<Host>,
}

impl BatchOp {
    /// A GET of `relative_url`, e.g. `"17841400000000001?fields=id,username"`.
    pub fn get(relative_url: impl Into<String>) -> Self {
        Self {
            method: BatchMethod::Get,
            relative_url: relative_url.into(),
            body: None,
            host: None,
        }
    }

    /// A POST of `relative_url` with `body` as form fields.
    pub fn post<I, K, V>(relative_url: impl Into<String>, body: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in body {
            form.append_pair(k.as_ref(), v.as_ref());
        }
        Self {
            method: BatchMethod::Post,
            relative_url: relative_url.into(),
            body: Some(form.finish()),
            host: None,
        }
    }

    /// A DELETE of `relative_url`.
    pub fn delete(relative_url: impl Into<String>) -> Self {
        Self {
            method: BatchMethod::Delete,
            relative_url: relative_url.into(),
            body: None,
            host: None,
        }
    }

    /// The method.
    pub fn method(&self) -> BatchMethod {
        self.method
    }

    /// The relative URL as given.
    pub fn relative_url(&self) -> &str {
        &self.relative_url
    }
}

impl<'a> Graph<'a> {
    /// A batch of operations on this graph's host. Meta documents batches on graph.facebook.com
    /// only; on graph.instagram.com they are undocumented.
    pub fn batch(&self) -> Batch<'a> {
        Batch {
            graph: *self,
            ops: Vec::new(),
            concurrency: DEFAULT_BATCH_CONCURRENCY,
        }
    }
}

/// A batch being built; `.send()` runs it.
#[must_use = "a batch does nothing until `.send()`"]
pub struct Batch<'a> {
    graph: Graph<'a>,
    ops: Vec<BatchOp>,
    concurrency: usize,
}

impl fmt::Debug for Batch<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch")
            .field("host", &self.graph.host())
            .field("operations", &self.ops.len())
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

impl<'a> Batch<'a> {
    /// Adds a GET.
    pub fn get(mut self, relative_url: impl Into<String>) -> Self {
        self.ops.push(BatchOp::get(relative_url));
        self
    }

    /// Adds a POST with a form body.
    pub fn post<I, K, V>(mut self, relative_url: impl Into<String>, body: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        self.ops.push(BatchOp::post(relative_url, body));
        self
    }

    /// Adds a DELETE.
    pub fn delete(mut self, relative_url: impl Into<String>) -> Self {
        self.ops.push(BatchOp::delete(relative_url));
        self
    }

    /// Adds an operation; its outcome is at the returned index.
    pub fn push(&mut self, op: BatchOp) -> usize {
        self.ops.push(op);
        self.ops.len() - 1
    }

    /// Adds an operation whose answer decodes as `T`, read back with [`BatchResults::take`].
    pub fn add<T: DeserializeOwned>(&mut self, op: BatchOp) -> BatchSlot<T> {
        BatchSlot {
            index: self.push(op),
            read: BatchResponse::json::<T>,
        }
    }

    /// Batch requests in flight at once when there are more than 50 operations (1 to 16;
    /// default 4).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n;
        self
    }

    /// How many operations were added.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// True when no operation was added.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Checks every operation (no network), then sends the batch in requests of up to 50.
    ///
    /// The outer `Err` is for a refused batch (before any call) or a batch *request* that failed
    /// as a whole (transport, an invalid token, an unreadable answer): then the requests not yet
    /// started are not sent, and the outcome of non-GET operations of the failed request is
    /// unknown. An operation that fails alone is an `Err` in its own slot.
    pub async fn send(self) -> Result<BatchResults> {
        if !(1..=MAX_BATCH_CONCURRENCY).contains(&self.concurrency) {
            return Err(Error::invalid(
                "concurrency",
                format!("must be 1 to {MAX_BATCH_CONCURRENCY}"),
            ));
        }
        let version = self.graph.client().config().api_version.to_string();
        let mut prepared = Vec::with_capacity(self.ops.len());
        for (i, op) in self.ops.iter().enumerate() {
            prepared.push(prepare(i, op, &version, self.graph.host())?);
        }
        let chunks: Vec<Vec<Prepared>> = {
            let mut chunks = Vec::new();
            let mut iter = prepared.into_iter().peekable();
            while iter.peek().is_some() {
                chunks.push(iter.by_ref().take(MAX_BATCH_OPERATIONS).collect());
            }
            chunks
        };
        let mut done: Vec<Option<Vec<BatchResult>>> = chunks.iter().map(|_| None).collect();
        let mut pending = chunks.into_iter().enumerate();
        let mut in_flight = FuturesUnordered::new();
        loop {
            while in_flight.len() < self.allowed_in_flight() {
                let Some((i, chunk)) = pending.next() else {
                    break;
                };
                let graph = self.graph;
                in_flight.push(async move { (i, send_chunk(graph, chunk).await) });
            }
            let Some((i, outcome)) = in_flight.next().await else {
                break;
            };
            if let Some(slot) = done.get_mut(i) {
                *slot = Some(outcome?);
            }
        }
        Ok(BatchResults {
            items: done.into_iter().flatten().flatten().map(Some).collect(),
        })
    }

    /// The configured concurrency, or 1 while Meta reports a budget more than 80 % used.
    fn allowed_in_flight(&self) -> usize {
        let usage = self.graph.client().rate_limit_status().max_percent();
        if usage > BUSY_USAGE_PERCENT {
            1
        } else {
            self.concurrency
        }
    }
}

/// An operation ready for the wire, with the context its errors carry.
struct Prepared {
    wire: WireOp,
    context: RequestContext,
    index: usize,
}

#[derive(Serialize)]
struct WireOp {
    method: &'static str,
    relative_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<String>,
}

/// Whether `url` starts with a version segment (`v26.0/…`).
fn has_version(url: &str) -> bool {
    let Some(rest) = url.strip_prefix('v') else {
        return false;
    };
    let segment = rest.split(['/', '?']).next().unwrap_or("");
    let mut parts = segment.split('.');
    let major_ok = parts
        .next()
        .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let minor_ok = parts.next().map_or(true, |p| {
        !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())
    });
    major_ok && minor_ok && parts.next().is_none()
}

fn prepare(index: usize, op: &BatchOp, version: &str, host: Host) -> Result<Prepared> {
    let url = op.relative_url.trim().trim_start_matches('/');
    if url.is_empty() {
        return Err(Error::invalid(
            "relative_url",
            format!("operation {index} has an empty relative_url"),
        ));
    }
    if url.contains("://") || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::invalid(
            "relative_url",
            format!("operation {index}: must be a path relative to the Graph host, without spaces"),
        ));
    }
    let relative_url = if has_version(url) {
        url.to_owned()
    } else {
        format!("{version}/{url}")
    };
    // Errors show the path only: a relative_url may carry its own access_token.
    let path = relative_url.split('?').next().unwrap_or("");
    Ok(Prepared {
        context: RequestContext {
            method: op.method.as_str().to_owned(),
            path: format!("{}/{path} [batch operation {index}]", host.label()),
            ..Default::default()
        },
        wire: WireOp {
            method: op.method.as_str(),
            relative_url,
            body: op.body.clone(),
        },
        index,
    })
}

/// One answer of the array Meta returns (`null` for a timed-out operation).
#[derive(Deserialize)]
struct WireAnswer {
    #[serde(default)]
    code: u16,
    #[serde(default)]
    headers: Option<Vec<BatchHeader>>,
    #[serde(default)]
    body: Option<String>,
}

async fn send_chunk(graph: Graph<'_>, chunk: Vec<Prepared>) -> Result<Vec<BatchResult>> {
    let wire: Vec<&WireOp> = chunk.iter().map(|p| &p.wire).collect();
    let batch_json =
        serde_json::to_string(&wire).map_err(|e| Error::invalid("batch", e.to_string()))?;
    // Repeating a batch repeats every operation: safe only when all are reads.
    let all_reads = chunk.iter().all(|p| p.wire.method == "GET");
    let (bytes, context) = graph
        .post("")
        .form("include_headers", "false")
        .form("batch", batch_json)
        .retry_safe(all_reads)
        .send_raw()
        .await?;
    let answers: Vec<Option<WireAnswer>> =
        serde_json::from_slice(&bytes).map_err(|e| Error::Decode {
            context: Box::new(context.clone()),
            message: e.to_string(),
        })?;
    if answers.len() != chunk.len() {
        return Err(Error::Decode {
            context: Box::new(context),
            message: format!(
                "the batch answer has {} results for {} operations",
                answers.len(),
                chunk.len()
            ),
        });
    }
    Ok(chunk
        .into_iter()
        .zip(answers)
        .map(|(op, answer)| outcome(op, answer))
        .collect())
}

fn outcome(op: Prepared, answer: Option<WireAnswer>) -> BatchResult {
    let Some(answer) = answer else {
        return Err(Error::BatchTimedOut {
            index: op.index,
            context: Box::new(op.context),
        });
    };
    let body = answer.body.unwrap_or_default();
    if (200..300).contains(&answer.code) {
        return Ok(BatchResponse {
            code: answer.code,
            headers: answer.headers.unwrap_or_default(),
            body,
            context: op.context,
        });
    }
    let error = GraphApiError::from_body(body.as_bytes()).unwrap_or_else(|| GraphApiError {
        message: format!("HTTP {} without a Graph error body", answer.code),
        code: if answer.code >= 500 { 2 } else { 0 },
        is_transient: Some(answer.code >= 500),
        ..Default::default()
    });
    Err(Error::Graph {
        error: Box::new(error),
        status: answer.code,
        context: Box::new(op.context),
        retry_after: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_prefixes_are_recognised() {
        assert!(has_version("v26.0/me"));
        assert!(has_version("v3/me"));
        assert!(has_version("v26.0?fields=id"));
        assert!(!has_version("videos/1"));
        assert!(!has_version("v26.x/me"));
        assert!(!has_version("17841400000000001"));
    }

    #[test]
    fn contexts_never_carry_the_query() {
        let op = BatchOp::get("me?fields=id&access_token=SECRET");
        let p = prepare(3, &op, "v26.0", Host::GraphFacebook).unwrap();
        assert_eq!(
            p.wire.relative_url,
            "v26.0/me?fields=id&access_token=SECRET"
        );
        assert!(!p.context.path.contains("SECRET"), "{}", p.context.path);
        let e = Error::BatchTimedOut {
            index: 3,
            context: Box::new(p.context),
        };
        assert!(!e.to_string().contains("SECRET"));
        assert!(e.to_string().contains("timed out"));
    }
}
