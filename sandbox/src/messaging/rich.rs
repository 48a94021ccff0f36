//! Rich messages of the Send API: quick replies (`message.quick_replies`, at most 13; Meta
//! truncates titles over 20 characters rather than refusing them) and the generic template
//! (`message.attachment` of type `template`, `template_type: generic`: 1 to 10 elements, a
//! title of at most 80 characters, a subtitle of at most 80, at most 3 `web_url`/`postback`
//! buttons). Breaking a limit answers code 100.

use serde_json::{Map, Value};

use super::super::error::{GraphError, GraphResult};
use super::profile::check_button;

const MAX_QUICK_REPLIES: usize = 13;
const MAX_ELEMENTS: usize = 10;
const MAX_ELEMENT_TEXT: usize = 80;
const MAX_BUTTONS: usize = 3;
const QUICK_REPLY_TYPES: [&str; 3] = ["text", "user_phone_number", "user_email"];

/// Checks `message.quick_replies` when present.
pub(crate) fn check_quick_replies(message: &Map<String, Value>) -> GraphResult<()> {
    let Some(raw) = message.get("quick_replies") else {
        return Ok(());
    };
    let replies = raw
        .as_array()
        .ok_or_else(|| GraphError::invalid_param("message[quick_replies] must be an array"))?;
    if replies.len() > MAX_QUICK_REPLIES {
        return Err(GraphError::invalid_param(format!(
            "message[quick_replies] has {} items; the maximum is {MAX_QUICK_REPLIES}",
            replies.len()
        )));
    }
    for r in replies {
        let kind = r.get("content_type").and_then(Value::as_str).unwrap_or("");
        if !QUICK_REPLY_TYPES.contains(&kind) {
            return Err(GraphError::invalid_param(format!(
                "message[quick_replies][content_type] must be one of {} (got {kind:?})",
                QUICK_REPLY_TYPES.join(", ")
            )));
        }
        let has = |k: &str| {
            r.get(k)
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty())
        };
        if kind == "text" && !(has("title") && has("payload")) {
            return Err(GraphError::invalid_param(
                "a text quick reply needs a title and a payload",
            ));
        }
    }
    Ok(())
}

fn text_at_most(e: &Value, key: &str, required: bool) -> GraphResult<Option<String>> {
    match e.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()) {
        None if required => Err(GraphError::param_required(&format!(
            "message[attachment][payload][elements][{key}]"
        ))),
        None => Ok(None),
        Some(s) if s.chars().count() > MAX_ELEMENT_TEXT => Err(GraphError::invalid_param(format!(
            "elements[{key}] has more than {MAX_ELEMENT_TEXT} characters"
        ))),
        Some(s) => Ok(Some(s.to_owned())),
    }
}

/// A generic template's payload, checked: the text the sandbox keeps for the message (the
/// first element's title).
pub(crate) fn generic_template(payload: Option<&Map<String, Value>>) -> GraphResult<String> {
    let payload =
        payload.ok_or_else(|| GraphError::param_required("message[attachment][payload]"))?;
    if payload.get("template_type").and_then(Value::as_str) != Some("generic") {
        return Err(GraphError::invalid_param(
            "message[attachment][payload][template_type] must be generic",
        ));
    }
    let elements = payload
        .get("elements")
        .and_then(Value::as_array)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| GraphError::param_required("message[attachment][payload][elements]"))?;
    if elements.len() > MAX_ELEMENTS {
        return Err(GraphError::invalid_param(format!(
            "A generic template has at most {MAX_ELEMENTS} elements; got {}",
            elements.len()
        )));
    }
    let mut first = None;
    for e in elements {
        let title = text_at_most(e, "title", true)?;
        text_at_most(e, "subtitle", false)?;
        let buttons = e.get("buttons").and_then(Value::as_array);
        if buttons.is_some_and(|b| b.len() > MAX_BUTTONS) {
            return Err(GraphError::invalid_param(format!(
                "An element has at most {MAX_BUTTONS} buttons"
            )));
        }
        for b in buttons.into_iter().flatten() {
            // Instagram documents no title limit for template buttons: none is enforced.
            check_button(b, usize::MAX)?;
        }
        first = first.or(title);
    }
    Ok(first.unwrap_or_default())
}
