//! Request builders in a batch: [`BatchRequest`] turns a builder into the operation it would
//! send alone, and reads the operation's answer back as what `.send()` returns.

use super::{Batch, BatchMethod, BatchOp, BatchResponse, BatchSlot};
use crate::error::{Error, Result};

/// A request builder that can go in a [`Batch`]: [`GetNode`](crate::api::GetNode) reads (an IG
/// user, a media, a comment), the first page of a [`ListEdge`](crate::api::ListEdge) or of
/// [`ListMedia`](crate::api::ListMedia), mention reads, a media's insights
/// ([`MediaInsightsRequest`](crate::api::MediaInsightsRequest)), and the simple comment and
/// media changes (comment, reply, hide, delete, turn comments on or off).
///
/// The operation is made from the same path, query and body the builder sends alone, after the
/// same checks: a refused builder is refused by [`Batch::request`], before any call.
pub trait BatchRequest {
    /// What the operation's answer reads as: what `.send()` returns, except that a paged
    /// edge gives its first page as a [`ListResponse`](crate::api::models::ListResponse) (a
    /// batch cannot follow `paging.next`), and media insights their metric list.
    type Output;

    /// The checked operation: method, URL relative to the versioned host, form body.
    fn into_batch_op(self) -> Result<BatchOp>;

    /// Reads the operation's answer.
    fn read_answer(answer: &BatchResponse) -> Result<Self::Output>;
}

impl Batch<'_> {
    /// Adds a request builder ([`BatchRequest`]); its answer is read back, typed, with
    /// [`BatchResults::take`](super::BatchResults::take).
    ///
    /// The builder's checks run here (an `Err` means nothing was added). The operation runs
    /// with the batch's token; a builder made on the other host (graph.instagram.com against
    /// graph.facebook.com) is refused, since its default fields and paths are that host's.
    pub fn request<R: BatchRequest>(&mut self, request: R) -> Result<BatchSlot<R::Output>> {
        let op = request.into_batch_op()?;
        if let Some(host) = op.host {
            if host != self.graph.host() {
                return Err(Error::invalid(
                    "host",
                    format!(
                        "the request was built for {} but the batch goes to {}",
                        host.label(),
                        self.graph.host().label()
                    ),
                ));
            }
        }
        Ok(BatchSlot {
            index: self.push(op),
            read: R::read_answer,
        })
    }
}

impl BatchOp {
    /// An operation made from a request builder, remembering the host it was built for.
    pub(crate) fn from_request(
        method: BatchMethod,
        relative_url: String,
        body: Option<String>,
        host: crate::config::Host,
    ) -> Self {
        Self {
            method,
            relative_url,
            body,
            host: Some(host),
        }
    }
}

/// Implements `.send()`, `IntoFuture` and [`BatchRequest`] for a builder of one call whose
/// `into_request(self) -> Result<GraphRequest>` is the single description of the call: its
/// answer decodes as `$wire`, and `$finish` turns that into what the caller gets.
macro_rules! single_call {
    ($builder:ident, $output:ty, $wire:ty, $finish:expr) => {
        impl<'a> $builder<'a> {
            /// Checks the request (no network), then sends it.
            pub async fn send(self) -> $crate::error::Result<$output> {
                let wire: $wire = self.into_request()?.send().await?;
                ($finish)(wire)
            }
        }

        impl<'a> ::std::future::IntoFuture for $builder<'a> {
            type Output = $crate::error::Result<$output>;
            type IntoFuture = ::futures::future::BoxFuture<'a, $crate::error::Result<$output>>;
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }

        impl $crate::api::batch::BatchRequest for $builder<'_> {
            type Output = $output;
            fn into_batch_op(self) -> $crate::error::Result<$crate::api::batch::BatchOp> {
                self.into_request()?.into_batch_op()
            }
            fn read_answer(
                answer: &$crate::api::batch::BatchResponse,
            ) -> $crate::error::Result<$output> {
                answer.json::<$wire>().and_then($finish)
            }
        }
    };
}
pub(crate) use single_call;
