//! The limits of messaging automation, checked in one place before any call: ice breakers,
//! the persistent menu, quick replies, generic templates and their buttons. Each failure is an
//! [`Error::InvalidInput`] naming the field and the limit.
//!
//! Lengths are counted in characters (Unicode scalar values), as Meta's documentation states
//! them.

use crate::api::models::{Button, GenericElement, IceBreakerLocale, PersistentMenu, QuickReply};
use crate::error::{Error, Result};

/// At most this many ice breaker questions per locale.
pub const MAX_ICE_BREAKERS: usize = 4;
/// At most this many quick replies on one message.
pub const MAX_QUICK_REPLIES: usize = 13;
/// A quick reply's title: Meta truncates longer ones, so they are refused.
pub const MAX_QUICK_REPLY_TITLE_CHARS: usize = 20;
/// At most this many elements (cards) in a generic template.
pub const MAX_TEMPLATE_ELEMENTS: usize = 10;
/// A template element's title and subtitle.
pub const MAX_ELEMENT_TEXT_CHARS: usize = 80;
/// At most this many buttons on a template element.
pub const MAX_ELEMENT_BUTTONS: usize = 3;
/// A template button's title (Messenger's button limit; Instagram's docs are silent).
pub const MAX_BUTTON_TITLE_CHARS: usize = 20;
/// At most this many items in one locale's persistent menu.
pub const MAX_MENU_ITEMS: usize = 20;
/// A persistent menu item's title.
pub const MAX_MENU_TITLE_CHARS: usize = 30;
/// A postback's (and quick reply's, ice breaker's) payload.
pub const MAX_PAYLOAD_CHARS: usize = 1000;
/// The locale every ice breaker and menu configuration must include.
pub const DEFAULT_LOCALE: &str = "default";

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn text(field: &'static str, value: &str, max: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::invalid(field, "cannot be empty"));
    }
    let n = chars(value);
    if n > max {
        return Err(Error::invalid(
            field,
            format!("{n} characters; the limit is {max}"),
        ));
    }
    Ok(())
}

