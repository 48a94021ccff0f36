//! Batch requests: `POST /` (also `POST /vN.M/`, or any other path, as Meta's `POST /me?batch=`
//! example) on graph.facebook.com with
//! `batch=[{"method","relative_url","body"?},…]` (at most 50), `access_token` and
//! `include_headers` (default true) → a JSON array, in order, of
//! `{"code","headers":[{"name","value"}],"body":"<JSON text>"}`.
//!
//! Each operation goes through the same dispatcher as a lone request (token, proof, scopes,
//! rate limits, call counts): it inherits the outer `access_token` and `appsecret_proof`
//! unless its `relative_url` or `body` carries its own `access_token` (then it needs its own
//! proof too). `body` is form-encoded text (or, tolerated, a JSON object). An operation whose
//! `relative_url` contains one of `SandboxConfig::batch_timeout_ops`, or every operation when
//! fault injection's `slow_ms` reaches `batch_op_timeout_ms`, "times out": it is not executed
//! and comes back `null`. graph.instagram.com answers code 100 unless
//! `SandboxConfig::instagram_batch` is set (Meta does not document batches there [U]).
//! Fault injection applies to the outer request only.

use std::collections::BTreeMap;

use axum::http::HeaderMap;
use serde_json::{json, Value};

use super::credentials::token_of;
use super::error::GraphError;
use super::faults::FaultRoll;
use super::graph::{self, is_version};
use super::incoming::parse_bool;
use super::server::{hosts, percent_decode, Incoming, Reply, Shared};
use super::world::Login;
use super::{stats, usage};

/// The most operations one batch may hold.
pub(crate) const MAX_OPS: usize = 50;

/// A `POST` with a `batch` parameter. Meta takes it on any endpoint (`POST /ENDPOINT?batch=`,
/// its example posts to `/me`); the path is then ignored.
pub(crate) fn is_batch(inc: &Incoming) -> bool {
    inc.method == "POST" && inc.param("batch").is_some()
}

fn error_reply(w: &mut super::world::World, e: &GraphError) -> Reply {
    let headers = usage::headers(w, None, Some(e));
    Reply::Json {
        status: e.status,
        body: e.to_json(),
        headers,
    }
}

pub(crate) async fn run(shared: &Shared, host: Login, inc: &Incoming, roll: FaultRoll) -> Reply {
    let ops = {
        let mut w = shared.lock();
        let refused = if let Some(e) = roll.transient.clone() {
            Some(e)
        } else if host == Login::Instagram && !w.config.instagram_batch {
            Some(GraphError::invalid_param(
                "Batch requests are not supported on graph.instagram.com (sandbox default; \
                 set instagram_batch to allow them)",
            ))
        } else {
            None
        };
        if let Some(e) = refused {
            return error_reply(&mut w, &e);
        }
        match parse_ops(inc.param("batch").unwrap_or_default()) {
            Ok(ops) => ops,
            Err(e) => return error_reply(&mut w, &e),
        }
    };
    let include_headers = inc
        .param("include_headers")
        .and_then(parse_bool)
        .unwrap_or(true);
    let outer_token = token_of(inc);
    let outer_proof = inc.param("appsecret_proof").map(str::to_owned);
    let version = inc.segments.first().filter(|s| is_version(s)).cloned();
    let mut results = Vec::with_capacity(ops.len());
    for op in ops {
        let timed_out = {
            let w = shared.lock();
            let by_name = w
                .config
                .batch_timeout_ops
                .iter()
                .any(|s| !s.is_empty() && op.relative_url.contains(s.as_str()));
            let by_speed = w.config.batch_op_timeout_ms > 0
                && w.faults.slow_ms >= w.config.batch_op_timeout_ms;
            by_name || by_speed
        };
        if timed_out {
            results.push(Value::Null);
            continue;
        }
        let op_inc = op.incoming(
            host,
            version.as_deref(),
            outer_token.as_deref(),
            outer_proof.as_deref(),
        );
        // Each operation locks the world on its own, so no lock is held between them.
        let reply = {
            let mut w = shared.lock();
            let kind = stats::graph_kind(&w, &op_inc.method, &op_inc.segments);
            stats::count(&mut w, kind);
            graph::handle(&mut w, &shared.base_url, host, &op_inc, FaultRoll::none())
        };
        results.push(match reply {
            Reply::Json {
                status,
                body,
                headers,
            } => {
                let mut item = json!({ "code": status, "body": body.to_string() });
                if include_headers {
                    let mut hs = vec![json!({
                        "name": "Content-Type",
                        "value": "text/javascript; charset=UTF-8",
                    })];
                    hs.extend(
                        headers
                            .into_iter()
                            .map(|(n, v)| json!({ "name": n, "value": v })),
                    );
                    item["headers"] = Value::Array(hs);
                }
                item
            }
            _ => Value::Null,
        });
    }
    let headers = usage::headers(&mut shared.lock(), None, None);
    Reply::Json {
        status: 200,
        body: Value::Array(results),
        headers,
    }
}

