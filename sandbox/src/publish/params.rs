//! Container parameters: reading them (query or form; lists and objects as JSON text) and the
//! rules Meta checks when a container is created.

use serde_json::Value;

use super::super::error::{GraphError, GraphResult};
use super::super::graph::GraphReq;

const MAX_CAPTION_CHARS: usize = 2200;
const MAX_HASHTAGS: usize = 30;
const MAX_MENTIONS: usize = 20;
pub(crate) const MAX_ALT_TEXT: usize = 1000;
const MAX_COLLABORATORS: usize = 3;
const MAX_PRODUCT_TAGS: usize = 5;
pub(crate) const MIN_CHILDREN: usize = 2;
pub(crate) const MAX_CHILDREN: usize = 10;

/// A parameter, trimmed, when present and not empty.
pub(crate) fn text(req: &GraphReq<'_>, name: &str) -> Option<String> {
    req.param(name)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A JSON list or object sent as text.
pub(crate) fn json(req: &GraphReq<'_>, name: &str) -> GraphResult<Option<Value>> {
    text(req, name)
        .map(|s| {
            serde_json::from_str::<Value>(&s).map_err(|_| {
                GraphError::invalid_param(format!("Param {name} must be a JSON array"))
            })
        })
        .transpose()
}

/// A list given as a JSON array of strings (or numbers) or as comma-separated text.
pub(crate) fn string_list(req: &GraphReq<'_>, name: &str) -> GraphResult<Option<Vec<String>>> {
    let Some(raw) = text(req, name) else {
        return Ok(None);
    };
    if raw.starts_with('[') {
        let bad = || GraphError::invalid_param(format!("Param {name} must be a list of ids"));
        let v: Value = serde_json::from_str(&raw).map_err(|_| bad())?;
        let items = v.as_array().ok_or_else(bad)?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_owned()),
                Value::Number(n) => out.push(n.to_string()),
                _ => return Err(bad()),
            }
        }
        return Ok(Some(out));
    }
    Ok(Some(
        raw.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    ))
}

/// Counts `#tag` / `@name` occurrences (a sigil followed by a word character).
fn count_tags(text: &str, sigil: char) -> usize {
    let chars: Vec<char> = text.chars().collect();
    chars
        .windows(2)
        .filter(|w| w[0] == sigil && (w[1].is_alphanumeric() || w[1] == '_'))
        .count()
}

/// Caption rules, checked when the container is created. Meta's table gives 36004/2207010 for
/// a caption over its limits; for more than 20 mentions it gives subcode 2207040, whose code we
/// take to be 100 (an invalid parameter) since the table is ambiguous about it.
pub(crate) fn validate_caption(caption: &str) -> GraphResult<()> {
    let too_long = |what: String| {
        GraphError::oauth(36004, "The caption is too long.")
            .subcode(2207010)
            .user("Caption too long", what)
    };
    let chars = caption.chars().count();
    if chars > MAX_CAPTION_CHARS {
        return Err(too_long(format!(
            "The caption has {chars} characters; the maximum is {MAX_CAPTION_CHARS}."
        )));
    }
    let tags = count_tags(caption, '#');
    if tags > MAX_HASHTAGS {
        return Err(too_long(format!(
            "The caption has {tags} hashtags; the maximum is {MAX_HASHTAGS}."
        )));
    }
    let mentions = count_tags(caption, '@');
    if mentions > MAX_MENTIONS {
        return Err(GraphError::oauth(
            100,
            format!("Cannot use more than {MAX_MENTIONS} tags per created media."),
        )
        .subcode(2207040)
        .user(
            "Too many tags",
            format!("The caption mentions {mentions} accounts; the maximum is {MAX_MENTIONS}."),
        ));
    }
    Ok(())
}

fn coord_ok(t: &Value, k: &str) -> bool {
    t.get(k)
        .and_then(Value::as_f64)
        .is_some_and(|v| (0.0..=1.0).contains(&v))
}

/// `user_tags`: `[{username, x, y}]` with x and y in 0..=1.
pub(crate) fn validate_user_tags(tags: &Value) -> GraphResult<()> {
    let bad = || {
        GraphError::invalid_param(
            "Param user_tags must be an array of {username, x, y} with x and y between 0 and 1",
        )
    };
    let arr = tags.as_array().ok_or_else(bad)?;
    for t in arr {
        let name_ok = t
            .get("username")
            .and_then(Value::as_str)
            .is_some_and(|u| !u.is_empty());
        if !name_ok || !coord_ok(t, "x") || !coord_ok(t, "y") {
            return Err(bad());
        }
    }
    Ok(())
}