pub(crate) fn http_url(field: &'static str, value: &str) -> Result<()> {
    let parsed =
        url::Url::parse(value).map_err(|e| Error::invalid(field, format!("not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::invalid(field, "must be an http(s) URL"));
    }
    Ok(())
}

/// Locales: at least one, each named once, `default` among them.
fn locales<'a>(field: &'static str, names: impl Iterator<Item = &'a str>) -> Result<()> {
    let mut seen: Vec<&str> = Vec::new();
    for name in names {
        if name.trim().is_empty() {
            return Err(Error::invalid(field, "a locale cannot be empty"));
        }
        if seen.contains(&name) {
            return Err(Error::invalid(
                field,
                format!("locale {name:?} is given twice"),
            ));
        }
        seen.push(name);
    }
    if !seen.contains(&DEFAULT_LOCALE) {
        return Err(Error::invalid(
            field,
            "the \"default\" locale is required (it is shown when no other locale matches)",
        ));
    }
    Ok(())
}

/// Ice breakers: the `default` locale, 1 to 4 questions per locale, a payload on each.
pub fn validate_ice_breakers(ice_breakers: &[IceBreakerLocale]) -> Result<()> {
    locales(
        "ice_breakers",
        ice_breakers.iter().map(|l| l.locale.as_str()),
    )?;
    for l in ice_breakers {
        let n = l.call_to_actions.len();
        if n == 0 || n > MAX_ICE_BREAKERS {
            return Err(Error::invalid(
                "ice_breakers.call_to_actions",
                format!(
                    "locale {:?} has {n} questions; 1 to {MAX_ICE_BREAKERS} are allowed",
                    l.locale
                ),
            ));
        }
        for q in &l.call_to_actions {
            if q.question.trim().is_empty() {
                return Err(Error::invalid("ice_breakers.question", "cannot be empty"));
            }
            text("ice_breakers.payload", &q.payload, MAX_PAYLOAD_CHARS)?;
        }
    }
    Ok(())
}

/// A button, its title limited to `max_title` characters.
fn button(field: &'static str, b: &Button, max_title: usize) -> Result<()> {
    match b {
        Button::WebUrl { title, url } => {
            text(field, title, max_title)?;
            http_url("button.url", url)
        }
        Button::Postback { title, payload } => {
            text(field, title, max_title)?;
            text("button.payload", payload, MAX_PAYLOAD_CHARS)
        }
        Button::Unsupported => Err(Error::invalid(
            field,
            "only web_url and postback buttons can be sent",
        )),
    }
}

/// The persistent menu: the `default` locale, 1 to 20 `web_url`/`postback` items per locale,
/// titles of at most 30 characters.
pub fn validate_persistent_menu(menu: &[PersistentMenu]) -> Result<()> {
    locales("persistent_menu", menu.iter().map(|l| l.locale.as_str()))?;
    for l in menu {
        let n = l.call_to_actions.len();
        if n == 0 || n > MAX_MENU_ITEMS {
            return Err(Error::invalid(
                "persistent_menu.call_to_actions",
                format!(
                    "locale {:?} has {n} items; 1 to {MAX_MENU_ITEMS} are allowed",
                    l.locale
                ),
            ));
        }
        for item in &l.call_to_actions {
            button("persistent_menu.title", item, MAX_MENU_TITLE_CHARS)?;
        }
    }
    Ok(())
}

/// Quick replies: 1 to 13, titles of at most 20 characters, a payload on each.
pub fn validate_quick_replies(replies: &[QuickReply]) -> Result<()> {
    if replies.is_empty() || replies.len() > MAX_QUICK_REPLIES {
        return Err(Error::invalid(
            "quick_replies",
            format!(
                "{} quick replies; 1 to {MAX_QUICK_REPLIES} are allowed",
                replies.len()
            ),
        ));
    }
    for r in replies {
        text("quick_replies.title", &r.title, MAX_QUICK_REPLY_TITLE_CHARS)?;
        text("quick_replies.payload", &r.payload, MAX_PAYLOAD_CHARS)?;
    }
    Ok(())
}

/// A generic template: 1 to 10 elements; each a title (≤ 80) and at least one more property,
/// a subtitle (≤ 80), http(s) image and default action URLs, at most 3 buttons.
pub fn validate_generic_template(elements: &[GenericElement]) -> Result<()> {
    if elements.is_empty() || elements.len() > MAX_TEMPLATE_ELEMENTS {
        return Err(Error::invalid(
            "template.elements",
            format!(
                "{} elements; 1 to {MAX_TEMPLATE_ELEMENTS} are allowed",
                elements.len()
            ),
        ));
    }
    for e in elements {
        text("template.title", &e.title, MAX_ELEMENT_TEXT_CHARS)?;
        if let Some(s) = &e.subtitle {
            text("template.subtitle", s, MAX_ELEMENT_TEXT_CHARS)?;
        }
        if let Some(u) = &e.image_url {
            http_url("template.image_url", u)?;
        }
        if let Some(u) = &e.default_action_url {
            http_url("template.default_action.url", u)?;
        }
        if e.buttons.len() > MAX_ELEMENT_BUTTONS {
            return Err(Error::invalid(
                "template.buttons",
                format!(
                    "{} buttons; at most {MAX_ELEMENT_BUTTONS} are allowed",
                    e.buttons.len()
                ),
            ));
        }
        for b in &e.buttons {
            button("template.buttons.title", b, MAX_BUTTON_TITLE_CHARS)?;
        }
        let more = e.subtitle.is_some()
            || e.image_url.is_some()
            || e.default_action_url.is_some()
            || !e.buttons.is_empty();
        if !more {
            return Err(Error::invalid(
                "template.elements",
                "an element needs a subtitle, an image, a default action or a button besides its title",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::models::IceBreaker;

    fn qr(title: &str) -> QuickReply {
        QuickReply {
            title: title.into(),
            payload: "P".into(),
        }
    }

    #[test]
    fn quick_reply_limits() {
        assert!(validate_quick_replies(&[qr(&"é".repeat(20))]).is_ok());
        let long = validate_quick_replies(&[qr(&"é".repeat(21))]).unwrap_err();
        assert!(long.to_string().contains("20"), "{long}");
        assert!(validate_quick_replies(&vec![qr("a"); 13]).is_ok());
        assert!(validate_quick_replies(&vec![qr("a"); 14]).is_err());
        assert!(validate_quick_replies(&[]).is_err());
    }

    #[test]
    fn ice_breakers_need_default_and_at_most_four() {
        let q = IceBreaker {
            question: "Q".into(),
            payload: "P".into(),
        };
        let l = |locale: &str, n: usize| IceBreakerLocale {
            locale: locale.into(),
            call_to_actions: vec![q.clone(); n],
        };
        assert!(validate_ice_breakers(&[l("default", 4), l("en_GB", 1)]).is_ok());
        assert!(validate_ice_breakers(&[l("default", 5)]).is_err());
        assert!(validate_ice_breakers(&[l("en_GB", 1)]).is_err());
        assert!(validate_ice_breakers(&[l("default", 1), l("default", 1)]).is_err());
    }

    #[test]
    fn template_elements_are_checked() {
        let e = |title: &str, buttons: usize| GenericElement {
            title: title.into(),
            subtitle: Some("S".into()),
            image_url: None,
            default_action_url: None,
            buttons: vec![
                Button::Postback {
                    title: "B".into(),
                    payload: "P".into()
                };
                buttons
            ],
        };
        assert!(validate_generic_template(&[e("T", 3)]).is_ok());
        assert!(validate_generic_template(&[e("T", 4)]).is_err());
        assert!(validate_generic_template(&[e(&"t".repeat(81), 0)]).is_err());
        assert!(validate_generic_template(&vec![e("T", 0); 11]).is_err());
        let bare = GenericElement {
            subtitle: None,
            ..e("T", 0)
        };
        assert!(validate_generic_template(&[bare]).is_err());
    }
}
