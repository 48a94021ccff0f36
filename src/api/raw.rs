//! [`RawRequest`]: an endpoint the SDK has not modelled, sent through the same pipeline as every
//! handler (token, `appsecret_proof`, retries of safe requests, usage headers, typed errors, the
//! response size cap).

use std::marker::PhantomData;

use serde::de::DeserializeOwned;

use super::{FacebookGraph, Graph, InstagramGraph};
use crate::error::{Error, Result};
use crate::http::GraphRequest;

/// Query and form keys the pipeline sets itself.
const RESERVED_KEYS: [&str; 2] = ["access_token", "appsecret_proof"];

/// A request to any Graph API path, answered as `T` (e.g. `serde_json::Value`, or a type of
/// your own): `client.facebook(&token).get::<T>("path")` or `.post::<T>("path")`.
///
/// The path is relative to the host's versioned root (`17841400000000001/tags`, not a URL):
/// the token never goes anywhere else. Arguments are checked when sent, before any call: an
/// absolute URL, a query string in the path, `..` segments, or a key the pipeline sets
/// itself (`access_token`, `appsecret_proof`) are refused with [`Error::InvalidInput`].
/// `GET` is retried on transient errors; `POST` is not unless [`RawRequest::retry_safe`] says
/// a repeat is harmless.
///
/// ```no_run
/// # async fn demo(client: instagraph::Client, token: instagraph::AccessToken) -> instagraph::Result<()> {
/// let tags: serde_json::Value = client
///     .facebook(&token)
///     .get("17841400000000001/tags")
///     .query("fields", "id,caption")
///     .query("limit", "5")
///     .send()
///     .await?;
/// # let _ = tags; Ok(()) }
/// ```
#[derive(Debug)]
#[must_use = "a request builder does nothing until `.send()`"]
pub struct RawRequest<'a, T> {
    request: GraphRequest<'a>,
    refused: Option<Error>,
    _answer: PhantomData<fn() -> T>,
}

impl<'a, T: DeserializeOwned> RawRequest<'a, T> {
    fn new(graph: Graph<'a>, path: &str, post: bool) -> Self {
        let trimmed = path.trim().trim_start_matches('/').to_owned();
        let refused = check_path(&trimmed).err();
        let request = if post {
            graph.post(trimmed)
        } else {
            graph.get(trimmed)
        };
        Self {
            request,
            refused,
            _answer: PhantomData,
        }
    }

    /// Adds a query parameter.
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let key = self.check_key(key.into());
        self.request = self.request.query(key, value);
        self
    }

    /// Adds a form field (`application/x-www-form-urlencoded` body), as Meta's `POST` endpoints
    /// take their parameters.
    pub fn form(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let key = self.check_key(key.into());
        self.request = self.request.form(key, value);
        self
    }

    /// A JSON body instead of a form (the Send API's messages take one).
    pub fn json(mut self, body: serde_json::Value) -> Self {
        self.request = self.request.json_body(body);
        self
    }

    /// Whether a repeat of this request is harmless, so that the pipeline may retry it after a
    /// transient error (default: `GET` yes, `POST` no).
    pub fn retry_safe(mut self, safe: bool) -> Self {
        self.request = self.request.retry_safe(safe);
        self
    }

    /// Sends the request and decodes the answer as `T`.
    pub async fn send(self) -> Result<T> {
        if let Some(e) = self.refused {
            return Err(e);
        }
        self.request.send().await
    }

    fn check_key(&mut self, key: String) -> String {
        if self.refused.is_none() {
            if key.trim().is_empty() {
                self.refused = Some(Error::invalid("key", "a parameter name is empty"));
            } else if RESERVED_KEYS.contains(&key.as_str()) {
                self.refused = Some(Error::invalid(
                    "key",
                    format!("{key} is set by the client from its token and app secret"),
                ));
            }
        }
        key
    }
}

fn check_path(path: &str) -> Result<()> {
    let refuse = |why: &str| Err(Error::invalid("path", why.to_owned()));
    if path.is_empty() {
        return refuse("is empty");
    }
    if path.contains("://") {
        return refuse("must be relative to the Graph API host, not a URL");
    }
    if path.contains(['?', '#']) {
        return refuse("must not hold a query or fragment; add parameters with .query(..)");
    }
    if path.chars().any(char::is_whitespace) {
        return refuse("must not hold white space");
    }
    if path
        .split('/')
        .any(|segment| segment == ".." || segment == ".")
    {
        return refuse("must not hold . or .. segments");
    }
    Ok(())
}

macro_rules! raw_entry_points {
    ($graph:ident) => {
        impl<'a> $graph<'a> {
            /// `GET /{path}` on this host with this token, for an endpoint the SDK has not
            /// modelled: see [`RawRequest`].
            pub fn get<T: DeserializeOwned>(&self, path: &str) -> RawRequest<'a, T> {
                RawRequest::new(self.graph(), path, false)
            }

            /// `POST /{path}` on this host with this token (not retried unless
            /// [`RawRequest::retry_safe`]): see [`RawRequest`].
            pub fn post<T: DeserializeOwned>(&self, path: &str) -> RawRequest<'a, T> {
                RawRequest::new(self.graph(), path, true)
            }
        }
    };
}

raw_entry_points!(FacebookGraph);
raw_entry_points!(InstagramGraph);
