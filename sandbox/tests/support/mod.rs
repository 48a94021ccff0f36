//! Helpers shared by the sandbox tests: a running sandbox and a raw HTTP client.
#![allow(dead_code)]

mod login;
mod publishing;

#[allow(unused_imports)]
pub use publishing::*;

use instagraph_sandbox::{Login, Sandbox, SandboxConfig, TokenRequest};
use reqwest::header::HeaderMap;
use serde_json::Value;

pub const ALICE: &str = "100000000000011";
pub const BOB: &str = "100000000000012";
pub const PAGE_BAKERY: &str = "100000000000101";
pub const PAGE_CLIENT: &str = "100000000000105";
pub const BUSINESS: &str = "100000000000201";
pub const IG_BAKERY: &str = "17841400000000001";
pub const IG_TRAVELS: &str = "17841400000000002";
pub const IG_BOB: &str = "17841400000000003";
pub const IG_CLIENT: &str = "17841400000000004";
pub const REDIRECT: &str = "https://app.example.com/callback";

pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }

    pub fn error_code(&self) -> Option<i64> {
        self.body["error"]["code"].as_i64()
    }

    pub fn error_subcode(&self) -> Option<i64> {
        self.body["error"]["error_subcode"].as_i64()
    }
}

pub struct Ctx {
    pub sb: Sandbox,
    pub http: reqwest::Client,
}

impl Ctx {
    pub async fn new() -> Ctx {
        Self::with_config(SandboxConfig::default()).await
    }

    pub async fn with_config(config: SandboxConfig) -> Ctx {
        let sb = Sandbox::builder()
            .config(config)
            .start()
            .await
            .expect("sandbox starts");
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Ctx { sb, http }
    }

    pub fn fb(&self, path: &str) -> String {
        format!(
            "{}/graph.facebook.com/v24.0/{}",
            self.sb.base_url(),
            path.trim_start_matches('/')
        )
    }

    pub fn ig(&self, path: &str) -> String {
        format!(
            "{}/graph.instagram.com/v24.0/{}",
            self.sb.base_url(),
            path.trim_start_matches('/')
        )
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.sb.base_url(), path.trim_start_matches('/'))
    }

    /// A token minted without the consent dance.
    pub fn token(
        &self,
        user: &str,
        login: Login,
        long_lived: bool,
        scopes: Option<&[&str]>,
    ) -> String {
        self.sb
            .issue_token(&TokenRequest {
                user_id: user.to_owned(),
                login,
                long_lived,
                scopes: scopes.map(|s| s.iter().map(|x| (*x).to_owned()).collect()),
                page_id: None,
            })
            .expect("token")
            .access_token
    }

    pub fn alice(&self) -> String {
        self.token(ALICE, Login::Facebook, true, None)
    }

    pub fn ig_user(&self) -> String {
        self.token(IG_TRAVELS, Login::Instagram, true, None)
    }

    /// GET with `access_token` and a correct `appsecret_proof`.
    pub async fn get(&self, url: &str, token: &str, params: &[(&str, &str)]) -> Resp {
        let proof = self.sb.appsecret_proof(token);
        let mut q: Vec<(&str, &str)> = vec![("access_token", token), ("appsecret_proof", &proof)];
        q.extend_from_slice(params);
        self.send(self.http.get(url).query(&q)).await
    }

    /// POST (form body) with `access_token` and a correct `appsecret_proof`.
    pub async fn post(&self, url: &str, token: &str, params: &[(&str, &str)]) -> Resp {
        let proof = self.sb.appsecret_proof(token);
        let mut q: Vec<(&str, &str)> = vec![("access_token", token), ("appsecret_proof", &proof)];
        q.extend_from_slice(params);
        self.send(self.http.post(url).form(&q)).await
    }

    pub async fn get_raw(&self, url: &str, params: &[(&str, &str)]) -> Resp {
        self.send(self.http.get(url).query(params)).await
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Resp {
        let resp = req.send().await.expect("request sent");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Resp {
            status,
            headers,
            body,
        }
    }

    pub async fn control(&self, path: &str, body: Value) -> Resp {
        self.send(
            self.http
                .post(self.url(&format!("__sandbox/{path}")))
                .json(&body),
        )
        .await
    }

    pub async fn advance(&self, seconds: i64) {
        let r = self
            .control("clock", serde_json::json!({ "advance_seconds": seconds }))
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
    }
}

/// Asserts the Graph error shape: message, type, code, fbtrace_id, HTTP status.
pub fn assert_graph_error(r: &Resp, status: u16, code: i64, subcode: Option<i64>) {
    assert_eq!(r.status, status, "status of {:?}", r.body);
    let e = &r.body["error"];
    assert!(e.is_object(), "no error object in {:?}", r.body);
    assert!(e["message"].is_string(), "{e:?}");
    assert!(e["type"].is_string(), "{e:?}");
    assert!(e["fbtrace_id"].is_string(), "{e:?}");
    assert_eq!(e["code"].as_i64(), Some(code), "{e:?}");
    assert_eq!(e["error_subcode"].as_i64(), subcode, "{e:?}");
}

/// The query parameters of a redirect `Location`.
pub fn location_params(location: &str) -> Vec<(String, String)> {
    let url = reqwest::Url::parse(location).expect("location is a URL");
    url.query_pairs().into_owned().collect()
}

pub fn param<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Reads the consent page's form: its action and hidden inputs (HTML-unescaped).
pub fn parse_form(html: &str) -> (String, Vec<(String, String)>, Vec<String>) {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let key = format!("{name}=\"");
        let start = tag.find(&key)? + key.len();
        let end = tag[start..].find('"')? + start;
        Some(unescape(&tag[start..end]))
    };
    let form_start = html.find("<form").expect("a form");
    let form_tag =
        &html[form_start..form_start + html[form_start..].find('>').expect("form tag end")];
    let action = attr(form_tag, "action").expect("form action");
    let mut hidden = Vec::new();
    let mut users = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<input") {
        let end = rest[i..].find('>').expect("input end") + i;
        let tag = &rest[i..end];
        match attr(tag, "type").as_deref() {
            Some("hidden") => hidden.push((
                attr(tag, "name").unwrap_or_default(),
                attr(tag, "value").unwrap_or_default(),
            )),
            Some("radio") => users.push(attr(tag, "value").unwrap_or_default()),
            _ => {}
        }
        rest = &rest[end..];
    }
    (action, hidden, users)
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
