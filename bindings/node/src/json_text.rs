//! Lists handed to JS as JSON text (see [`crate::account_graph::Json`]): the items of a page
//! serialised once, straight from the typed models, with their keys camel-cased in one pass
//! over the text ([`crate::account_graph::camel_json`]).
//!
//! The route before (`to_js` per item: a `serde_json::Value` tree, its keys rewritten map by
//! map, then the tree serialised for `JSON.parse`) built and dropped one map per media; the
//! bench (bench/README.md) measured it at ~45% over plain `fetch` for listing 1,000 media.
//! The typed decode stays: the crate's list requests answer typed pages, and the decode is what
//! checks Meta's answer.

use instagraph::Page;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;

use crate::account_graph::{camel_json, Json};
use crate::error::binding_error;

/// Appends `items` as a JSON array with camelCase keys.
pub(crate) fn push_items<T: Serialize>(items: &[T], out: &mut String) -> napi::Result<()> {
    let text = serde_json::to_string(items).map_err(|e| binding_error("encoding a result", e))?;
    out.reserve(text.len());
    camel_json(&text, out);
    Ok(())
}

/// `items` as a JS array with camelCase keys.
pub(crate) fn items<T: Serialize>(items: &[T]) -> napi::Result<Json> {
    let mut out = String::new();
    push_items(items, &mut out)?;
    Ok(Json::Text(out))
}

/// A page as `{ data, paging: { before, after, hasNext } }` (what
/// [`crate::account_graph::page`] builds), as JSON text.
pub(crate) fn page<T: Serialize + DeserializeOwned + Send + Sync + 'static>(
    page: &Page<T>,
) -> napi::Result<Json> {
    let cursors = page.paging.as_ref().and_then(|p| p.cursors.as_ref());
    let paging = json!({
        "before": cursors.and_then(|c| c.before.as_deref()),
        "after": cursors.and_then(|c| c.after.as_deref()),
        "hasNext": page.has_next(),
    });
    let mut out = String::from(r#"{"data":"#);
    push_items(&page.items, &mut out)?;
    // Appended after the key rewrite: its keys are camelCase already, and cursors are values.
    out.push_str(r#","paging":"#);
    out.push_str(&paging.to_string());
    out.push('}');
    Ok(Json::Text(out))
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::push_items;
    use crate::account_graph::to_js;
    use serde::Serialize;
    use serde_json::Value;

    #[derive(Serialize)]
    struct Item {
        id: String,
        media_type: Option<String>,
        like_count: u64,
        owner: Option<Owner>,
    }

    #[derive(Serialize)]
    struct Owner {
        user_name: &'static str,
    }

    #[test]
    fn items_match_the_value_route() {
        let items = vec![
            Item {
                id: "1".into(),
                media_type: Some("IMAGE".into()),
                like_count: 3,
                owner: Some(Owner { user_name: "a_b" }),
            },
            Item {
                id: "2\"_x".into(),
                media_type: None,
                like_count: 0,
                owner: None,
            },
        ];
        let mut out = String::new();
        push_items(&items, &mut out).expect("encodes");
        let fast: Value = serde_json::from_str(&out).expect("valid JSON");
        let slow = Value::Array(items.iter().map(to_js).collect());
        assert_eq!(fast, slow);
        assert_eq!(fast[0]["owner"]["userName"], "a_b");
    }
}
