//! [`GetNode`]: the one request builder of `GET /{node-id}?fields=…` (an IG user, a media, a
//! comment, the Facebook user), typed by the node it reads.

use std::fmt;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;

use super::batch::{BatchOp, BatchRequest, BatchResponse};
use super::{join_fields, Graph};
use crate::error::{Error, Result};
use crate::http::GraphRequest;

/// Request builder of `GET /{node-id}`: `.fields(..)` replaces the node's default field list,
/// `.send()` reads it as `T`.
///
/// ```no_run
/// # async fn demo(client: instagraph::Client, token: instagraph::AccessToken) -> instagraph::Result<()> {
/// let media = client
///     .facebook(&token)
///     .media("17895695668004550")
///     .get()
///     .fields(["id", "caption", "permalink"])
///     .send()
///     .await?;
/// # let _ = media; Ok(()) }
/// ```
#[must_use = "a request builder does nothing until `.send()`"]
pub struct GetNode<'a, T> {
    graph: Graph<'a>,
    path: String,
    fields: Option<String>,
    default_fields: &'static str,
    /// An argument refused when the builder was made: returned by `send`, before any call.
    refused: Option<Error>,
    _answer: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for GetNode<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GetNode")
            .field("path", &self.path)
            .field("fields", &self.fields)
            .field("default_fields", &self.default_fields)
            .finish_non_exhaustive()
    }
}

impl<'a, T: DeserializeOwned> GetNode<'a, T> {
    pub(crate) fn new(
        graph: Graph<'a>,
        path: impl Into<String>,
        default_fields: &'static str,
    ) -> Self {
        Self {
            graph,
            path: path.into(),
            fields: None,
            default_fields,
            refused: None,
            _answer: PhantomData,
        }
    }

    /// Keeps `check`'s error to return from `send`, before any call.
    pub(crate) fn checked(mut self, check: Result<()>) -> Self {
        if let Err(e) = check {
            self.refused.get_or_insert(e);
        }
        self
    }

    /// The fields to read (replaces the node's default list).
    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.fields = Some(join_fields(fields));
        self
    }

    /// Checks the request (no network), then sends it.
    pub async fn send(self) -> Result<T> {
        self.into_request()?.send().await
    }

    /// The call, checked: what `send` sends and a batch carries.
    fn into_request(self) -> Result<GraphRequest<'a>> {
        if let Some(e) = self.refused {
            return Err(e);
        }
        let fields = match self.fields {
            Some(f) if f.is_empty() => {
                return Err(Error::invalid("fields", "at least one field is required"))
            }
            Some(f) => f,
            None => self.default_fields.to_owned(),
        };
        Ok(self.graph.get(self.path).query("fields", fields))
    }
}

impl<T: DeserializeOwned> BatchRequest for GetNode<'_, T> {
    type Output = T;

    fn into_batch_op(self) -> Result<BatchOp> {
        self.into_request()?.into_batch_op()
    }

    fn read_answer(answer: &BatchResponse) -> Result<T> {
        answer.json()
    }
}