/// One operation of a batch.
struct Op {
    method: String,
    relative_url: String,
    body: BTreeMap<String, String>,
}

fn parse_ops(raw: &str) -> Result<Vec<Op>, GraphError> {
    let list = match serde_json::from_str::<Value>(raw) {
        Ok(Value::Array(list)) => list,
        _ => {
            return Err(GraphError::invalid_param(
                "The parameter batch must be a JSON array of operations",
            ))
        }
    };
    if list.is_empty() {
        return Err(GraphError::invalid_param("The batch holds no operations"));
    }
    if list.len() > MAX_OPS {
        return Err(GraphError::invalid_param(format!(
            "Too many requests in batch message. Maximum batch size is {MAX_OPS}"
        )));
    }
    list.iter()
        .enumerate()
        .map(|(i, op)| {
            let relative_url = op
                .get("relative_url")
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    GraphError::invalid_param(format!("batch[{i}] needs a relative_url"))
                })?
                .to_owned();
            let method = op
                .get("method")
                .and_then(Value::as_str)
                .unwrap_or("GET")
                .to_ascii_uppercase();
            let body = match op.get("body") {
                Some(Value::String(s)) => url::form_urlencoded::parse(s.as_bytes())
                    .into_owned()
                    .collect(),
                Some(Value::Object(m)) => m
                    .iter()
                    .map(|(k, v)| {
                        let v = match v {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        (k.clone(), v)
                    })
                    .collect(),
                _ => BTreeMap::new(),
            };
            Ok(Op {
                method,
                relative_url,
                body,
            })
        })
        .collect()
}

impl Op {
    /// The operation as a lone request on the same host.
    fn incoming(
        &self,
        host: Login,
        version: Option<&str>,
        token: Option<&str>,
        proof: Option<&str>,
    ) -> Incoming {
        let rel = self.relative_url.trim().trim_start_matches('/');
        let (path, query) = rel.split_once('?').unwrap_or((rel, ""));
        let mut segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(percent_decode)
            .collect();
        if let (Some(v), false) = (version, segments.first().is_some_and(|s| is_version(s))) {
            segments.insert(0, v.to_owned());
        }
        let query: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let body: Vec<(String, String)> = self.body.clone().into_iter().collect();
        let mut params: BTreeMap<String, String> = query.iter().cloned().collect();
        params.extend(body.iter().cloned());
        if !params.contains_key("access_token") {
            if let Some(t) = token {
                params.insert("access_token".into(), t.to_owned());
                if let Some(p) = proof {
                    params
                        .entry("appsecret_proof".into())
                        .or_insert_with(|| p.to_owned());
                }
            }
        }
        let host_name = match host {
            Login::Facebook => hosts::GRAPH_FACEBOOK,
            Login::Instagram => hosts::GRAPH_INSTAGRAM,
        };
        Incoming {
            method: self.method.clone(),
            path: format!("/{host_name}/{}", segments.join("/")),
            segments,
            query,
            body,
            params,
            headers: HeaderMap::new(),
        }
    }
}
