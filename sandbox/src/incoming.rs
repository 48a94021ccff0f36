//! Reading a request the way Meta's front end does, in one place for every host: parameters
//! from the query string and from the body (`application/x-www-form-urlencoded`,
//! `multipart/form-data` or JSON, on any method), and the client credentials of an
//! `Authorization: Basic` header (RFC 6749 §2.3.1).
//!
//! Merging: query first, then the body (the body wins on a name both carry), then the Basic
//! credentials for `client_id` / `client_secret` when neither query nor body has them. A body
//! whose `Content-Type` is missing or unknown is read as JSON when it is a JSON object and as a
//! form otherwise. In a JSON body, strings are taken as they are, `null` as absent, and other
//! values (numbers, booleans, lists, objects) as their JSON text, which is how the handlers
//! read lists and objects sent in a query or a form.

use std::collections::BTreeMap;

use axum::http::{header, HeaderMap};
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use serde_json::Value;

/// A parsed request: method, path segments, and every parameter from query or body.
pub(crate) struct Incoming {
    pub method: String,
    /// The full request path, host prefix included (forms post back to it).
    pub path: String,
    /// Path segments after the host prefix.
    pub segments: Vec<String>,
    /// The query pairs, in order.
    pub query: Vec<(String, String)>,
    /// The body's parameters, in order (paging links repeat them with the query's).
    pub body: Vec<(String, String)>,
    /// Query, body and Basic credentials merged as the module docs say.
    pub params: BTreeMap<String, String>,
    pub headers: HeaderMap,
}

impl Incoming {
    /// Parses the parts of a request; `read_body` is false for the control endpoints, which
    /// read their JSON body themselves.
    pub fn parse(
        method: &str,
        path: &str,
        raw_query: Option<&str>,
        headers: HeaderMap,
        bytes: &[u8],
        read_body: bool,
    ) -> (String, Incoming) {
        let query: Vec<(String, String)> = raw_query
            .map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .into_owned()
                    .collect()
            })
            .unwrap_or_default();
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let body = if read_body {
            body_params(content_type, bytes)
        } else {
            Vec::new()
        };
        let mut params: BTreeMap<String, String> = query.iter().cloned().collect();
        params.extend(body.iter().cloned());
        if let Some((id, secret)) = basic_credentials(&headers) {
            params.entry("client_id".into()).or_insert(id);
            params.entry("client_secret".into()).or_insert(secret);
        }
        let mut segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(percent_decode)
            .collect();
        let host = if segments.is_empty() {
            String::new()
        } else {
            segments.remove(0)
        };
        let incoming = Incoming {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            segments,
            query,
            body,
            params,
            headers,
        };
        (host, incoming)
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }

    /// The query and body pairs for a link back to the same request (`paging.next`): query
    /// order, a body value replacing the query's, body-only names after.
    pub fn link_pairs(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .query
            .iter()
            .filter(|(k, _)| !self.body.iter().any(|(b, _)| b == k))
            .cloned()
            .collect();
        out.extend(self.body.iter().cloned());
        out
    }
}

/// A boolean as Meta reads one: `true`/`false` in any case, or `1`/`0` (surrounding spaces
/// ignored).
pub(crate) fn parse_bool(v: &str) -> Option<bool> {
    let v = v.trim();
    if v.eq_ignore_ascii_case("true") || v == "1" {
        Some(true)
    } else if v.eq_ignore_ascii_case("false") || v == "0" {
        Some(false)
    } else {
        None
    }
}

/// The body's parameters by its content type (see the module docs).
fn body_params(content_type: &str, bytes: &[u8]) -> Vec<(String, String)> {
    if bytes.is_empty() {
        return Vec::new();
    }
    let lower = content_type.to_ascii_lowercase();
    let mime = lower.split(';').next().unwrap_or("").trim();
    if mime == "multipart/form-data" {
        return boundary(content_type)
            .map(|b| multipart(bytes, &b))
            .unwrap_or_default();
    }
    let is_json = mime == "application/json" || mime.ends_with("+json");
    if mime == "application/x-www-form-urlencoded" {
        return form(bytes);
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => map
            .into_iter()
            .filter_map(|(k, v)| match v {
                Value::Null => None,
                Value::String(s) => Some((k, s)),
                other => Some((k, other.to_string())),
            })
            .collect(),
        // A JSON body that is not an object carries no named parameters.
        _ if is_json => Vec::new(),
        _ => form(bytes),
    }
}

fn form(bytes: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(bytes).into_owned().collect()
}

