//! Rendering Graph nodes with `fields` honoured: only the requested fields plus `id`, absent
//! values omitted (as Meta omits them), unknown fields refused with Meta's error.

use serde_json::{json, Map, Value};

use super::access::{Caller, NodeKind};
use super::engage::username_of;
use super::error::{GraphError, GraphResult};
use super::fields::Field;
use super::paging;
use super::world::{meta_time, ContainerStatus, Login, World};
use super::{comments, discovery, hashtags, mentions, messaging};

/// How a node is being rendered.
#[derive(Clone, Copy)]
pub(crate) struct View<'a> {
    pub caller: &'a Caller,
    /// Rendered as an item of a business portfolio edge: `permitted_tasks` is available.
    pub in_business: bool,
}

/// Fields returned when the request names none.
pub(crate) fn default_fields(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::User | NodeKind::Page | NodeKind::Business => "id,name",
        NodeKind::IgUser | NodeKind::Media | NodeKind::Container => "id",
        NodeKind::Comment => "timestamp,text,id",
        NodeKind::Hashtag => "id,name",
        NodeKind::Conversation => "id,updated_time",
        NodeKind::Message => "id,created_time",
    }
}

const PAGE_TASKS: [&str; 6] = [
    "ANALYZE",
    "ADVERTISE",
    "MESSAGING",
    "MODERATE",
    "CREATE_CONTENT",
    "MANAGE",
];
const CLIENT_TASKS: [&str; 3] = ["ANALYZE", "CREATE_CONTENT", "MODERATE"];

pub(crate) fn render(
    w: &mut World,
    v: View<'_>,
    kind: NodeKind,
    id: &str,
    fields: &[Field],
) -> GraphResult<Value> {
    match kind {
        NodeKind::User => user(w, v, id, fields),
        NodeKind::Page => page(w, v, id, fields),
        NodeKind::Business => business(w, id, fields),
        NodeKind::IgUser => ig_user(w, v, id, fields),
        NodeKind::Media => media(w, id, fields),
        NodeKind::Container => container(w, id, fields),
        NodeKind::Comment => comments::render(w, id, fields),
        NodeKind::Hashtag => hashtags::render(w, id, fields),
        NodeKind::Conversation => messaging::render_conversation(w, id, fields),
        NodeKind::Message => messaging::render_message(w, id, fields),
    }
}

fn put(out: &mut Map<String, Value>, key: &str, value: Value) {
    if !value.is_null() {
        out.insert(key.to_owned(), value);
    }
}

fn start(id: &str) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("id".into(), json!(id));
    m
}

fn user(w: &mut World, v: View<'_>, id: &str, fields: &[Field]) -> GraphResult<Value> {
    let u = w
        .users
        .get(id)
        .cloned()
        .ok_or_else(|| GraphError::unsupported("GET", id))?;
    let mut out = start(id);
    for f in fields {
        let val = match f.name.as_str() {
            "id" => continue,
            "name" => json!(u.name),
            "first_name" => json!(u.first_name),
            "last_name" => json!(u.last_name),
            "short_name" => json!(u.first_name),
            "name_format" => json!("{first} {last}"),
            // Without the email scope Meta silently leaves the field out.
            "email" if v.caller.has("email") => json!(u.email),
            "email" => Value::Null,
            "picture" => json!({"data": {"height": 50, "width": 50, "is_silhouette": false,
                "url": format!("https://platform-lookaside.sandbox.fbsbx.invalid/{id}/picture.jpg")}}),
            "link" => json!(format!("https://www.facebook.com/app_scoped_user_id/{id}/")),
            other => {
                return Err(GraphError::nonexisting_field(
                    other,
                    NodeKind::User.type_name(),
                ))
            }
        };
        put(&mut out, &f.name, val);
    }
    Ok(Value::Object(out))
}

