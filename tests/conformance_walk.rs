//! Decodes every recorded Graph API response in `tests/fixtures/graph/` with the model that reads it.
//!
//! [`TABLE`] maps each recorded file to its model and is the documentation of which model reads
//! which response. The walk fails when a JSON file on disk is missing from the table (a newly
//! recorded response cannot be skipped silently), when a table entry has no file, when a file
//! does not decode, or when re-serialising the decoded model loses anything the file held (every
//! field must land in a typed field or in an `extra` map). The tests after the walk check decoded
//! values per model family, so the walk cannot pass by decoding into empty structs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use instagraph::api::models::*;
use serde::{de::DeserializeOwned, Serialize};
use serde_json::Value;

/// The recorded responses, kept in the repository (see `tests/fixtures/graph/NOTICE`).
const CONFORMANCE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/graph");

/// What the walk learns from decoding a file: the model serialised back (for the loss check) and
/// the top-level keys that landed in `extra` (of the object, of each item of a list, of each
/// value of a multi-id read).
struct Decoded {
    back: Value,
    unmodelled: BTreeSet<String>,
}

type Decoder = fn(&[u8]) -> Result<Decoded, serde_json::Error>;

fn decode<T: DeserializeOwned + Serialize + Unmodelled>(
    bytes: &[u8],
) -> Result<Decoded, serde_json::Error> {
    let model: T = serde_json::from_slice(bytes)?;
    let mut unmodelled = BTreeSet::new();
    model.unmodelled(&mut unmodelled);
    Ok(Decoded {
        back: serde_json::to_value(&model)?,
        unmodelled,
    })
}

/// One row of [`TABLE`].
struct Entry {
    path: &'static str,
    model: &'static str,
    decode: Decoder,
    /// Top-level fields of the file that the model keeps in `extra` on purpose.
    unmodelled: &'static [&'static str],
}

macro_rules! table {
    ($($path:literal => $model:ty $(; keeps [$($k:literal),* $(,)?])?),+ $(,)?) => {
        &[$(Entry {
            path: $path,
            model: stringify!($model),
            decode: decode::<$model>,
            unmodelled: &[$($($k),*)?],
        }),+]
    };
}

/// Collects the keys a decoded model kept in its top-level `extra`.
trait Unmodelled {
    fn unmodelled(&self, out: &mut BTreeSet<String>);
}

macro_rules! models_with_extra {
    ($($model:ty),+ $(,)?) => {$(
        impl Unmodelled for $model {
            fn unmodelled(&self, out: &mut BTreeSet<String>) {
                out.extend(self.extra.keys().cloned());
            }
        }
    )+};
}

models_with_extra!(
    AppTestUser,
    Application,
    Business,
    BusinessDiscovery,
    Catalog,
    CatalogProduct,
    Comment,
    Container,
    ContainerCreated,
    Conversation,
    FacebookUser,
    Hashtag,
    IgUser,
    Insight,
    Media,
    MediaPublished,
    MentionedComment,
    MentionedMedia,
    Message,
    Page,
    ProductAppeal,
    ProductTag,
    PublishingLimit,
);

impl<T: Unmodelled> Unmodelled for ListResponse<T> {
    fn unmodelled(&self, out: &mut BTreeSet<String>) {
        self.data.iter().for_each(|d| d.unmodelled(out));
    }
}

impl<T: Unmodelled> Unmodelled for ListWithSummary<T> {
    fn unmodelled(&self, out: &mut BTreeSet<String>) {
        out.extend(self.extra.keys().cloned());
        self.data.iter().for_each(|d| d.unmodelled(out));
    }
}

impl<T: Unmodelled> Unmodelled for ByIds<T> {
    fn unmodelled(&self, out: &mut BTreeSet<String>) {
        self.values().for_each(|d| d.unmodelled(out));
    }
}

