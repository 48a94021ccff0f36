//! Errors as Meta answers them: the Graph shape and the Instagram Login OAuth shape.

use rand::{distributions::Alphanumeric, Rng};
use serde_json::{json, Map, Value};

/// A Graph API error, rendered as `{"error":{…}}`. Boxed so `Result`s stay small on the
/// success path.
#[derive(Debug, Clone)]
pub(crate) struct GraphError(Box<GraphErrorData>);

impl std::ops::Deref for GraphError {
    type Target = GraphErrorData;
    fn deref(&self) -> &GraphErrorData {
        &self.0
    }
}

impl std::ops::DerefMut for GraphError {
    fn deref_mut(&mut self) -> &mut GraphErrorData {
        &mut self.0
    }
}

/// The fields of a [`GraphError`].
#[derive(Debug, Clone)]
pub(crate) struct GraphErrorData {
    pub status: u16,
    pub code: i64,
    pub subcode: Option<i64>,
    pub kind: &'static str,
    pub message: String,
    pub user_title: Option<String>,
    pub user_msg: Option<String>,
    pub is_transient: Option<bool>,
    /// Minutes until a throttled caller may retry; shown in the usage headers.
    pub regain_minutes: Option<u64>,
    /// A throttle of the object (IG account) rather than of the app, whatever the code: the
    /// business use case header reads 100%, the app header does not.
    pub object_scoped: bool,
}

pub(crate) type GraphResult<T> = Result<T, GraphError>;

impl GraphError {
    pub fn new(code: i64, kind: &'static str, message: impl Into<String>) -> Self {
        Self(Box::new(GraphErrorData {
            status: 400,
            code,
            subcode: None,
            kind,
            message: message.into(),
            user_title: None,
            user_msg: None,
            is_transient: None,
            regain_minutes: None,
            object_scoped: false,
        }))
    }

    pub fn oauth(code: i64, message: impl Into<String>) -> Self {
        Self::new(code, "OAuthException", message)
    }

    pub fn subcode(mut self, subcode: i64) -> Self {
        self.subcode = Some(subcode);
        self
    }

    pub fn user(mut self, title: impl Into<String>, msg: impl Into<String>) -> Self {
        self.user_title = Some(title.into());
        self.user_msg = Some(msg.into());
        self
    }

    pub fn transient(mut self, status: u16) -> Self {
        self.status = status;
        self.is_transient = Some(true);
        self
    }

    pub fn to_json(&self) -> Value {
        let mut e = Map::new();
        e.insert("message".into(), json!(self.message));
        e.insert("type".into(), json!(self.kind));
        e.insert("code".into(), json!(self.code));
        if let Some(s) = self.subcode {
            e.insert("error_subcode".into(), json!(s));
        }
        if let Some(t) = self.is_transient {
            e.insert("is_transient".into(), json!(t));
        }
        if let Some(t) = &self.user_title {
            e.insert("error_user_title".into(), json!(t));
        }
        if let Some(m) = &self.user_msg {
            e.insert("error_user_msg".into(), json!(m));
        }
        e.insert("fbtrace_id".into(), json!(fbtrace_id()));
        json!({ "error": Value::Object(e) })
    }

    // ---- the errors Meta answers, with its wording ----

    pub fn token_required() -> Self {
        Self::oauth(104, "An access token is required to request this resource.")
    }

    pub fn cannot_parse_token() -> Self {
        Self::oauth(
            190,
            "Invalid OAuth access token - Cannot parse access token",
        )
    }

    pub fn bad_app_token() -> Self {
        Self::oauth(190, "Invalid OAuth access token signature.")
    }

    pub fn wrong_proof() -> Self {
        Self::new(
            100,
            "GraphMethodException",
            "Invalid appsecret_proof provided in the API argument",
        )
    }

    pub fn proof_required() -> Self {
        Self::new(
            100,
            "GraphMethodException",
            "API calls from the server require an appsecret_proof argument",
        )
    }

    /// Unknown object, or one the token cannot reach (Meta does not tell them apart).
    pub fn unsupported(method: &str, id: &str) -> Self {
        let verb = match method {
            "POST" => "post",
            "DELETE" => "delete",
            _ => "get",
        };
        Self::new(
            100,
            "GraphMethodException",
            format!(
                "Unsupported {verb} request. Object with ID '{id}' does not exist, cannot be \
                 loaded due to missing permissions, or does not support this operation. Please \
                 read the Graph API documentation at https://developers.facebook.com/docs/graph-api"
            ),
        )
        .subcode(33)
    }

    pub fn unknown_path(rest: &str) -> Self {
        Self::oauth(2500, format!("Unknown path components: /{rest}"))
    }

    pub fn nonexisting_field(field: &str, node: &str) -> Self {
        Self::oauth(
            100,
            format!("(#100) Tried accessing nonexisting field ({field}) on node type ({node})"),
        )
    }

    pub fn param_required(name: &str) -> Self {
        Self::oauth(100, format!("(#100) The parameter {name} is required"))
    }

    pub fn invalid_param(message: impl Into<String>) -> Self {
        Self::oauth(100, format!("(#100) {}", message.into()))
    }

    pub fn missing_permission(code: i64, scope: &str) -> Self {
        if code == 200 {
            Self::oauth(
                200,
                format!("(#200) Requires {scope} permission to manage the object"),
            )
        } else {
            Self::oauth(
                10,
                format!(
                    "(#10) Application does not have permission for this action (requires {scope})"
                ),
            )
        }
    }
}

/// The Instagram Login OAuth error shape, served by api.instagram.com.
pub(crate) fn instagram_oauth_error(message: &str) -> Value {
    json!({ "error_type": "OAuthException", "code": 400, "error_message": message })
}

/// A trace id that looks like Meta's (`A` + 22 URL-safe characters).
pub(crate) fn fbtrace_id() -> String {
    let tail: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(22)
        .map(char::from)
        .collect();
    format!("A{tail}")
}
