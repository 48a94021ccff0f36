//! `GET /instagram_oembed?url=…` on graph.facebook.com: a public post's or reel's embed HTML.
//!
//! Meta takes an app token (`APPID|APPSECRET`) or a client token (`APPID|CLIENT_TOKEN`); the
//! sandbox has no client token of its own, so it takes any `APPID|…` of its app [U]. Since
//! 2025-11-03 Meta no longer returns `author_name`, `author_url` and the `thumbnail_*` fields,
//! so the sandbox leaves them out. `maxwidth` is 320 to 658 (the HTML's width); `omitscript`
//! leaves out the `embed.js` script and `hidecaption` the caption.

use serde_json::{json, Map, Value};

use super::engage::username_of;
use super::error::{GraphError, GraphResult};
use super::graph::GraphReq;
use super::world::World;

/// The narrowest and widest embed Meta renders.
const MIN_WIDTH: u32 = 320;
const MAX_WIDTH: u32 = 658;

/// `https://www.instagram.com/p/ABC/?utm=x` → `instagram.com/p/abc` (what two links to the
/// same post share; `/reels/` is `/reel/`).
fn normalise(url: &str) -> String {
    let u = url.trim().to_lowercase();
    let u = u.split(['?', '#']).next().unwrap_or_default();
    let u = u
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.")
        .trim_end_matches('/');
    u.replacen("/reels/", "/reel/", 1)
}

fn flag(req: &GraphReq<'_>, name: &str) -> bool {
    matches!(req.param(name), Some("true" | "1"))
}

/// The oEmbed answer for `url`, after checking the token is one of the app's.
pub(crate) fn oembed(w: &mut World, req: &GraphReq<'_>, token: &str) -> GraphResult<Value> {
    match token.split_once('|') {
        Some((app, _)) if app == w.app.id => {}
        _ => {
            return Err(GraphError::oauth(
                190,
                "Invalid OAuth access token: oEmbed takes an app access token or a client token",
            ))
        }
    }
    let url = req
        .param("url")
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| GraphError::param_required("url"))?;
    let width = match req.param("maxwidth").filter(|s| !s.is_empty()) {
        None => MAX_WIDTH,
        Some(raw) => raw
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (MIN_WIDTH..=MAX_WIDTH).contains(n))
            .ok_or_else(|| {
                GraphError::invalid_param(format!(
                    "Param maxwidth must be an integer between {MIN_WIDTH} and {MAX_WIDTH}"
                ))
            })?,
    };
    let wanted = normalise(url);
    let found = w
        .media
        .values()
        .filter(|m| m.parent.is_none() && m.media_product_type != "STORY")
        .find(|m| normalise(&m.permalink(None)) == wanted)
        .cloned()
        .ok_or_else(|| {
            GraphError::invalid_param(format!(
                "The URL {url} is not a public Instagram post, reel or video that can be embedded"
            ))
        })?;
    let username = username_of(w, &found.owner).unwrap_or_default();
    let permalink = found.permalink(Some(&username));
    let caption = match (&found.caption, flag(req, "hidecaption")) {
        (Some(c), false) => format!("<p>{}</p>", html_escape(c)),
        _ => String::new(),
    };
    let script = if flag(req, "omitscript") {
        ""
    } else {
        "<script async src=\"//www.instagram.com/embed.js\"></script>"
    };
    let html = format!(
        "<blockquote class=\"instagram-media\" data-instgrm-permalink=\"{permalink}\" \
         data-instgrm-version=\"14\" style=\"max-width:{width}px; min-width:{MIN_WIDTH}px;\">\
         <a href=\"{permalink}\">A post shared by @{username}</a>{caption}</blockquote>{script}"
    );
    let mut out = Map::new();
    out.insert("version".into(), json!("1.0"));
    out.insert("provider_name".into(), json!("Instagram"));
    out.insert("provider_url".into(), json!("https://www.instagram.com/"));
    out.insert("type".into(), json!("rich"));
    out.insert("width".into(), json!(width));
    out.insert("html".into(), json!(html));
    Ok(Value::Object(out))
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
