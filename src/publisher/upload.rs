//! Resumable upload of a local video file through the rupload host.
//!
//! A container created with `upload_type=resumable` answers `{"id","uri"}`; the bytes go to
//! `uri` (`https://rupload.facebook.com/ig-api-upload/{version}/{container-id}`) as one `POST`
//! with the headers `Authorization: OAuth <token>`, `offset: <first byte>` and
//! `file_size: <total>`, the raw bytes as body. When the connection drops, `GET uri` tells how
//! many bytes the host already holds (its answer's shape is not documented \[U\]: `offset`,
//! `bytes_received` or a bare number are read) and the upload resumes from there with the
//! rest of the file, a bounded number of times. Byte progress is reported as the body is read.
//!
//! The token goes only to the configured rupload host: a `uri` elsewhere is refused (a
//! production `uri` answered to a client configured for the sandbox is re-based onto it).

use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use super::progress::{Progress, ProgressEvent};
use crate::api::models::UploadResponse;
use crate::client::Client;
use crate::config::Host;
use crate::error::{Error, MediaRef, PublishFailure, RequestContext, Result};
use crate::ids::ContainerId;
use crate::AccessToken;

/// Bytes read from the file per body chunk (and per progress event).
const CHUNK: usize = 256 * 1024;
/// The longest one upload attempt may take.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(3600);

/// The upload URL of a container: Meta's `uri` when given, else the documented pattern.
/// Checked (or re-based) to be on the configured rupload host.
pub(crate) fn upload_url(
    client: &Client,
    container: &ContainerId,
    uri: Option<&str>,
) -> Result<url::Url> {
    let config = client.config();
    let base = config.hosts.get(Host::Rupload).trim_end_matches('/');
    let default = format!("{base}/ig-api-upload/{}/{}", config.api_version, container);
    let raw = uri.unwrap_or(&default);
    let parsed = url::Url::parse(raw)
        .map_err(|e| Error::invalid("uri", format!("the upload URI is not a URL: {e}")))?;
    let base_url = url::Url::parse(base)
        .map_err(|e| Error::config("hosts", format!("the rupload host is not a URL: {e}")))?;
    let same_origin = parsed.scheme() == base_url.scheme()
        && parsed.host_str() == base_url.host_str()
        && parsed.port_or_known_default() == base_url.port_or_known_default()
        && parsed.username().is_empty()
        && parsed.password().is_none();
    if same_origin
        && parsed
            .path()
            .starts_with(base_url.path().trim_end_matches('/'))
    {
        return Ok(parsed);
    }
    if parsed.host_str() == Some(Host::Rupload.label()) {
        // Meta's production URI, while this client talks to another rupload host (a sandbox
        // or a proxy): keep the path, use the configured host.
        let rebased = format!("{base}{}", parsed.path());
        return url::Url::parse(&rebased)
            .map_err(|e| Error::invalid("uri", format!("cannot re-base the upload URI: {e}")));
    }
    Err(Error::invalid(
        "uri",
        "the upload URI is not on the configured rupload host; the token is not sent there",
    ))
}

/// One resumable upload.
pub(crate) struct Upload<'a> {
    pub(crate) client: &'a Client,
    pub(crate) token: &'a AccessToken,
    pub(crate) url: url::Url,
    pub(crate) path: PathBuf,
    pub(crate) media: MediaRef,
    pub(crate) container: ContainerId,
    pub(crate) progress: &'a Progress,
    pub(crate) attempts: u32,
}

