//! What a batch answers: each operation's outcome, and typed slots to read them.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, RequestContext, Result};

/// A handle on the result of an operation added with [`Batch::add`](super::Batch::add) or
/// [`Batch::request`](super::Batch::request),
/// read as `T` by [`BatchResults::take`].
pub struct BatchSlot<T> {
    pub(super) index: usize,
    pub(super) read: fn(&BatchResponse) -> Result<T>,
}

impl<T> BatchSlot<T> {
    /// The operation's position in the batch (from 0).
    pub fn index(&self) -> usize {
        self.index
    }
}

impl<T> Clone for BatchSlot<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for BatchSlot<T> {}

impl<T> fmt::Debug for BatchSlot<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BatchSlot({})", self.index)
    }
}

/// A header of an operation's answer (only sent with `include_headers=true`; this SDK asks for
/// none, so the list is usually empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchHeader {
    /// Header name.
    pub name: String,
    /// Header value.
    pub value: String,
}

/// The successful answer of one operation.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchResponse {
    /// The operation's HTTP status (2xx).
    pub code: u16,
    /// Its headers, when sent.
    pub headers: Vec<BatchHeader>,
    /// Its body: JSON text.
    pub body: String,
    pub(super) context: RequestContext,
}

impl BatchResponse {
    /// Decodes the body as `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T> {
        serde_json::from_str(&self.body).map_err(|e| Error::Decode {
            context: Box::new(self.context.clone()),
            message: e.to_string(),
        })
    }

    /// The operation's method and path (no query).
    pub fn context(&self) -> &RequestContext {
        &self.context
    }
}

/// The outcome of one operation: its answer, [`Error::Graph`] for an error answer (with the
/// operation's status and path), or [`Error::BatchTimedOut`] when Meta answered `null`.
pub type BatchResult = Result<BatchResponse>;

/// Every operation's outcome, in the order added.
#[derive(Debug)]
pub struct BatchResults {
    pub(super) items: Vec<Option<BatchResult>>,
}

impl BatchResults {
    /// How many operations the batch had.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True for an empty batch.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The outcome at `index`, unless already taken.
    pub fn get(&self, index: usize) -> Option<&BatchResult> {
        self.items.get(index).and_then(Option::as_ref)
    }

    /// Takes the outcome at `index` (once).
    pub fn take_raw(&mut self, index: usize) -> Option<BatchResult> {
        self.items.get_mut(index).and_then(Option::take)
    }

    /// Takes a typed operation's outcome, read as `T` (once; a second take is an
    /// [`Error::InvalidInput`]).
    pub fn take<T>(&mut self, slot: BatchSlot<T>) -> Result<T> {
        match self.take_raw(slot.index) {
            Some(result) => (slot.read)(&result?),
            None => Err(Error::invalid(
                "slot",
                format!("no result at index {} (already taken?)", slot.index),
            )),
        }
    }

    /// Every outcome in order; one already taken shows as an [`Error::InvalidInput`].
    pub fn into_vec(self) -> Vec<BatchResult> {
        self.items
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                r.unwrap_or_else(|| {
                    Err(Error::invalid(
                        "slot",
                        format!("result {i} was already taken"),
                    ))
                })
            })
            .collect()
    }
}

impl IntoIterator for BatchResults {
    type Item = BatchResult;
    type IntoIter = std::vec::IntoIter<BatchResult>;
    fn into_iter(self) -> Self::IntoIter {
        self.into_vec().into_iter()
    }
}
