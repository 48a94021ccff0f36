//! The Graph API hosts (graph.facebook.com, graph.instagram.com): faults, token and proof
//! checks, throttling, then routing `/me`, `/{id}` and `/{id}/{edge}`.

use serde_json::{json, Map, Value};

use super::access::{node_kind, Caller, NodeKind};
use super::credentials::{check_proof, check_token, is_app_token, token_of};
use super::engage::{comments_scope, messages_scope};
use super::error::{GraphError, GraphResult};
use super::faults::{self, FaultRoll};
use super::fields::{self, Field};
use super::incoming::parse_bool;
use super::net::ConnHandle;
use super::nodes::{self, View};
use super::paging::{self, PageLinks};
use super::server::{Incoming, Reply, Shared};
use super::world::{Login, Revocation, World};
use super::{batch, oauth, publish, stats, usage};
use super::{collab, comments, hashtags, insights, live, mentions, messaging, oembed};
use super::{shopping, subscriptions};

/// One Graph request after routing: where it came from and what it asks.
pub(crate) struct GraphReq<'a> {
    pub host: Login,
    pub inc: &'a Incoming,
    /// Graph path segments after the optional version.
    pub path: Vec<String>,
    /// `http://127.0.0.1:PORT/graph.facebook.com/v21.0` (version kept when given).
    pub root_url: String,
    /// `http://127.0.0.1:PORT`.
    pub base_url: &'a str,
    /// The version segment of the request (`v21.0`), if it had one.
    pub version: Option<String>,
    /// The access token as sent (query, form or Authorization header).
    pub token: Option<String>,
}

impl GraphReq<'_> {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.inc.param(name)
    }

    /// A boolean parameter as Meta reads one: `true`/`false` in any case, or `1`/`0`; absent
    /// or empty is `None`.
    pub fn boolean(&self, name: &str) -> GraphResult<Option<bool>> {
        match self.param(name).map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(v) => parse_bool(v).map(Some).ok_or_else(|| {
                GraphError::invalid_param(format!("Param {name} must be a boolean"))
            }),
        }
    }

    pub fn method(&self) -> &str {
        &self.inc.method
    }

    /// Links for `paging.next`: the same URL and parameters (query and body), and the token
    /// even if it came in a header (Meta's links always carry `access_token`).
    pub fn links(&self) -> PageLinks {
        let mut query = self.inc.link_pairs();
        if let Some(t) = &self.token {
            if !query.iter().any(|(k, _)| k == "access_token") {
                query.push(("access_token".to_owned(), t.clone()));
            }
        }
        PageLinks {
            url: format!("{}/{}", self.root_url, self.path.join("/")),
            query,
        }
    }

    pub fn fields(&self, default: &str) -> GraphResult<Vec<Field>> {
        fields::parse_or(self.param("fields"), default)
    }
}

pub(crate) async fn entry(shared: &Shared, conn: &ConnHandle, host: Login, inc: Incoming) -> Reply {
    let (roll, kind) = {
        let mut w = shared.lock();
        let mut path = inc.segments.as_slice();
        if path.first().is_some_and(|s| is_version(s)) {
            path = &path[1..];
        }
        let kind = stats::graph_kind(&w, &inc.method, path);
        stats::count(&mut w, kind);
        (faults::roll_faults(&mut w), kind)
    };
    if roll.slow_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(roll.slow_ms)).await;
    }
    if roll.drop {
        conn.cut();
        return Reply::json(500, json!({}));
    }
    if batch::is_batch(&inc) {
        return batch::run(shared, host, &inc, roll).await;
    }
    let mut w = shared.lock();
    let reply = handle(&mut w, &shared.base_url, host, &inc, roll);
    let published = kind == "media_publish" && matches!(reply, Reply::Json { status: 200, .. });
    if published {
        if let Some(mode) = faults::roll_lost_publish(&mut w) {
            return faults::lose_answer(conn, mode);
        }
    }
    reply
}