fn page(w: &mut World, v: View<'_>, id: &str, fields: &[Field]) -> GraphResult<Value> {
    let p = w
        .pages
        .get(id)
        .cloned()
        .ok_or_else(|| GraphError::unsupported("GET", id))?;
    let direct = p.managers.contains(&v.caller.token.subject);
    let mut out = start(id);
    for f in fields {
        let val = match f.name.as_str() {
            "id" => continue,
            "name" => json!(p.name),
            "username" => json!(p.username),
            "category" => json!(p.category),
            "category_list" => json!([{ "id": "2200", "name": p.category }]),
            "fan_count" | "followers_count" => json!(p.fan_count),
            "link" => json!(format!("https://www.facebook.com/{}", p.id)),
            "about" => json!(format!("{} on the sandbox", p.name)),
            "verification_status" => json!("not_verified"),
            "is_published" => json!(true),
            "picture" => json!({"data": {"height": 50, "width": 50, "is_silhouette": false,
                "url": format!("https://platform-lookaside.sandbox.fbsbx.invalid/{id}/picture.jpg")}}),
            "tasks" => {
                if direct {
                    json!(PAGE_TASKS)
                } else {
                    json!(CLIENT_TASKS)
                }
            }
            "permitted_tasks" if v.in_business => {
                if direct {
                    json!(PAGE_TASKS)
                } else {
                    json!(CLIENT_TASKS)
                }
            }
            "permitted_tasks" => Value::Null,
            "access_token" => page_access_token(w, v, id),
            "instagram_business_account" | "connected_instagram_account" => match &p.ig_account {
                Some(ig) => {
                    // Without the IG read scope only the id comes back.
                    if v.caller.has(v.caller.basic_scope()) {
                        let sub = f.sub.clone().unwrap_or_else(|| vec![Field::plain("id")]);
                        let view = View {
                            caller: v.caller,
                            in_business: false,
                        };
                        ig_user(w, view, ig, &sub)?
                    } else {
                        json!({ "id": ig })
                    }
                }
                None => Value::Null,
            },
            other => {
                return Err(GraphError::nonexisting_field(
                    other,
                    NodeKind::Page.type_name(),
                ))
            }
        };
        put(&mut out, &f.name, val);
    }
    Ok(Value::Object(out))
}

/// A Page token for a Facebook user who can act on the Page; the token itself for a Page token.
fn page_access_token(w: &mut World, v: View<'_>, page_id: &str) -> Value {
    let tok = &v.caller.token;
    if tok.page_id.as_deref() == Some(page_id) {
        return json!(tok.value);
    }
    if v.caller.is_fb_user() && v.caller.pages(w).iter().any(|p| p == page_id) {
        let t = tok.clone();
        return json!(w.page_token_for(&t, page_id));
    }
    Value::Null
}

fn business(w: &mut World, id: &str, fields: &[Field]) -> GraphResult<Value> {
    let b = w
        .businesses
        .get(id)
        .cloned()
        .ok_or_else(|| GraphError::unsupported("GET", id))?;
    let mut out = start(id);
    for f in fields {
        let val = match f.name.as_str() {
            "id" => continue,
            "name" => json!(b.name),
            "link" => json!(format!("https://business.facebook.com/business/{id}")),
            "created_time" => json!(meta_time(b.created_time)),
            "updated_time" => json!(meta_time(b.created_time + chrono::Duration::days(30))),
            "verification_status" => json!(b.verification_status),
            "profile_picture_uri" => json!(format!(
                "https://scontent.sandbox.xx.fbcdn.invalid/{id}/profile_picture_uri.jpg"
            )),
            "timezone_id" => json!(1),
            other => {
                return Err(GraphError::nonexisting_field(
                    other,
                    NodeKind::Business.type_name(),
                ))
            }
        };
        put(&mut out, &f.name, val);
    }
    Ok(Value::Object(out))
}