impl Upload<'_> {
    fn context(&self, method: &str) -> RequestContext {
        RequestContext {
            method: method.to_owned(),
            path: format!("{}{}", Host::Rupload.label(), self.url.path()),
            container_id: Some(self.container.to_string()),
            media_url: Some(self.media_label()),
            attempts: 1,
        }
    }

    fn media_label(&self) -> String {
        self.path.display().to_string()
    }

    fn failure(&self, retriable: bool, message: String) -> Error {
        Error::Publish {
            media: self.media.clone(),
            container_id: Some(self.container.clone()),
            cause: PublishFailure::UploadFailed { retriable },
            message,
            graph: None,
        }
    }

    /// Uploads the file; when `resume` is set, asks the host first how much it already has.
    pub(crate) async fn run(&self, resume: bool) -> Result<()> {
        let total = std::fs::metadata(&self.path)
            .map_err(|e| self.failure(false, format!("cannot read the file: {e}")))?
            .len();
        let mut offset = if resume { self.offset().await? } else { 0 };
        let mut attempt = 0;
        loop {
            attempt += 1;
            if offset >= total {
                self.progress.emit(ProgressEvent::Uploading {
                    media: self.media.clone(),
                    bytes: total,
                    total,
                });
                return Ok(());
            }
            match self.post(offset, total).await {
                Ok(()) => return Ok(()),
                Err(e) if attempt < self.attempts.max(1) && retriable(&e) => {
                    tracing::debug!(attempt, error = %e, "upload interrupted; resuming");
                    tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
                    offset = match self.offset().await {
                        Ok(o) => o,
                        Err(e2) if attempt + 1 < self.attempts => {
                            tracing::debug!(error = %e2, "reading the upload offset failed");
                            offset
                        }
                        Err(e2) => return Err(e2),
                    };
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// `GET uri`: how many bytes the host holds.
    async fn offset(&self) -> Result<u64> {
        let context = self.context("GET");
        let http = &self.client.inner().http;
        let mut response = http
            .get(self.url.clone())
            .header("Authorization", format!("OAuth {}", self.token.expose()))
            .send()
            .await
            .map_err(|e| Error::Http {
                context: Box::new(context.clone()),
                source: e.without_url(),
            })?;
        let status = response.status();
        let limit = self.client.config().max_response_bytes;
        let body = crate::http::read_body(&mut response, limit, &context).await?;
        if !status.is_success() {
            return Err(self.failure(
                status.is_server_error(),
                format!(
                    "reading the upload offset answered HTTP {}",
                    status.as_u16()
                ),
            ));
        }
        parse_offset(&body).ok_or_else(|| Error::Decode {
            context: Box::new(context),
            message: "the upload host's answer holds no offset".to_owned(),
        })
    }

    /// One `POST` of the bytes from `offset` on.
    async fn post(&self, offset: u64, total: u64) -> Result<()> {
        let context = self.context("POST");
        let mut file = std::fs::File::open(&self.path)
            .map_err(|e| self.failure(false, format!("cannot open the file: {e}")))?;
        file.seek(SeekFrom::Start(offset))
            .map_err(|e| self.failure(false, format!("cannot seek in the file: {e}")))?;
        let progress = self.progress.clone();
        let media = self.media.clone();
        let body = futures::stream::unfold((Some(file), offset), move |(file, sent)| {
            let progress = progress.clone();
            let media = media.clone();
            async move {
                let mut file = file?;
                let read = tokio::task::spawn_blocking(move || {
                    let mut buf = vec![0u8; CHUNK];
                    let n = file.read(&mut buf)?;
                    buf.truncate(n);
                    Ok::<_, std::io::Error>((file, buf))
                })
                .await;
                match read {
                    Ok(Ok((_, buf))) if buf.is_empty() => None,
                    Ok(Ok((file, buf))) => {
                        let sent = sent + buf.len() as u64;
                        progress.emit(ProgressEvent::Uploading {
                            media,
                            bytes: sent.min(total),
                            total,
                        });
                        Some((Ok(bytes::Bytes::from(buf)), (Some(file), sent)))
                    }
                    Ok(Err(e)) => Some((Err(e), (None, sent))),
                    Err(e) => Some((Err(std::io::Error::other(e)), (None, sent))),
                }
            }
        });
        let http = &self.client.inner().http;
        let mut response = http
            .post(self.url.clone())
            .header("Authorization", format!("OAuth {}", self.token.expose()))
            .header("offset", offset.to_string())
            .header("file_size", total.to_string())
            .header(
                reqwest::header::CONTENT_LENGTH,
                (total - offset).to_string(),
            )
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .timeout(UPLOAD_TIMEOUT)
            .body(reqwest::Body::wrap_stream(body))
            .send()
            .await
            .map_err(|e| Error::Http {
                context: Box::new(context.clone()),
                source: e.without_url(),
            })?;
        let status = response.status();
        let limit = self.client.config().max_response_bytes;
        let bytes = crate::http::read_body(&mut response, limit, &context).await?;
        let answer: Option<UploadResponse> = serde_json::from_slice(&bytes).ok();
        if status.is_success() && answer.as_ref().and_then(|a| a.success) != Some(false) {
            return Ok(());
        }
        let info = answer.as_ref().and_then(|a| a.debug_info.as_ref());
        let retriable = info
            .and_then(|i| i.retriable)
            .unwrap_or(status.is_server_error());
        let message = info
            .and_then(|i| i.message.clone())
            .or_else(|| answer.as_ref().and_then(|a| a.message.clone()))
            .unwrap_or_else(|| format!("the upload host answered HTTP {}", status.as_u16()));
        let kind = info.and_then(|i| i.error_type.clone());
        Err(self.failure(
            retriable,
            match kind {
                Some(k) => format!("{k}: {message}"),
                None => message,
            },
        ))
    }
}

/// Whether an upload error is worth resuming.
fn retriable(e: &Error) -> bool {
    match e {
        Error::Http { .. } => true,
        Error::Publish {
            cause: PublishFailure::UploadFailed { retriable },
            ..
        } => *retriable,
        _ => false,
    }
}

/// The offset in the host's answer to `GET uri` \[U\]: `{"offset":N}`, `{"bytes_received":N}`,
/// `{"received_bytes":N}` (numbers or strings), or a bare number.
fn parse_offset(body: &[u8]) -> Option<u64> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let num = |v: &Value| match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    if let Some(n) = num(&value) {
        return Some(n);
    }
    ["offset", "bytes_received", "received_bytes"]
        .iter()
        .find_map(|k| value.get(*k).and_then(num))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_in_every_shape() {
        assert_eq!(parse_offset(br#"{"offset":42}"#), Some(42));
        assert_eq!(parse_offset(br#"{"offset":"42"}"#), Some(42));
        assert_eq!(parse_offset(br#"{"bytes_received":7}"#), Some(7));
        assert_eq!(parse_offset(b"13"), Some(13));
        assert_eq!(parse_offset(br#"{"x":1}"#), None);
    }
}