/// `product_tags`: at most 5 `{product_id, x?, y?}` (x and y in 0..=1 when given).
pub(crate) fn validate_product_tags(tags: &Value) -> GraphResult<()> {
    let bad = || {
        GraphError::invalid_param(
            "Param product_tags must be an array of {product_id, x, y} with x and y between 0 and 1",
        )
    };
    let arr = tags.as_array().ok_or_else(bad)?;
    if arr.len() > MAX_PRODUCT_TAGS {
        return Err(GraphError::invalid_param(format!(
            "A media can have at most {MAX_PRODUCT_TAGS} product tags"
        )));
    }
    for t in arr {
        let id_ok = match t.get("product_id") {
            Some(Value::String(s)) => !s.is_empty(),
            Some(Value::Number(_)) => true,
            _ => false,
        };
        let coords_ok = ["x", "y"]
            .iter()
            .all(|k| t.get(*k).is_none() || coord_ok(t, k));
        if !id_ok || !coords_ok {
            return Err(bad());
        }
    }
    Ok(())
}

/// `collaborators`: at most 3 usernames.
pub(crate) fn collaborators(req: &GraphReq<'_>) -> GraphResult<Vec<String>> {
    let list = string_list(req, "collaborators")?.unwrap_or_default();
    if list.len() > MAX_COLLABORATORS {
        return Err(GraphError::invalid_param(format!(
            "A post can have at most {MAX_COLLABORATORS} collaborators"
        )));
    }
    Ok(list)
}

/// The graduation strategies of a trial reel.
pub(crate) const GRADUATION_STRATEGIES: [&str; 2] = ["MANUAL", "SS_PERFORMANCE"];

/// `trial_params` (reels): a JSON object whose `graduation_strategy` is `MANUAL` or
/// `SS_PERFORMANCE`; answers the strategy.
pub(crate) fn trial_params(req: &GraphReq<'_>) -> GraphResult<Option<String>> {
    let Some(value) = json(req, "trial_params")? else {
        return Ok(None);
    };
    let strategy = value
        .get("graduation_strategy")
        .and_then(Value::as_str)
        .filter(|s| GRADUATION_STRATEGIES.contains(s))
        .ok_or_else(|| {
            GraphError::invalid_param(format!(
                "Param trial_params must be an object whose graduation_strategy is one of {}",
                GRADUATION_STRATEGIES.join(", ")
            ))
        })?;
    Ok(Some(strategy.to_owned()))
}

/// `alt_text`: at most 1000 characters.
pub(crate) fn alt_text(req: &GraphReq<'_>) -> GraphResult<Option<String>> {
    let alt = req.param("alt_text").map(str::to_owned);
    if alt
        .as_ref()
        .is_some_and(|a| a.chars().count() > MAX_ALT_TEXT)
    {
        return Err(GraphError::invalid_param(format!(
            "alt_text must be at most {MAX_ALT_TEXT} characters"
        )));
    }
    Ok(alt)
}

/// A media URL Meta could fetch: http or https, else 9004/2207052 at creation.
pub(crate) fn media_url(raw: &str) -> GraphResult<url::Url> {
    url::Url::parse(raw.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| {
            GraphError::oauth(9004, "The media could not be fetched from this uri")
                .subcode(2207052)
                .user(
                    "Media download has failed",
                    "Media download has failed. The media URI doesn't meet our requirements.",
                )
        })
}

/// A non-negative integer (`thumb_offset`, milliseconds).
pub(crate) fn non_negative(req: &GraphReq<'_>, name: &str) -> GraphResult<Option<u64>> {
    text(req, name)
        .map(|s| {
            s.parse::<u64>().map_err(|_| {
                GraphError::invalid_param(format!("Param {name} must be a non-negative integer"))
            })
        })
        .transpose()
}

/// A parameter given where the container type does not take it.
pub(crate) fn not_supported(name: &str, what: &str) -> GraphError {
    GraphError::invalid_param(format!(
        "Param {name} is not supported for {what} containers"
    ))
}