pub(crate) fn handle(
    w: &mut World,
    base_url: &str,
    host: Login,
    inc: &Incoming,
    roll: FaultRoll,
) -> Reply {
    let host_name = match host {
        Login::Facebook => super::server::hosts::GRAPH_FACEBOOK,
        Login::Instagram => super::server::hosts::GRAPH_INSTAGRAM,
    };
    w.purge_expired_stories();
    let mut path = inc.segments.clone();
    let mut root_url = format!("{base_url}/{host_name}");
    let mut version = None;
    if path.first().is_some_and(|s| is_version(s)) {
        let v = path.remove(0);
        root_url = format!("{root_url}/{v}");
        version = Some(v);
    }
    let req = GraphReq {
        host,
        inc,
        path,
        root_url,
        base_url,
        version,
        token: token_of(inc),
    };
    let mut object = None;
    let result = dispatch(w, &req, roll, &mut object);
    let (status, body, err) = match result {
        Ok(v) => (200, v, None),
        Err(e) => (e.status, e.to_json(), Some(e)),
    };
    let headers = usage::headers(w, object.as_ref(), err.as_ref());
    Reply::Json {
        status,
        body,
        headers,
    }
}

pub(crate) fn is_version(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('v') else {
        return false;
    };
    let mut parts = rest.splitn(2, '.');
    let major_ok = parts
        .next()
        .is_some_and(|m| !m.is_empty() && m.chars().all(|c| c.is_ascii_digit()));
    let minor_ok = parts.next().map_or(true, |m| {
        !m.is_empty() && m.chars().all(|c| c.is_ascii_digit())
    });
    major_ok && minor_ok
}