/// Recorded file (relative to `tests/fixtures/graph/`) => the model that reads it
/// [; keeps [top-level fields the model leaves in `extra` on purpose]].
///
/// `ByIds<T>` is a multi-id read (`GET /?ids=a,b`), `ListResponse<T>` one page of an edge,
/// `ListWithSummary<T>` a page with `summary` (`summary=true`).
#[rustfmt::skip]
const TABLE: &[Entry] = table! {
    // Facebook Login side: apps, businesses, Page inbox, Pages, users.
    "facebook/applications/application_accounts.json"   => ListResponse<AppTestUser>,
    "facebook/applications/application_info.json"       => Application,
    "facebook/business/business_info.json"              => Business,
    "facebook/business/businesses_info.json"            => ByIds<Business>,
    "facebook/conversations/cvs_info.json"              => Conversation,
    "facebook/conversations/cvses_info.json"            => ByIds<Conversation>,
    "facebook/messages/message_info.json"               => Message,
    "facebook/messages/messages_info.json"              => ByIds<Message>,
    "facebook/pages/multi_default_fields.json"          => ByIds<Page>; keeps [
        "cover", "description", "description_html", "display_subtext", "engagement",
        "global_brand_page_name", "global_brand_root_id",
    ],
    "facebook/pages/multi_pages.json"                   => ByIds<Page>,
    "facebook/pages/search_pages.json"                  => ListResponse<Page>,
    "facebook/pages/single_default_page.json"           => Page; keeps [
        "can_checkin", "checkins", "cover", "display_subtext", "engagement", "founded",
        "general_info", "global_brand_page_name", "global_brand_root_id", "start_info",
        "talking_about_count", "were_here_count",
    ],
    "facebook/pages/single_fields_page.json"            => Page,
    "facebook/users/user.json"                          => FacebookUser; keeps ["name_format"],
    "facebook/users/user_accounts_p1.json"              => ListWithSummary<Page>,
    "facebook/users/user_accounts_p2.json"              => ListWithSummary<Page>,
    "facebook/users/user_businesses.json"               => ListResponse<Business>,
    "facebook/users/users_default.json"                 => ByIds<FacebookUser>; keeps ["name_format"],
    "facebook/users/users_fields.json"                  => ByIds<FacebookUser>,

    // Instagram: comments and replies.
    "instagram/apidata/comments/comment_fields.json"    => Comment,
    "instagram/apidata/comments/comments_fields.json"   => ByIds<Comment>,
    "instagram/apidata/comments/replies.json"           => ListResponse<Comment>,
    "instagram/models/ig_comment.json"                  => Comment,
    "instagram/models/ig_reply.json"                    => Comment,
    "instagram/apidata/medias/comments_p1.json"         => ListResponse<Comment>,
    "instagram/apidata/medias/comments_p2.json"         => ListResponse<Comment>,

    // Instagram: business discovery (the asking account's id + the discovered account).
    "instagram/apidata/discovery/medias_p1.json"        => BusinessDiscovery,
    "instagram/apidata/discovery/medias_p2.json"        => BusinessDiscovery,
    "instagram/apidata/discovery/user_fields.json"      => BusinessDiscovery,

    // Instagram: hashtags and their media.
    "instagram/apidata/hashtags/hashtag_info.json"               => Hashtag,
    "instagram/apidata/hashtags/hashtags_info.json"              => ByIds<Hashtag>,
    "instagram/apidata/hashtags/hashtag_recent_medias_p1.json"   => ListResponse<Media>,
    "instagram/apidata/hashtags/hashtag_recent_medias_p2.json"   => ListResponse<Media>,
    "instagram/apidata/hashtags/hashtag_top_medias_p1.json"      => ListResponse<Media>,
    "instagram/apidata/hashtags/hashtag_top_medias_p2.json"      => ListResponse<Media>,
    "instagram/apidata/users/hashtag_search.json"                => ListResponse<Hashtag>,
    "instagram/apidata/users/recently_searched_hashtags.json"    => ListResponse<Hashtag>,
    "instagram/models/ig_hashtag.json"                           => Hashtag,

    // Instagram: media, children, tags, live, product tags.
    "instagram/apidata/medias/media_default.json"       => Media,
    "instagram/apidata/medias/medias_fields.json"       => ByIds<Media>,
    "instagram/apidata/medias/children.json"            => ListResponse<Media>,
    "instagram/apidata/medias/product_tags.json"        => ListResponse<ProductTag>,
    "instagram/apidata/users/medias_p1.json"            => ListResponse<Media>,
    "instagram/apidata/users/medias_p2.json"            => ListResponse<Media>,
    "instagram/apidata/users/tagged_medias.json"        => ListResponse<Media>,
    "instagram/apidata/users/live_medias.json"          => ListResponse<Media>,
    "instagram/models/ig_media.json"                    => Media,

    // Instagram: insights (time series and total_value with breakdowns).
    "instagram/apidata/medias/insights.json"            => ListResponse<Insight>,
    "instagram/apidata/medias/insights_new.json"        => ListResponse<Insight>,
    "instagram/apidata/users/user_insights.json"        => ListResponse<Insight>,
    "instagram/apidata/users/user_insights_new.json"    => ListResponse<Insight>,
    "instagram/models/ig_insight.json"                  => Insight,

    // Instagram: publishing.
    "instagram/apidata/publish/container_info.json"     => Container,
    "instagram/apidata/publish/containers_info.json"    => ByIds<Container>,
    "instagram/apidata/publish/create_photo.json"       => ContainerCreated,
    "instagram/apidata/publish/create_video.json"       => ContainerCreated,
    "instagram/apidata/publish/publish_container.json"  => MediaPublished,
    "instagram/apidata/publish/publish_limit_resp.json" => ListResponse<PublishingLimit>,
    "instagram/apidata/users/content_publish_limit.json" => ListResponse<PublishingLimit>,
    "instagram/models/ig_container.json"                => Container,
    "instagram/models/ig_publish_limit.json"            => PublishingLimit,

    // Instagram: stories.
    "instagram/apidata/stories/stories_default.json"    => ListResponse<Story>,
    "instagram/apidata/stories/stories_fields_p1.json"  => ListResponse<Story>,
    "instagram/apidata/stories/stories_fields_p2.json"  => ListResponse<Story>,
    "instagram/apidata/stories/stories_info.json"       => ByIds<Story>,
    "instagram/apidata/stories/story_info.json"         => Story,
    "instagram/apidata/users/stories.json"              => ListResponse<Story>,
    "instagram/models/ig_story.json"                    => Story,

    // Instagram: the account itself and its mentions.
    "instagram/apidata/users/user_fields.json"          => IgUser,
    "instagram/models/ig_user.json"                     => IgUser,
    "instagram/apidata/users/mentioned_comment.json"    => MentionedComment,
    "instagram/apidata/users/mentioned_media.json"      => MentionedMedia,

    // Instagram: shopping.
    "instagram/apidata/users/available_catalogs.json"     => ListResponse<Catalog>,
    "instagram/apidata/users/catalog_product_search.json" => ListResponse<CatalogProduct>,
    "instagram/apidata/users/product_appeal.json"         => ListResponse<ProductAppeal>,
};

