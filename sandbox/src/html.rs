//! The consent pages of the two login dialogs: real HTML forms that post back to the dialog.

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1c1e21}\
h1{font-size:1.4rem}.card{border:1px solid #dddfe2;border-radius:8px;padding:1rem 1.25rem;margin:1rem 0}\
label{display:block;margin:.4rem 0}ul{padding-left:1.2rem}button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem;border-radius:6px;border:1px solid #ccd0d5}\
button.approve{background:#1877f2;color:#fff;border-color:#1877f2}.note{color:#606770;font-size:.85rem}";

/// What a consent page shows and posts back.
pub(crate) struct Consent<'a> {
    pub title: &'a str,
    pub app_name: &'a str,
    pub action: &'a str,
    pub hidden: Vec<(&'a str, String)>,
    /// (id, label) of the accounts the visitor can sign in as.
    pub candidates: Vec<(String, String)>,
    pub scopes: &'a [String],
}

pub(crate) fn consent_page(c: &Consent<'_>) -> String {
    let mut hidden = String::new();
    for (name, value) in &c.hidden {
        hidden.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">\n",
            escape(name),
            escape(value)
        ));
    }
    let mut users = String::new();
    for (i, (id, label)) in c.candidates.iter().enumerate() {
        let checked = if i == 0 { " checked" } else { "" };
        users.push_str(&format!(
            "<label><input type=\"radio\" name=\"sandbox_user\" value=\"{}\"{checked}> {} <span class=\"note\">({})</span></label>\n",
            escape(id),
            escape(label),
            escape(id)
        ));
    }
    let scopes: String = c
        .scopes
        .iter()
        .map(|s| format!("<li><code>{}</code></li>", escape(s)))
        .collect();
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
<style>{STYLE}</style></head><body>\n<h1>{title}</h1>\n<p><strong>{app}</strong> is requesting access.</p>\n\
<form method=\"post\" action=\"{action}\">\n{hidden}<div class=\"card\"><p>Continue as:</p>\n{users}</div>\n\
<div class=\"card\"><p>Requested permissions:</p><ul>{scopes}</ul></div>\n\
<button class=\"approve\" type=\"submit\" name=\"sandbox_approve\" value=\"1\">Approve</button>\
<button type=\"submit\" name=\"sandbox_approve\" value=\"0\">Deny</button>\n</form>\n\
<p class=\"note\">instagraph sandbox: scripts can skip this page with \
<code>&amp;sandbox_user=&lt;id&gt;&amp;sandbox_approve=1</code>.</p>\n</body></html>\n",
        title = escape(c.title),
        app = escape(c.app_name),
        action = escape(c.action),
    )
}

pub(crate) fn error_page(title: &str, message: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title><style>{STYLE}</style></head>\
<body><h1>{t}</h1><div class=\"card\"><p>{m}</p></div></body></html>\n",
        t = escape(title),
        m = escape(message)
    )
}