fn dispatch(
    w: &mut World,
    req: &GraphReq<'_>,
    roll: FaultRoll,
    object: &mut Option<(String, &'static str)>,
) -> GraphResult<Value> {
    if let Some(e) = roll.transient {
        return Err(e);
    }
    let path: Vec<&str> = req.path.iter().map(String::as_str).collect();
    // Endpoints authenticated by client_secret rather than by an access token.
    match (req.host, path.as_slice()) {
        (Login::Facebook, ["oauth", "access_token"]) => {
            usage::touch_app(w)?;
            return oauth::facebook_token(w, req);
        }
        (Login::Instagram, ["access_token"]) => {
            usage::touch_app(w)?;
            return oauth::instagram_exchange(w, req);
        }
        (Login::Instagram, ["refresh_access_token"]) => {
            usage::touch_app(w)?;
            return oauth::instagram_refresh(w, req);
        }
        _ => {}
    }
    let token = req.token.clone().ok_or_else(GraphError::token_required)?;
    if let (Login::Facebook, ["instagram_oembed"]) = (req.host, path.as_slice()) {
        usage::touch_app(w)?;
        return oembed::oembed(w, req, &token);
    }
    if is_app_token(w, &token)? {
        usage::touch_app(w)?;
        return match (req.host, path.as_slice()) {
            (Login::Facebook, ["debug_token"]) => oauth::debug_token(w, req),
            _ => Err(GraphError::oauth(
                102,
                "(#102) This call requires a user or Page access token (the sandbox serves app \
                 tokens only on /debug_token)",
            )),
        };
    }
    let caller = check_token(w, req.host, &token)?;
    check_proof(w, req, &token)?;
    if let Some(code) = roll.throttle {
        if let Some(id) = path.first() {
            let id = if *id == "me" {
                caller.me().to_owned()
            } else {
                (*id).to_owned()
            };
            *object = w.business_object_of(&id);
        }
        return Err(faults::throttle_error(code));
    }
    usage::touch_app(w)?;
    if let (Login::Facebook, ["debug_token"]) = (req.host, path.as_slice()) {
        return oauth::debug_token(w, req);
    }
    route(w, req, &caller, &path, object)
}

fn route(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    path: &[&str],
    object: &mut Option<(String, &'static str)>,
) -> GraphResult<Value> {
    let Some((first, rest)) = path.split_first() else {
        return multi_get(w, req, caller);
    };
    let id = if *first == "me" {
        caller.me().to_owned()
    } else {
        (*first).to_owned()
    };
    let method = req.method().to_owned();
    match (rest, method.as_str()) {
        ([], "GET") if *first == "ig_hashtag_search" => {
            return hashtags::search(w, req, caller);
        }
        (["insights"], "GET")
            if w.engage.expired_stories.contains(&id) && !w.media.contains_key(&id) =>
        {
            return Err(insights::expired_story_error());
        }
        _ => {}
    }
    let found = node_kind(w, &id);
    if found.is_none() && rest.is_empty() && method == "GET" {
        if let Some(answer) = messaging::user_profile(w, req, caller, &id) {
            return answer;
        }
    }
    if found == Some(NodeKind::Comment)
        && method != "GET"
        && !caller.can_reach(w, NodeKind::Comment, &id)
    {
        // The comment exists; managing it needs the media owner's token.
        return Err(comments::not_owner());
    }
    let kind = found
        .filter(|k| caller.can_reach(w, *k, &id))
        .ok_or_else(|| GraphError::unsupported(&method, first))?;
    if let Some(obj) = w.business_object_of(&id) {
        // Set before the check so a throttled answer still carries the usage header.
        *object = Some(obj.clone());
        usage::touch_object(w, &obj.0, obj.1)?;
    }
    let view = View {
        caller,
        in_business: false,
    };
    match (kind, rest, method.as_str()) {
        (_, [], "GET") => {
            require_read_scope(caller, kind)?;
            let fields = req.fields(nodes::default_fields(kind))?;
            nodes::render(w, view, kind, &id, &fields)
        }
        (NodeKind::Media, [], "POST") => publish::update_media(w, caller, &id, req),
        (NodeKind::Media, [], "DELETE") => publish::delete_media(w, caller, &id),
        (NodeKind::User, ["accounts"], "GET") => {
            caller.require("pages_show_list", 200)?;
            let ids = caller.managed_pages(w);
            list(
                w,
                req,
                ids,
                "access_token,category,category_list,name,id,tasks",
                |w, id, f| nodes::render(w, view, NodeKind::Page, id, f),
            )
        }
        (NodeKind::User, ["businesses"], "GET") => {
            caller.require("business_management", 200)?;
            let ids = caller.businesses(w);
            list(w, req, ids, "id,name", |w, id, f| {
                nodes::render(w, view, NodeKind::Business, id, f)
            })
        }
        (NodeKind::User, ["permissions"], "GET") => {
            let data: Vec<Value> = caller
                .token
                .scopes
                .iter()
                .map(|s| json!({ "permission": s, "status": "granted" }))
                .collect();
            Ok(json!({ "data": data }))
        }
        (NodeKind::User, ["permissions", ..], "DELETE") => {
            revoke_user(w, caller, rest.get(1).copied());
            Ok(json!({ "success": true }))
        }
        (NodeKind::Business, [edge], "GET") => business_edge(w, req, caller, &id, edge),
        (NodeKind::IgUser, ["media"], "GET") => {
            caller.require(caller.basic_scope(), 10)?;
            let ids = ig_media_ids(w, &id, req)?;
            list(w, req, ids, "id", nodes::media)
        }
        (NodeKind::IgUser, ["stories"], "GET") => {
            caller.require(caller.basic_scope(), 10)?;
            let ids = publish::story_ids(w, &id);
            list(w, req, ids, "id", nodes::media)
        }
        (NodeKind::IgUser, ["media"], "POST") => publish::create_container(w, caller, &id, req),
        (NodeKind::IgUser, ["media_publish"], "POST") => publish::publish(w, caller, &id, req),
        (NodeKind::IgUser, ["content_publishing_limit"], "GET") => {
            publish::publishing_limit(w, caller, &id, req)
        }
        (NodeKind::Media, ["children"], "GET") => {
            caller.require(caller.basic_scope(), 10)?;
            let ids = w
                .media
                .get(&id)
                .map(|m| m.children.clone())
                .unwrap_or_default();
            list(w, req, ids, "id", nodes::media)
        }
        (NodeKind::Comment, [], "POST") => comments::hide(w, req, caller, &id),
        (NodeKind::Comment, [], "DELETE") => comments::delete(w, caller, &id),
        (NodeKind::Comment, ["replies"], "GET") => comments::replies(w, req, caller, &id),
        (NodeKind::Comment, ["replies"], "POST") => comments::reply(w, req, caller, &id),
        (NodeKind::Media, ["comments"], "GET") => comments::list(w, req, caller, &id),
        (NodeKind::Media, ["comments"], "POST") => comments::create(w, req, caller, &id),
        (NodeKind::Media, ["insights"], "GET") => insights::media(w, req, caller, &id),
        (NodeKind::IgUser, ["insights"], "GET") => insights::account(w, req, caller, &id),
        (NodeKind::IgUser, ["collaboration_invites"], "GET") => {
            collab::invites(w, req, caller, &id)
        }
        (NodeKind::IgUser, ["collaboration_invites"], "POST") => {
            collab::respond(w, req, caller, &id)
        }
        (NodeKind::IgUser, ["available_catalogs"], "GET") => {
            shopping::catalogs(w, req, caller, &id)
        }
        (NodeKind::IgUser, ["catalog_product_search"], "GET") => {
            shopping::search(w, req, caller, &id)
        }
        (NodeKind::IgUser, ["product_appeal"], "POST") => shopping::appeal(w, req, caller, &id),
        (NodeKind::IgUser, ["product_appeal"], "GET") => {
            shopping::appeal_status(w, req, caller, &id)
        }
        (NodeKind::Media, ["product_tags"], "GET") => shopping::media_tags(w, caller, &id),
        (NodeKind::Media, ["product_tags"], "POST") => {
            shopping::update_media_tags(w, req, caller, &id)
        }
        (NodeKind::IgUser, ["tags"], "GET") => mentions::tags(w, req, caller, &id),
        (NodeKind::IgUser, ["mentions"], "POST") => mentions::reply(w, req, caller, &id),
        (NodeKind::IgUser, ["live_media"], "GET") => live::live_media(w, req, caller, &id),
        (NodeKind::IgUser, ["recently_searched_hashtags"], "GET") => {
            hashtags::recently_searched(w, req, caller, &id)
        }
        (NodeKind::IgUser | NodeKind::Page, ["conversations"], "GET") => {
            messaging::conversations(w, req, caller, kind, &id)
        }
        (NodeKind::IgUser | NodeKind::Page, ["messages"], "POST") => {
            messaging::send(w, req, caller, kind, &id)
        }
        (NodeKind::IgUser | NodeKind::Page, ["messenger_profile"], _) => {
            messaging::messenger_profile(w, req, caller, kind, &id)
        }
        (NodeKind::IgUser | NodeKind::Page, ["subscribed_apps"], _) => {
            subscriptions::handle(w, req, caller, &id)
        }
        (NodeKind::Hashtag, ["top_media"], "GET") => hashtags::media(w, req, caller, &id, false),
        (NodeKind::Hashtag, ["recent_media"], "GET") => hashtags::media(w, req, caller, &id, true),
        (NodeKind::Conversation, ["messages"], "GET") => {
            messaging::conversation_messages(w, req, caller, &id)
        }
        (_, [], _) => Err(GraphError::unsupported(&method, first)),
        (_, rest, _) => Err(GraphError::unknown_path(&rest.join("/"))),
    }
}

fn require_read_scope(caller: &Caller, kind: NodeKind) -> GraphResult<()> {
    match kind {
        NodeKind::IgUser | NodeKind::Media | NodeKind::Container | NodeKind::Hashtag => {
            caller.require(caller.basic_scope(), 10)
        }
        NodeKind::Comment => caller.require(comments_scope(caller), 10),
        NodeKind::Conversation | NodeKind::Message => caller.require(messages_scope(caller), 10),
        _ => Ok(()),
    }
}

/// `GET /?ids=a,b&fields=…` → `{"a":{…},"b":{…}}`.
fn multi_get(w: &mut World, req: &GraphReq<'_>, caller: &Caller) -> GraphResult<Value> {
    let method = req.method().to_owned();
    let Some(ids) = req.param("ids").filter(|_| method == "GET") else {
        return Err(GraphError::unsupported(&method, ""));
    };
    let mut out = Map::new();
    for raw in ids.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let id = if raw == "me" {
            caller.me().to_owned()
        } else {
            raw.to_owned()
        };
        let kind = node_kind(w, &id)
            .filter(|k| caller.can_reach(w, *k, &id))
            .ok_or_else(|| GraphError::unsupported("GET", raw))?;
        require_read_scope(caller, kind)?;
        let fields = req.fields(nodes::default_fields(kind))?;
        let view = View {
            caller,
            in_business: false,
        };
        out.insert(raw.to_owned(), nodes::render(w, view, kind, &id, &fields)?);
    }
    Ok(Value::Object(out))
}

/// Renders one window of `ids` with the request's fields and Meta's paging.
pub(crate) fn list(
    w: &mut World,
    req: &GraphReq<'_>,
    ids: Vec<String>,
    default_fields: &str,
    mut render: impl FnMut(&mut World, &str, &[Field]) -> GraphResult<Value>,
) -> GraphResult<Value> {
    let fields = req.fields(default_fields)?;
    let win = paging::window(
        &ids,
        &req.inc.params,
        w.config.default_page_size,
        w.config.max_page_size,
    )?;
    let mut data = Vec::with_capacity(win.end - win.start);
    for id in &ids[win.start..win.end] {
        data.push(render(w, id, &fields)?);
    }
    Ok(paging::list(data, &ids, &win, &req.links()))
}

/// A time parameter (`since`, `until`) as unix seconds. Meta takes "a Unix timestamp or
/// strtotime data value"; the sandbox reads unix seconds, RFC 3339, `YYYY-MM-DDTHH:MM:SS` and
/// `YYYY-MM-DD HH:MM:SS` (UTC) and `YYYY-MM-DD` (midnight UTC). Absent or empty is `None`.
pub(crate) fn time_param(req: &GraphReq<'_>, name: &str) -> GraphResult<Option<i64>> {
    let Some(v) = req.param(name).map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let parsed = v
        .parse::<i64>()
        .ok()
        .or_else(|| {
            chrono::DateTime::parse_from_rfc3339(v)
                .ok()
                .map(|t| t.timestamp())
        })
        .or_else(|| {
            ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
                .iter()
                .find_map(|f| chrono::NaiveDateTime::parse_from_str(v, f).ok())
                .map(|t| t.and_utc().timestamp())
        })
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc().timestamp())
        });
    parsed.map(Some).ok_or_else(|| {
        GraphError::invalid_param(format!(
            "Param {name} must be a unix timestamp or a date (YYYY-MM-DD)"
        ))
    })
}