/// Keys that are decoded but deliberately not serialised back (tokens).
const NOT_SERIALISED: &[&str] = &["access_token"];

fn dir() -> PathBuf {
    PathBuf::from(CONFORMANCE_DIR)
}

fn json_files(root: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                let rel = path.strip_prefix(root).unwrap();
                let rel: Vec<_> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect();
                out.push(rel.join("/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// Checks that everything in `original` is in `back` (the model serialised again). A number sent
/// as a string (or an id sent as a number) may come back in the other form.
fn covers(original: &Value, back: &Value, at: &str, errors: &mut Vec<String>) {
    match (original, back) {
        (Value::Object(o), Value::Object(b)) => {
            for (k, v) in o {
                if NOT_SERIALISED.contains(&k.as_str()) {
                    continue;
                }
                match b.get(k) {
                    Some(bv) => covers(v, bv, &format!("{at}.{k}"), errors),
                    None => errors.push(format!("{at}.{k} was dropped")),
                }
            }
        }
        (Value::Array(o), Value::Array(b)) if o.len() == b.len() => {
            for (i, (ov, bv)) in o.iter().zip(b).enumerate() {
                covers(ov, bv, &format!("{at}[{i}]"), errors);
            }
        }
        (Value::Number(n), Value::String(s)) | (Value::String(s), Value::Number(n))
            if n.to_string() == *s => {}
        (o, b) if o == b => {}
        (o, b) => errors.push(format!("{at}: sent {o}, model gives back {b}")),
    }
}

#[test]
fn every_recorded_response_decodes_into_its_model() {
    let root = dir();
    assert!(
        root.is_dir(),
        "conformance folder not found at {}",
        root.display()
    );
    let on_disk = json_files(&root);
    assert!(
        !on_disk.is_empty(),
        "no recorded responses under {}",
        root.display()
    );

    let mut failures = Vec::new();
    for entry in TABLE {
        if TABLE.iter().filter(|e| e.path == entry.path).count() > 1 {
            failures.push(format!("{}: listed twice in TABLE", entry.path));
        }
        if !on_disk.iter().any(|f| f == entry.path) {
            failures.push(format!(
                "{} ({}): in TABLE but not on disk",
                entry.path, entry.model
            ));
        }
    }
    for file in &on_disk {
        let Some(entry) = TABLE.iter().find(|e| e.path == file) else {
            failures.push(format!(
                "{file}: not in TABLE; add it with the model that reads it"
            ));
            continue;
        };
        let model = entry.model;
        let bytes = std::fs::read(root.join(file)).unwrap();
        let decoded = match (entry.decode)(&bytes) {
            Ok(d) => d,
            Err(e) => {
                failures.push(format!("{file}: does not decode as {model}: {e}"));
                continue;
            }
        };
        let original: Value = serde_json::from_slice(&bytes).unwrap();
        let mut lost = Vec::new();
        covers(&original, &decoded.back, "$", &mut lost);
        failures.extend(lost.into_iter().map(|l| format!("{file} ({model}): {l}")));
        let expected: BTreeSet<String> = entry.unmodelled.iter().map(|k| k.to_string()).collect();
        if decoded.unmodelled != expected {
            failures.push(format!(
                "{file} ({model}): top-level fields left in extra are {:?}, TABLE says {:?}",
                decoded.unmodelled, expected
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("decoded {} recorded responses", on_disk.len());
}

fn load<T: DeserializeOwned>(path: &str) -> T {
    let bytes = std::fs::read(dir().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Asserts that none of `keys` ended up in `extra` (they must have landed in typed fields).
fn typed(extra: &serde_json::Map<String, Value>, keys: &[&str]) {
    for k in keys {
        assert!(!extra.contains_key(*k), "{k} landed in extra: {extra:?}");
    }
}

#[test]
fn facebook_users_pages_businesses_apps() {
    let me: FacebookUser = load("facebook/users/user.json");
    assert_eq!(me.id.as_str(), "4");
    assert_eq!(me.name.as_deref(), Some("Mark Zuckerberg"));
    assert_eq!(me.first_name.as_deref(), Some("Mark"));
    assert!(me.email.is_none());
    assert!(me
        .picture
        .as_ref()
        .unwrap()
        .url()
        .unwrap()
        .starts_with("https://"));
    assert_eq!(me.extra.keys().collect::<Vec<_>>(), ["name_format"]);

    let users: ByIds<FacebookUser> = load("facebook/users/users_fields.json");
    assert_eq!(users["5"].name.as_deref(), Some("Chris Hughes"));
    assert!(users["5"].extra.is_empty());

    let p1: ListWithSummary<Page> = load("facebook/users/user_accounts_p1.json");
    assert_eq!(p1.data.len(), 4);
    assert_eq!(p1.data[0].id.as_str(), "123");
    assert_eq!(p1.data[0].category.as_deref(), Some("Phone/Tablet"));
    assert_eq!(p1.data[0].tasks.len(), 6);
    assert!(p1.data[0].tasks.iter().any(|t| t == "CREATE_CONTENT"));
    let token = p1.data[0].access_token.as_ref().unwrap();
    assert_eq!(token.expose(), "access_token");
    assert!(!format!("{:?}", p1.data[0]).contains("access_token\""));
    assert!(p1.data.iter().all(|p| p.extra.is_empty()));
    assert_eq!(p1.summary.as_ref().unwrap().total_count, Some(6));
    assert!(p1.extra.is_empty());
    let p1 = p1.into_list();
    assert!(p1.next_url().unwrap().contains("after=after"));
    assert_eq!(p1.after_cursor(), Some("after"));

    let p2: ListWithSummary<Page> = load("facebook/users/user_accounts_p2.json");
    let paging = p2.paging.as_ref().unwrap();
    assert!(paging.next.is_none(), "last page has no next");
    assert!(paging.previous.is_some());

    let page: Page = load("facebook/pages/single_default_page.json");
    assert_eq!(page.id.as_str(), "20531316728");
    assert_eq!(page.category.as_deref(), Some("网站"));
    assert_eq!(page.category_list.as_ref().unwrap().len(), 2);
    assert_eq!(page.fan_count, Some(214_507_731));
    assert_eq!(page.verification_status.as_deref(), Some("blue_verified"));
    assert!(page.access_token.is_none() && page.tasks.is_empty());
    typed(
        &page.extra,
        &[
            "id",
            "name",
            "username",
            "category",
            "fan_count",
            "picture",
            "link",
        ],
    );
    assert!(
        page.extra.contains_key("cover"),
        "unmodelled fields are kept"
    );

    let search: ListResponse<Page> = load("facebook/pages/search_pages.json");
    assert_eq!(search.data.len(), 5);
    assert!(search.next_url().is_some());

    let pages: ByIds<Page> = load("facebook/pages/multi_pages.json");
    assert_eq!(
        pages["19292868552"].username.as_deref(),
        Some("FacebookforDevelopers")
    );

    let business: Business = load("facebook/business/business_info.json");
    assert_eq!(business.id.as_str(), "123456789");
    assert_eq!(business.verification_status.as_deref(), Some("verified"));
    assert_eq!(
        business.created_time_parsed().unwrap().to_rfc3339(),
        "2018-01-04T07:12:08+00:00"
    );
    assert!(business.extra.is_empty());
    let businesses: ListResponse<Business> = load("facebook/users/user_businesses.json");
    assert_eq!(businesses.data[1].name.as_deref(), Some("LKApp"));
    assert!(businesses.next_url().is_none());

    let app: Application = load("facebook/applications/application_info.json");
    assert_eq!(
        (app.id.as_str(), app.category.as_deref()),
        ("123456789", Some("Business"))
    );
    assert!(app.extra.is_empty());
    let testers: ListResponse<AppTestUser> =
        load("facebook/applications/application_accounts.json");
    assert_eq!(testers.data.len(), 4);
    assert!(testers
        .data
        .iter()
        .all(|u| u.access_token.is_some() && u.extra.is_empty()));
}

#[test]
fn facebook_conversations_and_messages() {
    let c: Conversation = load("facebook/conversations/cvs_info.json");
    assert_eq!(c.id.as_str(), "t_587956915396498");
    assert_eq!((c.message_count, c.unread_count), (Some(94), Some(1)));
    assert!(c.updated_time_parsed().is_some());
    assert!(c.extra.is_empty());

    let m: Message = load("facebook/messages/message_info.json");
    assert!(m.id.as_str().starts_with("m_ToF35"));
    assert_eq!(m.from.as_ref().unwrap().name.as_deref(), Some("Kun Liu"));
    assert_eq!(m.to.as_ref().unwrap().data[0].id, "2121008874780932");
    assert_eq!(m.tags.as_ref().unwrap().data[1].name, "source:mobile");
    let attachments = m.attachments.as_ref().unwrap();
    let image = attachments.data[0].image_data.as_ref().unwrap();
    assert_eq!((image.width, image.height), (Some(1920), Some(1213)));
    assert_eq!(image.render_as_sticker, Some(false));
    assert!(attachments.next_url().is_some());
    assert!(m.extra.is_empty() && attachments.data[0].extra.is_empty() && image.extra.is_empty());

    let ms: ByIds<Message> = load("facebook/messages/messages_info.json");
    let video = ms
        .values()
        .find_map(|m| m.attachments.as_ref()?.data[0].video_data.clone());
    let video = video.expect("one message carries a video");
    assert_eq!((video.length, video.rotation), (Some(11), Some(0)));
    assert!(video.extra.is_empty());
}

#[test]
fn instagram_users_discovery_and_mentions() {
    let u: IgUser = load("instagram/models/ig_user.json");
    assert_eq!(u.id.as_str(), "17841407673135339");
    assert_eq!(
        u.ig_id.as_deref(),
        Some("7482719771"),
        "a numeric ig_id reads as a string"
    );
    assert_eq!(u.username.as_deref(), Some("facebookfordevelopers"));
    assert_eq!(
        (u.followers_count, u.follows_count, u.media_count),
        (Some(64361), Some(16), Some(427))
    );
    assert!(u.extra.is_empty());
    let u: IgUser = load("instagram/apidata/users/user_fields.json");
    assert!(u.follows_count.is_none() && u.extra.is_empty());

    let d: BusinessDiscovery = load("instagram/apidata/discovery/medias_p1.json");
    assert_eq!(d.id.as_str(), "17841406338772941");
    let media = d.business_discovery.media.as_ref().unwrap();
    assert_eq!(media.data.len(), 2);
    assert_eq!(media.data[0].media_type, Some(MediaType::Image));
    assert!(
        media.next_url().is_none(),
        "this edge pages by cursor without next"
    );
    assert_eq!(media.after_cursor(), Some("after"));
    assert!(d.extra.is_empty() && d.business_discovery.extra.is_empty());
    let d: BusinessDiscovery = load("instagram/apidata/discovery/user_fields.json");
    assert_eq!(d.business_discovery.followers_count, Some(64976));

    let mc: MentionedComment = load("instagram/apidata/users/mentioned_comment.json");
    assert_eq!(mc.mentioned_comment.text.as_deref(), Some("@ikroskun good"));
    assert!(mc.extra.is_empty() && mc.mentioned_comment.extra.is_empty());
    let mm: MentionedMedia = load("instagram/apidata/users/mentioned_media.json");
    assert_eq!(
        mm.mentioned_media.media_type,
        Some(MediaType::CarouselAlbum)
    );
    assert!(mm.extra.is_empty() && mm.mentioned_media.extra.is_empty());
}

#[test]
fn instagram_media_children_and_stories() {
    let m: Media = load("instagram/models/ig_media.json");
    assert_eq!(m.id.as_str(), "17896129349106152");
    assert_eq!(m.media_type, Some(MediaType::CarouselAlbum));
    assert_eq!(m.is_comment_enabled, Some(true));
    assert_eq!(m.owner.as_ref().unwrap().id.as_str(), "17841406338772941");
    assert_eq!(m.shortcode.as_deref(), Some("CRyZpmrjYC4"));
    assert_eq!(
        m.timestamp_parsed().unwrap().to_rfc3339(),
        "2021-07-26T10:45:20+00:00"
    );
    assert_eq!(m.children().len(), 3);
    assert_eq!(m.children()[2].media_type, Some(MediaType::Video));
    assert!(m.children()[2].thumbnail_url.is_some());
    assert!(m.extra.is_empty() && m.children().iter().all(|c| c.extra.is_empty()));

    let p1: ListResponse<Media> = load("instagram/apidata/users/medias_p1.json");
    assert_eq!(p1.data[0].id.as_str(), "17895731045244887");
    assert!(p1.next_url().is_some());
    let p2: ListResponse<Media> = load("instagram/apidata/users/medias_p2.json");
    assert!(p2.next_url().is_none());
    assert!(p2.paging.as_ref().unwrap().previous.is_some());

    let live: ListResponse<Media> = load("instagram/apidata/users/live_medias.json");
    assert_eq!(live.data[0].media_type, Some(MediaType::Broadcast));
    assert_eq!(
        live.data[0].media_product_type,
        Some(MediaProductType::Live)
    );
    assert!(live.paging.is_none());

    let top: ListResponse<Media> = load("instagram/apidata/hashtags/hashtag_top_medias_p1.json");
    assert_eq!(top.data.len(), 25);
    assert!(top.data.iter().any(|m| !m.children().is_empty()));
    let recent: ListResponse<Media> =
        load("instagram/apidata/hashtags/hashtag_recent_medias_p2.json");
    assert!(recent.paging.is_none());

    let story: Story = load("instagram/models/ig_story.json");
    assert_eq!(story.caption.as_deref(), Some("我怀疑是你"));
    assert_eq!(story.ig_id.as_deref(), Some("2420439378386778188"));
    assert!(story.extra.is_empty());
    let s2: ListResponse<Story> = load("instagram/apidata/stories/stories_fields_p2.json");
    assert!(s2.next_url().is_none() && s2.paging.as_ref().unwrap().previous.is_some());

    let tags: ListResponse<ProductTag> = load("instagram/apidata/medias/product_tags.json");
    let tag = &tags.data[0];
    assert_eq!(tag.product_id.as_deref(), Some("3231775643511089"));
    assert_eq!((tag.x, tag.is_checkout), (Some(0.5), Some(true)));
    assert!(tag.extra.is_empty());
}

#[test]
fn instagram_comments_and_hashtags() {
    let c: Comment = load("instagram/models/ig_comment.json");
    assert_eq!(c.id.as_str(), "17892250648466172");
    assert_eq!(c.like_count, Some(1));
    assert_eq!(c.hidden, Some(false));
    assert_eq!(c.media.as_ref().unwrap().id.as_str(), "17846368219941692");
    assert_eq!(c.user.as_ref().unwrap().id.as_str(), "17841406338772941");
    assert_eq!(c.replies().len(), 1);
    assert_eq!(c.replies()[0].text.as_deref(), Some("@ikroskun Nice"));
    assert!(c.extra.is_empty());

    let p1: ListResponse<Comment> = load("instagram/apidata/medias/comments_p1.json");
    assert!(p1.next_url().is_some());
    let p2: ListResponse<Comment> = load("instagram/apidata/medias/comments_p2.json");
    assert!(p2.paging.is_none());

    let h: Hashtag = load("instagram/apidata/hashtags/hashtag_info.json");
    assert_eq!(
        (h.id.as_str(), h.name.as_deref()),
        ("17843826142012701", Some("love"))
    );
    assert!(h.extra.is_empty());
    let hs: ByIds<Hashtag> = load("instagram/apidata/hashtags/hashtags_info.json");
    assert_eq!(hs["17841593698074073"].name.as_deref(), Some("coke"));
}

#[test]
fn instagram_insights() {
    let old: ListResponse<Insight> = load("instagram/apidata/users/user_insights.json");
    assert_eq!(old.data.len(), 3);
    assert_eq!(old.data[0].name, "impressions");
    assert_eq!(old.data[0].period, Some(InsightPeriod::Day));
    assert_eq!(old.data[0].values[1].as_u64(), Some(66));
    assert!(old.data[0].values[1].end_time_parsed().is_some());
    assert!(old.data[0].extra.is_empty());

    let new: ListResponse<Insight> = load("instagram/apidata/users/user_insights_new.json");
    let reach = &new.data[0];
    assert!(reach.values.is_empty());
    let total = reach.total_value.as_ref().unwrap();
    assert_eq!(total.as_u64(), Some(14_516_883));
    assert_eq!(
        total.breakdowns[0].dimension_keys,
        ["media_product_type", "follow_type"]
    );
    assert_eq!(total.breakdowns[0].results.len(), 14);
    assert_eq!(
        total.breakdowns[0].results[0].dimension_values,
        ["IGTV", "FOLLOWER"]
    );
    assert_eq!(total.breakdowns[0].results[0].as_u64(), Some(9));
    assert!(new.next_url().is_some());
    assert!(reach.extra.is_empty() && total.extra.is_empty());

    let media: ListResponse<Insight> = load("instagram/apidata/medias/insights_new.json");
    assert_eq!(media.data[0].period, Some(InsightPeriod::Lifetime));
    assert_eq!(media.data[0].number(), Some(11.0));
    assert!(media.data[0].values[0].end_time.is_none());
}

#[test]
fn instagram_publishing() {
    let c: Container = load("instagram/apidata/publish/container_info.json");
    assert_eq!(c.id.as_str(), "17966279578433554");
    assert_eq!(c.status_code, Some(ContainerStatus::Finished));
    assert!(c.status_code.as_ref().unwrap().is_terminal());
    assert!(c.status.as_deref().unwrap().starts_with("Finished"));
    assert!(c.extra.is_empty());

    let created: ContainerCreated = load("instagram/apidata/publish/create_photo.json");
    assert_eq!(created.id.as_str(), "17889455560051444");
    assert!(created.uri.is_none() && created.extra.is_empty());
    let published: MediaPublished = load("instagram/apidata/publish/publish_container.json");
    assert_eq!(published.id.as_str(), "17920238422030506");

    let limit: ListResponse<PublishingLimit> =
        load("instagram/apidata/users/content_publish_limit.json");
    let limit = &limit.data[0];
    assert_eq!(limit.quota_usage, Some(0));
    assert_eq!(limit.config.as_ref().unwrap().quota_total, Some(25));
    assert_eq!(limit.config.as_ref().unwrap().quota_duration, Some(86400));
    assert_eq!(limit.remaining(), Some(25));
    assert!(limit.extra.is_empty());
    let single: PublishingLimit = load("instagram/models/ig_publish_limit.json");
    assert_eq!(single.remaining(), Some(23));

    let catalogs: ListResponse<Catalog> = load("instagram/apidata/users/available_catalogs.json");
    assert_eq!(catalogs.data[0].product_count, Some(11));
    let products: ListResponse<CatalogProduct> =
        load("instagram/apidata/users/catalog_product_search.json");
    assert_eq!(products.data[0].product_variants.len(), 2);
    assert!(products.data[0].extra.is_empty());
}
