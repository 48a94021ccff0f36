//! Instagram oEmbed: `GET graph.facebook.com/{v}/instagram_oembed?url=…` with the app's token,
//! the embed HTML of a public post, reel or video.
//!
//! Meta takes an app access token (`APPID|APPSECRET`, built here from the client's app) or a
//! client token. Since 2025-11-03 Meta no longer returns `author_name`, `author_url` and the
//! `thumbnail_*` fields; [`OEmbed`] keeps them as options for older answers.
//!
//! ```no_run
//! # async fn demo(client: instagraph::Client) -> instagraph::Result<()> {
//! let embed = client
//!     .oembed("https://www.instagram.com/p/fA9uwTtkSN/")
//!     .max_width(400)
//!     .omit_script(true)
//!     .send()
//!     .await?;
//! println!("{}", embed.html);
//! # Ok(()) }
//! ```

use serde::{Deserialize, Serialize};

use crate::auth::flow::app_secret;
use crate::client::Client;
use crate::config::Host;
use crate::error::{Error, Result};
use crate::AccessToken;

/// The narrowest embed Meta renders (`maxwidth`), in pixels.
pub const MIN_OEMBED_WIDTH: u32 = 320;
/// The widest embed Meta renders (`maxwidth`), in pixels.
pub const MAX_OEMBED_WIDTH: u32 = 658;

/// The path prefixes of the Instagram URLs oEmbed embeds: posts, reels and videos.
const EMBEDDABLE_PATHS: [&str; 4] = ["/p/", "/reel/", "/reels/", "/tv/"];

/// Checks an oEmbed URL: an `http(s)` link to a post, reel or video on instagram.com.
pub fn validate_oembed_url(url: &str) -> Result<()> {
    let parsed = url::Url::parse(url.trim())
        .map_err(|e| Error::invalid("url", format!("{url:?} is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err(Error::invalid("url", "must be an http(s) URL"));
    }
    let host = parsed.host_str().unwrap_or_default().to_ascii_lowercase();
    if !matches!(
        host.as_str(),
        "instagram.com" | "www.instagram.com" | "instagr.am"
    ) {
        return Err(Error::invalid(
            "url",
            format!("{host:?} is not instagram.com: oEmbed embeds Instagram posts"),
        ));
    }
    let path = parsed.path();
    let rest = EMBEDDABLE_PATHS
        .iter()
        .find_map(|p| path.strip_prefix(p))
        .ok_or_else(|| {
            Error::invalid(
                "url",
                "must link to a post, reel or video (/p/…, /reel/…, /tv/…)",
            )
        })?;
    if rest.trim_matches('/').is_empty() {
        return Err(Error::invalid(
            "url",
            "names no post after /p/, /reel/ or /tv/",
        ));
    }
    Ok(())
}

/// The answer of `GET /instagram_oembed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OEmbed {
    /// The embed HTML: a `blockquote` and, unless `omitscript`, the `embed.js` script.
    pub html: String,
    /// The oEmbed version (`1.0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The oEmbed resource type (`rich`).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `Instagram`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_name: Option<String>,
    /// `https://www.instagram.com/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_url: Option<String>,
    /// The width of the embed, in pixels.
    #[serde(
        default,
        deserialize_with = "super::models::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub width: Option<u64>,
    /// The height, when Meta sends one (it sends `null` for the rich embed).
    #[serde(
        default,
        deserialize_with = "super::models::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub height: Option<u64>,
    /// The author's username (no longer sent since 2025-11-03).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_name: Option<String>,
    /// The author's profile URL (no longer sent since 2025-11-03).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_url: Option<String>,
    /// A thumbnail of the media (no longer sent since 2025-11-03).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<String>,
    /// The thumbnail's width (no longer sent since 2025-11-03).
    #[serde(
        default,
        deserialize_with = "super::models::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub thumbnail_width: Option<u64>,
    /// The thumbnail's height (no longer sent since 2025-11-03).
    #[serde(
        default,
        deserialize_with = "super::models::de::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub thumbnail_height: Option<u64>,
    /// Fields this version of the SDK does not model, kept as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Client {
    /// `GET /instagram_oembed?url=`: the embed HTML of a public post, reel or video, with the
    /// app's token (needs the app secret).
    pub fn oembed(&self, url: impl Into<String>) -> OEmbedRequest<'_> {
        OEmbedRequest {
            client: self,
            url: url.into(),
            max_width: None,
            omit_script: false,
            hide_caption: false,
        }
    }
}

/// Request builder of `GET /instagram_oembed` (`client.oembed(url)`).
#[derive(Debug)]
#[must_use = "a request builder does nothing until `.send()`"]
pub struct OEmbedRequest<'c> {
    client: &'c Client,
    url: String,
    max_width: Option<u32>,
    omit_script: bool,
    hide_caption: bool,
}

impl OEmbedRequest<'_> {
    /// `maxwidth`: the embed's width, [`MIN_OEMBED_WIDTH`] to [`MAX_OEMBED_WIDTH`] pixels.
    pub fn max_width(mut self, pixels: u32) -> Self {
        self.max_width = Some(pixels);
        self
    }

    /// `omitscript=true`: the HTML without the `embed.js` script (load it once per page).
    pub fn omit_script(mut self, omit: bool) -> Self {
        self.omit_script = omit;
        self
    }

    /// `hidecaption=true`: the embed without the post's caption.
    pub fn hide_caption(mut self, hide: bool) -> Self {
        self.hide_caption = hide;
        self
    }

    /// Checks the request (no network), then sends it with the app token.
    pub async fn send(self) -> Result<OEmbed> {
        validate_oembed_url(&self.url)?;
        if let Some(w) = self.max_width {
            if !(MIN_OEMBED_WIDTH..=MAX_OEMBED_WIDTH).contains(&w) {
                return Err(Error::invalid(
                    "max_width",
                    format!("{w} is outside {MIN_OEMBED_WIDTH}..={MAX_OEMBED_WIDTH} pixels"),
                ));
            }
        }
        let secret = app_secret(self.client, "oEmbed")?;
        let app = AccessToken::app(&self.client.config().app_id, secret);
        self.client
            .get(Host::GraphFacebook, "instagram_oembed")
            .query("url", self.url.trim())
            .query_opt("maxwidth", self.max_width.map(|w| w.to_string()))
            .query_opt("omitscript", self.omit_script.then(|| "true".to_owned()))
            .query_opt("hidecaption", self.hide_caption.then(|| "true".to_owned()))
            .token(&app)
            .send()
            .await
    }
}