/// An account's feed media, newest first, filtered by `since`/`until`.
fn ig_media_ids(w: &World, ig: &str, req: &GraphReq<'_>) -> GraphResult<Vec<String>> {
    let since = time_param(req, "since")?;
    let until = time_param(req, "until")?;
    let ids = w
        .ig_accounts
        .get(ig)
        .map(|a| a.media.clone())
        .unwrap_or_default();
    Ok(ids
        .into_iter()
        .filter(|id| {
            w.media.get(id).is_some_and(|m| {
                let t = m.timestamp.timestamp();
                m.media_product_type != "STORY"
                    && since.map_or(true, |s| t >= s)
                    && until.map_or(true, |u| t <= u)
            })
        })
        .collect())
}

fn business_edge(
    w: &mut World,
    req: &GraphReq<'_>,
    caller: &Caller,
    id: &str,
    edge: &str,
) -> GraphResult<Value> {
    caller.require("business_management", 200)?;
    let b = w
        .businesses
        .get(id)
        .cloned()
        .ok_or_else(|| GraphError::unsupported("GET", id))?;
    let view = View {
        caller,
        in_business: true,
    };
    let (ids, kind) = match edge {
        "owned_pages" => (b.owned_pages, NodeKind::Page),
        "client_pages" => (b.client_pages, NodeKind::Page),
        "owned_instagram_accounts" | "instagram_business_accounts" => {
            (b.owned_ig, NodeKind::IgUser)
        }
        "client_instagram_accounts" => (b.client_ig, NodeKind::IgUser),
        other => return Err(GraphError::unknown_path(other)),
    };
    list(w, req, ids, nodes::default_fields(kind), |w, id, f| {
        nodes::render(w, view, kind, id, f)
    })
}

/// `DELETE /me/permissions[/{scope}]`: the user removes the app (every token of theirs stops
/// working, subcode 458) or one permission (dropped from their tokens).
fn revoke_user(w: &mut World, caller: &Caller, scope: Option<&str>) {
    let subject = caller.token.subject.clone();
    for t in w.tokens.values_mut() {
        if t.login == Login::Facebook && t.subject == subject {
            match scope {
                Some(s) => t.scopes.retain(|x| x != s),
                None => t.revoked = Some(Revocation::AppRemoved),
            }
        }
    }
}
