//! A sandbox started by another process (`instagraph-sandbox`, `instagraph sandbox`), reached by
//! its base URL: what [`Sandbox::consent`](crate::Sandbox::consent) and
//! `GET /__sandbox/config` give for an in-process one.

use super::SandboxError;

fn browser() -> Result<reqwest::Client, SandboxError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| SandboxError::Invalid(format!("HTTP client: {e}")))
}

/// `GET /__sandbox/config` of the sandbox at `base_url`: hosts, the app's id and secret, the
/// seeded users and accounts.
pub async fn describe(base_url: &str) -> Result<serde_json::Value, SandboxError> {
    let url = format!("{}/__sandbox/config", base_url.trim_end_matches('/'));
    let response = browser()?.get(&url).send().await.map_err(|e| {
        SandboxError::Invalid(format!("sandbox at {base_url}: {}", e.without_url()))
    })?;
    if !response.status().is_success() {
        return Err(SandboxError::Invalid(format!(
            "sandbox at {base_url} answered {} to /__sandbox/config",
            response.status()
        )));
    }
    response
        .json()
        .await
        .map_err(|e| SandboxError::Invalid(format!("sandbox config: {}", e.without_url())))
}

/// Plays the user's part on the consent page of the sandbox at `base_url`, as
/// [`Sandbox::consent`](crate::Sandbox::consent) does: `user_id` approves (or denies) the request
/// of `authorize_url`, and the URL the browser would be redirected to is returned.
pub async fn consent(
    base_url: &str,
    authorize_url: &str,
    user_id: &str,
    approve: bool,
) -> Result<String, SandboxError> {
    let base = base_url.trim_end_matches('/');
    if !authorize_url.starts_with(&format!("{base}/")) {
        return Err(SandboxError::Invalid(
            "the authorize URL is not one of this sandbox's".into(),
        ));
    }
    let mut url = url::Url::parse(authorize_url)
        .map_err(|e| SandboxError::Invalid(format!("authorize URL: {e}")))?;
    url.query_pairs_mut()
        .append_pair("sandbox_user", user_id)
        .append_pair("sandbox_approve", if approve { "1" } else { "0" });
    let response = browser()?
        .get(url)
        .send()
        .await
        .map_err(|e| SandboxError::Invalid(format!("consent page: {}", e.without_url())))?;
    let status = response.status();
    match response.headers().get(reqwest::header::LOCATION) {
        Some(location) if status.is_redirection() => location
            .to_str()
            .map(str::to_owned)
            .map_err(|_| SandboxError::Invalid("the redirect is not ASCII".into())),
        _ => Err(SandboxError::Invalid(format!(
            "the consent page answered {status} instead of a redirect: {}",
            response.text().await.unwrap_or_default()
        ))),
    }
}

/// Registers the app's webhook callback with the sandbox at `base_url` (what the app dashboard
/// does at Meta): the sandbox runs the verification handshake against `callback_url` with
/// `verify_token` before accepting it, then delivers its events there, signed.
pub async fn register_webhook(
    base_url: &str,
    callback_url: &str,
    verify_token: &str,
) -> Result<(), SandboxError> {
    let url = format!("{}/__sandbox/webhooks", base_url.trim_end_matches('/'));
    let response = browser()?
        .post(&url)
        .json(&serde_json::json!({ "callback_url": callback_url, "verify_token": verify_token }))
        .send()
        .await
        .map_err(|e| {
            SandboxError::Invalid(format!("sandbox at {base_url}: {}", e.without_url()))
        })?;
    if response.status().is_success() {
        return Ok(());
    }
    Err(SandboxError::Invalid(format!(
        "webhook registration refused ({}): {}",
        response.status(),
        response.text().await.unwrap_or_default()
    )))
}