/// The `boundary` parameter of a multipart content type (quoted or not).
fn boundary(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty())
    })
}

/// The text fields of a `multipart/form-data` body (RFC 7578). File parts (with a
/// `filename`) and parts that are not UTF-8 are skipped: no Graph parameter the sandbox
/// serves is a file.
fn multipart(bytes: &[u8], boundary: &str) -> Vec<(String, String)> {
    let delimiter = format!("--{boundary}");
    let mut out = Vec::new();
    for part in split_bytes(bytes, delimiter.as_bytes()).into_iter().skip(1) {
        if part.starts_with(b"--") {
            break;
        }
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let Some(split) = find(part, b"\r\n\r\n") else {
            continue;
        };
        let (head, content) = (&part[..split], &part[split + 4..]);
        let content = content.strip_suffix(b"\r\n").unwrap_or(content);
        let Ok(head) = std::str::from_utf8(head) else {
            continue;
        };
        let disposition = head
            .split("\r\n")
            .filter_map(|line| line.split_once(':'))
            .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-disposition"))
            .map(|(_, value)| value);
        let Some(disposition) = disposition else {
            continue;
        };
        let mut name = None;
        let mut is_file = false;
        for attr in disposition.split(';').skip(1) {
            if let Some((k, v)) = attr.split_once('=') {
                match k.trim().to_ascii_lowercase().as_str() {
                    "name" => name = Some(v.trim().trim_matches('"').to_owned()),
                    "filename" => is_file = true,
                    _ => {}
                }
            }
        }
        if let (Some(name), false, Ok(value)) = (name, is_file, std::str::from_utf8(content)) {
            out.push((name, value.to_owned()));
        }
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split_bytes<'a>(mut bytes: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    while let Some(i) = find(bytes, delimiter) {
        out.push(&bytes[..i]);
        bytes = &bytes[i + delimiter.len()..];
    }
    out.push(bytes);
    out
}

/// `Authorization: Basic base64(client_id:client_secret)`, each part form-urlencoded as
/// RFC 6749 §2.3.1 says (so it is decoded, `+` included). Padding is optional.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let engine = GeneralPurpose::new(
        &alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let raw = engine.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((form_decode(id), form_decode(secret)))
}

/// Decodes one `application/x-www-form-urlencoded` value (`+` is a space).
fn form_decode(s: &str) -> String {
    decode(s, true)
}

/// Decodes a path segment (`+` stays a plus there).
pub(crate) fn percent_decode(s: &str) -> String {
    decode(s, false)
}

/// `%XX` escapes to bytes (a malformed escape stays as written), then UTF-8 (lossy).
fn decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let hex = |i: usize| {
        bytes
            .get(i)
            .and_then(|b| char::from(*b).to_digit(16))
            .and_then(|d| u8::try_from(d).ok())
    };
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push(hi * 16 + lo);
                i += 3;
            }
            (b'+', _, _) if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_reads_text_fields_and_skips_files() {
        let body =
            "--b\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nline 1\r\nline 2\r\n\
                    --b\r\nContent-Disposition: form-data; name=\"source\"; filename=\"x.jpg\"\r\n\
                    Content-Type: image/jpeg\r\n\r\n\u{1}\u{2}\r\n\
                    --b\r\ncontent-disposition: form-data; name=empty\r\n\r\n\r\n--b--\r\n";
        let got = body_params("multipart/form-data; boundary=\"b\"", body.as_bytes());
        assert_eq!(
            got,
            vec![
                ("caption".to_owned(), "line 1\r\nline 2".to_owned()),
                ("empty".to_owned(), String::new()),
            ]
        );
    }

    #[test]
    fn bodies_without_a_known_type_are_sniffed() {
        let json = body_params("", br#"{"limit": 5, "fields": "id", "after": null}"#);
        assert_eq!(
            json,
            vec![
                ("fields".to_owned(), "id".to_owned()),
                ("limit".to_owned(), "5".to_owned())
            ]
        );
        let form = body_params("text/plain", b"a=1&b=x+y");
        assert_eq!(
            form,
            vec![
                ("a".to_owned(), "1".to_owned()),
                ("b".to_owned(), "x y".to_owned())
            ]
        );
        assert!(body_params("application/json", b"[1,2]").is_empty());
    }

    #[test]
    fn decoding_keeps_malformed_escapes_and_plus_in_paths() {
        assert_eq!(form_decode("a%3Ab+c%2"), "a:b c%2");
        assert_eq!(percent_decode("a+b%20c"), "a+b c");
    }
}
