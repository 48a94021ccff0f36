//! Batch requests of the account ([`AccountGraph`]): raw operations, and the insights of many
//! media at once.

use std::collections::HashMap;

use instagraph::api::insights::{MediaInsightKind, Metric};
use instagraph::api::BatchOp;
use instagraph::MediaId;

use crate::error::{required, sdk, ErrorClass, InstagraphError, Result};
use crate::graph::{series, AccountGraph, InsightSeries};

/// The HTTP method of one batched operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum BatchMethod {
    /// A read.
    Get,
    /// A create or update (with a form body).
    Post,
    /// A delete.
    Delete,
}

/// One operation of a batch.
#[derive(Debug, Clone, uniffi::Record)]
pub struct BatchOperation {
    /// Its method.
    pub method: BatchMethod,
    /// The URL relative to the Graph host (`{id}?fields=…`; the configured version is
    /// prefixed unless the URL names one).
    pub relative_url: String,
    /// The form fields of a POST (ignored for the other methods).
    pub body: HashMap<String, String>,
}

/// Why one operation (or one media) of a batch failed, the others going through.
#[derive(Debug, Clone, uniffi::Record)]
pub struct BatchFailure {
    /// A readable description (never a token).
    pub reason: String,
    /// What to do about it.
    pub error_class: ErrorClass,
    /// Meta's error `code`.
    pub code: Option<i64>,
    /// Meta's `error_subcode`.
    pub subcode: Option<i64>,
    /// The HTTP status of the operation's answer.
    pub http_status: Option<u16>,
}

impl From<InstagraphError> for BatchFailure {
    fn from(e: InstagraphError) -> Self {
        let InstagraphError::Failed {
            reason,
            error_class,
            code,
            subcode,
            http_status,
            ..
        } = e;
        BatchFailure {
            reason,
            error_class,
            code,
            subcode,
            http_status,
        }
    }
}

/// The outcome of one operation: its answer, or why it failed.
#[derive(Debug, Clone, uniffi::Record)]
pub struct BatchOutcome {
    /// The HTTP status of its answer (when it has one).
    pub code: Option<u16>,
    /// Its answer's body (JSON text), when it succeeded.
    pub body: Option<String>,
    /// Why it failed, when it did.
    pub failure: Option<BatchFailure>,
}

/// The kind of a media, which decides the metrics its insights take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum MediaKind {
    /// A feed post (image or video).
    Feed,
    /// A reel.
    Reel,
    /// A story (insights kept 24 hours; Meta refuses them under 5 viewers).
    Story,
    /// A carousel album.
    Carousel,
}

/// A media whose insights a batch reads, and its kind.
#[derive(Debug, Clone, uniffi::Record)]
pub struct MediaInsightsRequest {
    /// The media id.
    pub media_id: String,
    /// Its kind.
    pub kind: MediaKind,
}

/// The insights of one media of a batch, or why they failed.
#[derive(Debug, Clone, uniffi::Record)]
pub struct MediaInsightsOutcome {
    /// The media id.
    pub media_id: String,
    /// Its metrics, when they were read.
    pub metrics: Vec<InsightSeries>,
    /// Why they failed, when they did.
    pub failure: Option<BatchFailure>,
}

#[uniffi::export(async_runtime = "tokio")]
impl AccountGraph {
    /// Sends `operations` with the account's token (50 to a request, `concurrency` requests at
    /// once: the SDK's default when `None`) and answers one outcome per operation, in order.
    /// An operation that fails alone has a `failure`; the call fails only for a refused batch
    /// or a batch request that failed as a whole.
    ///
    /// Core: Graph::batch
    pub async fn batch(
        &self,
        operations: Vec<BatchOperation>,
        concurrency: Option<u32>,
    ) -> Result<Vec<BatchOutcome>> {
        const WHAT: &str = "AccountGraph.batch";
        let (client, access) = self.parts();
        let mut batch = access.graph(client).batch();
        if let Some(n) = concurrency {
            batch = batch.concurrency(n as usize);
        }
        for op in operations {
            batch.push(match op.method {
                BatchMethod::Get => BatchOp::get(op.relative_url),
                BatchMethod::Post => BatchOp::post(op.relative_url, op.body),
                BatchMethod::Delete => BatchOp::delete(op.relative_url),
            });
        }
        let results = batch.send().await.map_err(|e| sdk(WHAT, e))?;
        Ok(results
            .into_iter()
            .map(|r| match r {
                Ok(answer) => BatchOutcome {
                    code: Some(answer.code),
                    body: Some(answer.body),
                    failure: None,
                },
                Err(e) => BatchOutcome {
                    code: e.http_status(),
                    body: None,
                    failure: Some(sdk(WHAT, e).into()),
                },
            })
            .collect())
    }

    /// The lifetime insights of many media through batch requests (each the metrics of its
    /// kind, or `metrics` for all), in the order given; a media that fails has a `failure`.
    ///
    /// Core: Graph::media_insights_batch
    pub async fn media_insights_batch(
        &self,
        media: Vec<MediaInsightsRequest>,
        metrics: Option<Vec<String>>,
    ) -> Result<Vec<MediaInsightsOutcome>> {
        const WHAT: &str = "AccountGraph.media_insights_batch";
        for m in &media {
            required("media_id", &m.media_id)?;
        }
        let metrics = metrics
            .map(|list| {
                list.iter()
                    .map(|m| m.parse::<Metric>().map_err(|e| sdk(WHAT, e)))
                    .collect::<Result<Vec<_>>>()
            })
            .transpose()?;
        let (client, access) = self.parts();
        let requests = media.into_iter().map(|m| {
            let kind = match m.kind {
                MediaKind::Feed => MediaInsightKind::Feed,
                MediaKind::Reel => MediaInsightKind::Reel,
                MediaKind::Story => MediaInsightKind::Story,
                MediaKind::Carousel => MediaInsightKind::Carousel,
            };
            (MediaId::new(m.media_id), kind)
        });
        let out = access
            .graph(client)
            .media_insights_batch(requests, metrics.as_deref())
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(out
            .into_iter()
            .map(|(id, result)| match result {
                Ok(insights) => MediaInsightsOutcome {
                    media_id: id.as_str().to_owned(),
                    metrics: insights.metrics.iter().map(series).collect(),
                    failure: None,
                },
                Err(e) => MediaInsightsOutcome {
                    media_id: id.as_str().to_owned(),
                    metrics: Vec::new(),
                    failure: Some(sdk(WHAT, e).into()),
                },
            })
            .collect())
    }
}