fn ig_user(w: &mut World, v: View<'_>, id: &str, fields: &[Field]) -> GraphResult<Value> {
    let a = w
        .ig_accounts
        .get(id)
        .cloned()
        .ok_or_else(|| GraphError::unsupported("GET", id))?;
    let ig_host = v.caller.login() == Login::Instagram;
    let mut out = start(id);
    for f in fields {
        let val = match f.name.as_str() {
            "id" => continue,
            "ig_id" => json!(a.ig_id),
            "username" => json!(a.username),
            "name" => json!(a.name),
            "biography" => json!(a.biography),
            "website" => json!(a.website),
            "profile_picture_url" => json!(a.profile_picture_url),
            "followers_count" => json!(a.followers_count),
            "follows_count" => json!(a.follows_count),
            "media_count" => json!(a.media.len()),
            "has_profile_pic" => json!(true),
            "is_published" => json!(true),
            "shopping_product_tag_eligibility" => json!(w.engage.shopping.eligible(id)),
            // Instagram Login's /me: `user_id` is the professional account id.
            "user_id" if ig_host => json!(a.id),
            "account_type" if ig_host => json!(a.account_type),
            "permitted_tasks" if v.in_business => json!(PAGE_TASKS),
            "permitted_tasks" => Value::Null,
            "mentioned_comment" => mentions::mentioned_comment(w, id, f)?,
            "mentioned_media" => mentions::mentioned_media(w, id, f)?,
            "business_discovery" if !ig_host => discovery::business_discovery(w, v.caller, f)?,
            "media" => {
                let limit = f
                    .modifier("limit")
                    .and_then(|l| l.parse::<usize>().ok())
                    .unwrap_or(w.config.default_page_size)
                    .clamp(1, w.config.max_page_size.max(1));
                let ids: Vec<String> = a.media.iter().take(limit).cloned().collect();
                let sub = f.sub.clone().unwrap_or_else(|| vec![Field::plain("id")]);
                let mut data = Vec::new();
                for m in &ids {
                    data.push(media(w, m, &sub)?);
                }
                paging::nested(data, &ids)
            }
            other => {
                return Err(GraphError::nonexisting_field(
                    other,
                    NodeKind::IgUser.type_name(),
                ))
            }
        };
        put(&mut out, &f.name, val);
    }
    Ok(Value::Object(out))
}

pub(crate) fn media(w: &mut World, id: &str, fields: &[Field]) -> GraphResult<Value> {
    let m = w
        .media
        .get(id)
        .cloned()
        .ok_or_else(|| GraphError::unsupported("GET", id))?;
    let username = username_of(w, &m.owner);
    let mut out = start(&m.id);
    for f in fields {
        let val = match f.name.as_str() {
            "id" => continue,
            "ig_id" => json!(m.ig_id),
            "caption" => json!(m.caption),
            "media_type" => json!(m.media_type),
            "media_product_type" => json!(m.media_product_type),
            "media_url" => json!(m.media_url),
            "permalink" => json!(m.permalink(username.as_deref())),
            "shortcode" => json!(m.shortcode),
            "thumbnail_url" => json!(m.thumbnail_url),
            "timestamp" => json!(meta_time(m.timestamp)),
            "username" => json!(username),
            "owner" => json!({ "id": m.owner }),
            "like_count" if m.parent.is_none() => json!(m.like_count),
            "comments_count" if m.parent.is_none() => json!(m.comments_count),
            "is_comment_enabled" if m.parent.is_none() => json!(m.is_comment_enabled),
            "like_count" | "comments_count" | "is_comment_enabled" => Value::Null,
            "is_shared_to_feed" => json!(m.is_shared_to_feed),
            "alt_text" => json!(m.alt_text),
            "comments" if m.parent.is_none() => comments::nested_for_media(w, &m.id, f)?,
            "children" => {
                if m.children.is_empty() {
                    Value::Null
                } else {
                    let sub = f.sub.clone().unwrap_or_else(|| vec![Field::plain("id")]);
                    let mut data = Vec::new();
                    for c in &m.children {
                        data.push(media(w, c, &sub)?);
                    }
                    json!({ "data": data })
                }
            }
            other => {
                return Err(GraphError::nonexisting_field(
                    other,
                    NodeKind::Media.type_name(),
                ))
            }
        };
        put(&mut out, &f.name, val);
    }
    Ok(Value::Object(out))
}

fn container(w: &mut World, id: &str, fields: &[Field]) -> GraphResult<Value> {
    let c = w
        .containers
        .get(id)
        .cloned()
        .ok_or_else(|| GraphError::unsupported("GET", id))?;
    let status = w.container_status(&c);
    let mut out = start(&c.id);
    for f in fields {
        let val = match f.name.as_str() {
            "id" => continue,
            "status" => json!(status.text()),
            "status_code" => json!(status.code()),
            // Only video containers report video_status; image containers leave it out.
            "video_status" if c.kind.is_video() => w.video_status(&c),
            "video_status" => Value::Null,
            "copyright_check_status" if c.kind.is_video() => {
                let done = matches!(
                    status,
                    ContainerStatus::Finished | ContainerStatus::Published
                );
                json!({
                    "matches_found": false,
                    "status": if done { "completed" } else { "in_progress" },
                })
            }
            "copyright_check_status" => Value::Null,
            other => {
                return Err(GraphError::nonexisting_field(
                    other,
                    NodeKind::Container.type_name(),
                ))
            }
        };
        put(&mut out, &f.name, val);
    }
    Ok(Value::Object(out))
}
