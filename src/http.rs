//! The one request pipeline: URL building, `appsecret_proof` (from the `proof` module), retries
//! with backoff, usage headers, error mapping and decoding straight from the response bytes.

use std::borrow::Cow;
use std::future::Future;
use std::time::Instant;

use futures::FutureExt;
use reqwest::Method;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::api::batch::{BatchMethod, BatchOp};
use crate::client::Client;
use crate::config::Host;
use crate::error::{Error, ErrorClass, GraphApiError, RequestContext, Result};
use crate::AccessToken;

const X_APP_USAGE: reqwest::header::HeaderName =
    reqwest::header::HeaderName::from_static("x-app-usage");
const X_BUSINESS_USE_CASE_USAGE: reqwest::header::HeaderName =
    reqwest::header::HeaderName::from_static("x-business-use-case-usage");

/// Where the request goes.
#[derive(Debug, Clone)]
enum Target {
    /// A path under a host, versioned (`/vXX.X/`) for Graph hosts.
    Path {
        host: Host,
        path: Cow<'static, str>,
        versioned: bool,
    },
    /// A full URL given by Meta (a `paging.next`), already checked to be on a configured host.
    Url(url::Url),
}

/// One Graph API request, built by handlers and sent through the pipeline.
#[derive(Debug)]
pub(crate) struct GraphRequest<'c> {
    client: &'c Client,
    method: Method,
    target: Target,
    query: Vec<(Cow<'static, str>, String)>,
    form: Option<Vec<(Cow<'static, str>, String)>>,
    json: Option<serde_json::Value>,
    token: Option<&'c AccessToken>,
    retry_safe: bool,
    context: RequestContext,
}

impl<'c> GraphRequest<'c> {
    pub(crate) fn new(
        client: &'c Client,
        method: Method,
        host: Host,
        path: impl Into<Cow<'static, str>>,
    ) -> Self {
        let retry_safe = method == Method::GET || method == Method::DELETE;
        let path = path.into();
        let versioned = matches!(
            host,
            Host::GraphFacebook | Host::GraphInstagram | Host::FacebookDialog
        );
        Self {
            client,
            context: RequestContext {
                method: method.to_string(),
                path: context_path(client, host, &path, versioned),
                ..Default::default()
            },
            method,
            target: Target::Path {
                host,
                path,
                versioned,
            },
            query: Vec::new(),
            form: None,
            json: None,
            token: None,
            retry_safe,
        }
    }

    /// A request to a full URL Meta handed back (paging). The URL must be on the host the first
    /// page came from: the token is never sent anywhere else.
    pub(crate) fn follow(client: &'c Client, host: Host, url: &str) -> Result<Self> {
        let base = client.config().hosts.get(host);
        let mut parsed = url::Url::parse(url)
            .map_err(|e| Error::invalid("paging.next", format!("not a URL: {e}")))?;
        if !is_under(&parsed, base) {
            return Err(Error::invalid(
                "paging.next",
                format!(
                    "the next-page URL is not on the configured {} host",
                    host.label()
                ),
            ));
        }
        // Meta embeds the token in `next`; drop it so only the caller's token (and a fresh
        // proof) is sent.
        let kept: Vec<(String, String)> = parsed
            .query_pairs()
            .filter(|(k, _)| k != "access_token" && k != "appsecret_proof")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        parsed.set_query(None);
        let path = parsed.path().to_owned();
        let mut req = Self {
            client,
            method: Method::GET,
            context: RequestContext {
                method: "GET".into(),
                path: format!(
                    "{}{}",
                    host.label(),
                    path.strip_prefix(url_path(base)).unwrap_or(&path)
                ),
                ..Default::default()
            },
            target: Target::Url(parsed),
            query: Vec::new(),
            form: None,
            json: None,
            token: None,
            retry_safe: true,
        };
        for (k, v) in kept {
            req.query.push((Cow::Owned(k), v));
        }
        Ok(req)
    }

    pub(crate) fn token(mut self, token: &'c AccessToken) -> Self {
        self.token = Some(token);
        self
    }

    pub(crate) fn query(
        mut self,
        key: impl Into<Cow<'static, str>>,
        value: impl Into<String>,
    ) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    pub(crate) fn query_opt(self, key: &'static str, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    pub(crate) fn form(
        mut self,
        key: impl Into<Cow<'static, str>>,
        value: impl Into<String>,
    ) -> Self {
        self.form
            .get_or_insert_with(Vec::new)
            .push((key.into(), value.into()));
        self
    }

    /// A JSON body (`Content-Type: application/json`), as the Send API takes it.
    pub(crate) fn json_body(mut self, body: serde_json::Value) -> Self {
        self.json = Some(body);
        self
    }

    /// Marks a POST as safe to repeat (it creates nothing that a repeat would duplicate).
    pub(crate) fn retry_safe(mut self, safe: bool) -> Self {
        self.retry_safe = safe;
        self
    }

    /// Where the request goes (method and path, never the query).
    pub(crate) fn context(&self) -> &RequestContext {
        &self.context
    }

    pub(crate) fn container_context(mut self, container: &str) -> Self {
        self.context.container_id = Some(container.to_owned());
        self
    }

    pub(crate) fn media_context(mut self, media_url: &str) -> Self {
        self.context.media_url = Some(media_url.to_owned());
        self
    }

    /// This request as a batch operation: the same method, path, query and form body, without
    /// the token (a batch carries its own).
    pub(crate) fn into_batch_op(self) -> Result<BatchOp> {
        let Target::Path {
            host,
            path,
            versioned: true,
        } = self.target
        else {
            return Err(Error::invalid(
                "batch",
                "only a call on a versioned Graph path can go in a batch",
            ));
        };
        if self.json.is_some() {
            return Err(Error::invalid(
                "batch",
                "a call with a JSON body (the Send API) cannot go in a batch",
            ));
        }
        let method = match self.method {
            Method::GET => BatchMethod::Get,
            Method::POST => BatchMethod::Post,
            Method::DELETE => BatchMethod::Delete,
            other => {
                return Err(Error::invalid(
                    "batch",
                    format!("{other} cannot go in a batch"),
                ))
            }
        };
        let encode = |pairs: &[(Cow<'static, str>, String)]| {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in pairs {
                form.append_pair(k, v);
            }
            form.finish()
        };
        let mut relative_url = path.trim_start_matches('/').to_owned();
        if !self.query.is_empty() {
            relative_url.push('?');
            relative_url.push_str(&encode(&self.query));
        }
        let body = self.form.as_deref().map(encode);
        Ok(BatchOp::from_request(method, relative_url, body, host))
    }

    /// Sends the request and decodes the answer into `T`.
    ///
    /// The pipeline's futures own the request once and borrow it below, so that a call's state
    /// stays small: every `async fn` keeps its by-value arguments twice (rust-lang/rust#62958),
    /// and a state of several kilobytes is written on every call.
    pub(crate) fn send<T: DeserializeOwned>(self) -> impl Future<Output = Result<T>> + 'c {
        self.send_raw().map(|answer| {
            let (bytes, context) = answer?;
            serde_json::from_slice(&bytes).map_err(|e| Error::Decode {
                context: Box::new(context),
                message: e.to_string(),
            })
        })
    }

    /// Sends the request, returning the raw body of a successful answer.
    // An `async fn` would keep `self` twice (see `send`).
    #[allow(clippy::manual_async_fn)]
    pub(crate) fn send_raw(
        mut self,
    ) -> impl Future<Output = Result<(bytes::Bytes, RequestContext)>> + 'c {
        async move {
            let span = tracing::debug_span!(
                "graph_request",
                method = %self.context.method,
                path = %self.context.path,
                status = tracing::field::Empty,
                attempts = tracing::field::Empty,
            );
            // Entering a span nobody listens to still costs; skip it on the hot path.
            if span.is_disabled() {
                self.run().await
            } else {
                self.run().instrument(span).await
            }
        }
    }

    fn build(&self) -> Result<reqwest::Request> {
        let inner = self.client.inner();
        let mut url = match &self.target {
            Target::Path {
                host,
                path,
                versioned,
            } => {
                let base = inner.config.hosts.get(*host);
                let raw = if *versioned {
                    format!(
                        "{base}/{}/{}",
                        inner.config.api_version,
                        path.trim_start_matches('/')
                    )
                } else {
                    format!("{base}/{}", path.trim_start_matches('/'))
                };
                url::Url::parse(&raw).map_err(|e| Error::invalid("path", format!("{e}")))?
            }
            Target::Url(url) => url.clone(),
        };
        {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in &self.query {
                pairs.append_pair(k, v);
            }
            if let Some(token) = self.token {
                pairs.append_pair("access_token", token.expose());
                if let Some(key) = &inner.proof_key {
                    pairs.append_pair("appsecret_proof", &key.proof(token));
                }
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        let mut builder = inner.http.request(self.method.clone(), url);
        if let Some(form) = &self.form {
            let body = serde_urlencoded::to_string(form)
                .map_err(|e| Error::invalid("form", e.to_string()))?;
            builder = builder
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(body);
        } else if let Some(json) = &self.json {
            let body =
                serde_json::to_vec(json).map_err(|e| Error::invalid("body", e.to_string()))?;
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        builder.build().map_err(|e| Error::Http {
            context: Box::new(self.context.clone()),
            source: e.without_url(),
        })
    }

    async fn run(&mut self) -> Result<(bytes::Bytes, RequestContext)> {
        let inner = self.client.inner();
        let policy = &inner.config.retry;
        let mut context = std::mem::take(&mut self.context);
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            context.attempts = attempt;
            let started = Instant::now();
            // Built for each try (building is pure: a retry sends the same bytes), so the first
            // try needs no copy; bad input fails on the first, before any wait.
            let sent = inner.http.execute(self.build()?);
            let outcome = self.attempt(sent, &context).await;
            let span = tracing::Span::current();
            span.record("attempts", attempt);
            let err = match outcome {
                Ok((status, bytes)) => {
                    span.record("status", status);
                    tracing::debug!(
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "graph answer"
                    );
                    return Ok((bytes, context));
                }
                Err(err) => err,
            };
            let class = err.class();
            let may_retry = attempt < policy.max_attempts
                && class.is_retryable()
                && (self.retry_safe || never_sent(&err));
            if !may_retry {
                return Err(err);
            }
            let wait = match class {
                ErrorClass::Throttled {
                    retry_after: Some(after),
                } => {
                    if after > policy.max_throttle_wait {
                        return Err(err);
                    }
                    after.max(policy.backoff(attempt))
                }
                _ => policy.backoff(attempt),
            };
            tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, error = %err, "retrying");
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt(
        &self,
        sent: impl Future<Output = reqwest::Result<reqwest::Response>>,
        context: &RequestContext,
    ) -> Result<(u16, bytes::Bytes)> {
        let inner = self.client.inner();
        let http_error = |e: reqwest::Error| Error::Http {
            context: Box::new(context.clone()),
            source: e.without_url(),
        };
        let mut response = sent.await.map_err(http_error)?;
        let status = response.status().as_u16();
        let retry_after = {
            let headers = response.headers();
            let app = headers.get(X_APP_USAGE).map(|v| v.as_bytes());
            let business = headers.get(X_BUSINESS_USE_CASE_USAGE).map(|v| v.as_bytes());
            if app.is_some() || business.is_some() {
                inner.record_usage(app, business)
            } else {
                None
            }
        };
        let bytes = read_body(&mut response, inner.config.max_response_bytes, context).await?;
        if (200..300).contains(&status) {
            return Ok((status, bytes));
        }
        let error = GraphApiError::from_body(&bytes).unwrap_or_else(|| GraphApiError {
            message: format!("HTTP {status} without a Graph error body"),
            code: if status >= 500 { 2 } else { 0 },
            is_transient: Some(status >= 500),
            ..Default::default()
        });
        Err(Error::Graph {
            error: Box::new(error),
            status,
            context: Box::new(context.clone()),
            retry_after,
        })
    }
}

/// Reads a response body of at most `limit` bytes. A larger one is refused with
/// [`Error::ResponseTooLarge`] as soon as its `Content-Length` or the bytes received so far go
/// past the limit (a chunked answer has no length; a server can say one thing and send another),
/// so it never sits whole in memory.
pub(crate) async fn read_body(
    response: &mut reqwest::Response,
    limit: u64,
    context: &RequestContext,
) -> Result<bytes::Bytes> {
    let too_large = || Error::ResponseTooLarge {
        limit,
        context: Box::new(context.clone()),
    };
    let http_error = |e: reqwest::Error| Error::Http {
        context: Box::new(context.clone()),
        source: e.without_url(),
    };
    let declared = response.content_length();
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    // Most answers arrive as one chunk: it is handed on as is, and only a body of several
    // chunks is copied into one buffer (as `Response::bytes` would).
    let Some(first) = response.chunk().await.map_err(http_error)? else {
        return Ok(bytes::Bytes::new());
    };
    let mut total = first.len() as u64;
    if total > limit {
        return Err(too_large());
    }
    let Some(second) = response.chunk().await.map_err(http_error)? else {
        return Ok(first);
    };
    total += second.len() as u64;
    if total > limit {
        return Err(too_large());
    }
    let expected = declared.unwrap_or(total).min(limit);
    let mut body = bytes::BytesMut::with_capacity(usize::try_from(expected).unwrap_or(0));
    body.extend_from_slice(&first);
    body.extend_from_slice(&second);
    while let Some(chunk) = response.chunk().await.map_err(http_error)? {
        total += chunk.len() as u64;
        if total > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Whether the failure proves the request never reached Meta, so even a POST may be repeated.
fn never_sent(err: &Error) -> bool {
    matches!(err, Error::Http { source, .. } if source.is_connect())
}

/// Whether `url` is on the same origin as `base` and under its path: the only URLs the token may
/// follow. Comparing parsed origins (not string prefixes) rules out `user@host` tricks and
/// longer ports.
fn is_under(url: &url::Url, base: &str) -> bool {
    let Ok(base) = url::Url::parse(base) else {
        return false;
    };
    let base_path = base.path().trim_end_matches('/');
    url.scheme() == base.scheme()
        && url.username().is_empty()
        && url.password().is_none()
        && url.host_str() == base.host_str()
        && url.port_or_known_default() == base.port_or_known_default()
        && (base_path.is_empty() || url.path().starts_with(&format!("{base_path}/")))
}

fn url_path(base: &str) -> &str {
    base.find("://")
        .and_then(|i| base[i + 3..].find('/').map(|j| &base[i + 3 + j..]))
        .unwrap_or("")
}

fn context_path(client: &Client, host: Host, path: &str, versioned: bool) -> String {
    let path = path.trim_start_matches('/');
    if versioned {
        format!("{}/{}/{}", host.label(), client.config().api_version, path)
    } else {
        format!("{}/{}", host.label(), path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_urls_must_stay_on_the_configured_origin() {
        let base = "http://127.0.0.1:4000/graph.facebook.com";
        let ok = |u: &str| is_under(&url::Url::parse(u).unwrap(), base);
        assert!(ok(
            "http://127.0.0.1:4000/graph.facebook.com/v26.0/me/accounts?after=x"
        ));
        assert!(!ok("http://127.0.0.1:40001/graph.facebook.com/v26.0/me"));
        assert!(!ok(
            "http://127.0.0.1:4000@evil.example:4000/graph.facebook.com/v26.0/me"
        ));
        assert!(!ok("https://127.0.0.1:4000/graph.facebook.com/v26.0/me"));
        assert!(!ok(
            "http://127.0.0.1:4000/graph.facebook.com.evil/v26.0/me"
        ));
        assert!(is_under(
            &url::Url::parse("https://graph.facebook.com/v26.0/me?after=1").unwrap(),
            "https://graph.facebook.com"
        ));
    }

    #[test]
    fn url_path_of_a_base() {
        assert_eq!(
            url_path("http://127.0.0.1:9/graph.facebook.com"),
            "/graph.facebook.com"
        );
        assert_eq!(url_path("https://graph.facebook.com"), "");
    }

    /// Every call writes its whole state, so the pipeline keeps it small (3.6 KB for a media
    /// list before its futures stopped holding the request twice; 1.6 KB after, in release).
    #[test]
    fn a_call_keeps_a_small_state() {
        let client = Client::builder()
            .app("1", "secret")
            .build()
            .expect("client");
        let token = AccessToken::new("token");
        let call = client
            .facebook(&token)
            .ig_user("17841400000000000")
            .media()
            .list()
            .send();
        let size = std::mem::size_of_val(&call);
        assert!(
            size <= 2048,
            "a media list call holds {size} bytes of state"
        );
        let raw = GraphRequest::new(&client, Method::GET, Host::GraphFacebook, "me").send_raw();
        let size = std::mem::size_of_val(&raw);
        assert!(size <= 1280, "the pipeline holds {size} bytes of state");
    }
}
