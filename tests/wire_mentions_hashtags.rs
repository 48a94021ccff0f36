//! Exact wire checks (wiremock) of mentions (the mentioned comment and media reads, replying to
//! a mention), the `tags` edge, and hashtags (search with the 30-per-7-days budget, the hashtag
//! node, `top_media` and `recent_media`); plus every check that refuses a call before any
//! request.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeZone, Utc};
use futures::TryStreamExt;
use instagraph::api::hashtags::DEFAULT_HASHTAG_MEDIA_FIELDS;
use instagraph::api::media::DEFAULT_TAGGED_MEDIA_FIELDS;
use instagraph::api::mentions::{DEFAULT_MENTIONED_COMMENT_FIELDS, DEFAULT_MENTIONED_MEDIA_FIELDS};
use instagraph::api::models::{Media, MediaType};
use instagraph::api::HashtagBudget;
use instagraph::{AccessToken, Client, CommentId, Error, ErrorClass, HashtagId, IgUserId, MediaId};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

mod wire_support;
use wire_support::{invalid_field, ok, proof, query_with_token, silent_server, v, ExactQuery};

const TOKEN: &str = "EAAGmentionstoken00QRST";
const IG: &str = "17841400000000001";
const MEDIA: &str = "17900000000000011";
const COMMENT: &str = "17870000000000021";
const HASHTAG: &str = "17843853986012965";

fn client(server: &MockServer) -> Client {
    wire_support::client(server, 2)
}

/// Exactly these query pairs plus `access_token` = `TOKEN` and its `appsecret_proof`.
fn query(list: &[(&str, &str)]) -> ExactQuery {
    query_with_token(TOKEN, list)
}

/// Matches a hashtag search for `user_id=IG` with any `q`, token and proof included.
struct AnySearch;

impl Match for AnySearch {
    fn matches(&self, request: &Request) -> bool {
        let got: Vec<(String, String)> = request
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let has = |k: &str, v: &str| got.iter().any(|(a, b)| a == k && b == v);
        got.len() == 4
            && has("user_id", IG)
            && has("access_token", TOKEN)
            && has("appsecret_proof", &proof(TOKEN))
            && got.iter().any(|(k, _)| k == "q")
    }
}

/// A budget on a clock the test moves.
fn budget_at(start: DateTime<Utc>) -> (HashtagBudget, Arc<Mutex<DateTime<Utc>>>) {
    let now = Arc::new(Mutex::new(start));
    let clock = now.clone();
    let budget = HashtagBudget::with_clock(Arc::new(move || *clock.lock().unwrap()));
    (budget, now)
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).unwrap()
}

#[tokio::test]
async fn mentioned_comment_reads_through_the_field_expansion() {
    let server = MockServer::start().await;
    assert_eq!(
        DEFAULT_MENTIONED_COMMENT_FIELDS,
        "id,text,timestamp,like_count,media{id}"
    );
    Mock::given(method("GET"))
        .and(path(v(IG)))
        .and(query(&[(
            "fields",
            &format!("mentioned_comment.comment_id({COMMENT}){{id,text,timestamp,like_count,media{{id}}}}"),
        )]))
        .respond_with(ok(json!({
            "mentioned_comment": {
                "id": COMMENT, "text": "@mybrand look!", "timestamp": "2026-04-01T08:00:00+0000",
                "like_count": 2, "media": {"id": MEDIA}
            },
            "id": IG
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v(IG)))
        .and(query(&[(
            "fields",
            &format!("mentioned_comment.comment_id({COMMENT}){{id,text}}"),
        )]))
        .respond_with(ok(json!({
            "mentioned_comment": {"id": COMMENT, "text": "@mybrand look!"}, "id": IG
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let fb = client.facebook(&token);
    let me = fb.ig_user(IgUserId::new(IG));
    let found = me
        .mentions()
        .comment(&CommentId::new(COMMENT))
        .send()
        .await
        .unwrap();
    assert_eq!(found.id, IgUserId::new(IG));
    assert_eq!(found.mentioned_comment.like_count, Some(2));
    assert_eq!(
        found.mentioned_comment.media.unwrap().id,
        MediaId::new(MEDIA)
    );
    let found = me
        .mentions()
        .comment(&CommentId::new(COMMENT))
        .fields(["id", "text"])
        .send()
        .await
        .unwrap();
    assert_eq!(
        found.mentioned_comment.text.as_deref(),
        Some("@mybrand look!")
    );
}

#[tokio::test]
async fn mentioned_media_reads_through_the_field_expansion() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v(IG)))
        .and(query(&[(
            "fields",
            &format!("mentioned_media.media_id({MEDIA}){{{DEFAULT_MENTIONED_MEDIA_FIELDS}}}"),
        )]))
        .respond_with(ok(json!({
            "mentioned_media": {
                "id": MEDIA, "caption": "with @mybrand", "media_type": "IMAGE",
                "username": "bob", "comments_count": "4"
            },
            "id": IG
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let found = client
        .facebook(&token)
        .ig_user(IgUserId::new(IG))
        .mentions()
        .media(&MediaId::new(MEDIA))
        .send()
        .await
        .unwrap();
    assert_eq!(found.mentioned_media.media_type, Some(MediaType::Image));
    assert_eq!(found.mentioned_media.comments_count, Some(4));
}

#[tokio::test]
async fn replying_to_a_mention_posts_media_comment_and_message() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/mentions"))))
        .and(query(&[
            ("media_id", MEDIA),
            ("comment_id", COMMENT),
            ("message", "Thanks for the mention!"),
        ]))
        .respond_with(ok(json!({"id": "17870000000000500"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/mentions"))))
        .and(query(&[
            ("media_id", MEDIA),
            ("message", "Thanks for the tag!"),
        ]))
        .respond_with(ok(json!({"id": "17870000000000501"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let fb = client.facebook(&token);
    let me = fb.ig_user(IgUserId::new(IG));
    let media = MediaId::new(MEDIA);
    let id = me
        .mentions()
        .reply(
            &media,
            Some(&CommentId::new(COMMENT)),
            "Thanks for the mention!",
        )
        .await
        .unwrap();
    assert_eq!(id.as_str(), "17870000000000500");
    let id = me
        .mentions()
        .reply(&media, None, "Thanks for the tag!")
        .await
        .unwrap();
    assert_eq!(id.as_str(), "17870000000000501");
}

#[tokio::test]
async fn mention_calls_are_checked_before_any_request() {
    let server = silent_server().await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let fb = client.facebook(&token);
    let me = fb.ig_user(IgUserId::new(IG));
    // An id that would rewrite the field expression.
    let sneaky = CommentId::new("1){id},mentioned_media.media_id(2");
    let err = me.mentions().comment(&sneaky).send().await.unwrap_err();
    assert_eq!(invalid_field(err).0, "comment_id");
    let err = me
        .mentions()
        .media(&MediaId::new(""))
        .send()
        .await
        .unwrap_err();
    assert_eq!(invalid_field(err).0, "media_id");
    let err = me
        .mentions()
        .comment(&CommentId::new(COMMENT))
        .fields(["id}", "text"])
        .send()
        .await
        .unwrap_err();
    assert_eq!(invalid_field(err).0, "fields");
    let err = me
        .mentions()
        .reply(&MediaId::new(MEDIA), None, "")
        .await
        .unwrap_err();
    assert_eq!(invalid_field(err).0, "message");
    let err = me
        .mentions()
        .reply(&MediaId::new(MEDIA), Some(&CommentId::new("a b")), "hi")
        .await
        .unwrap_err();
    assert_eq!(invalid_field(err).0, "comment_id");
    let long = "x".repeat(2201);
    let err = me
        .mentions()
        .reply(&MediaId::new(MEDIA), None, &long)
        .await
        .unwrap_err();
    assert_eq!(invalid_field(err).0, "message");
}

#[tokio::test]
async fn the_tags_edge_pins_default_fields_and_streams_pages() {
    let server = MockServer::start().await;
    assert_eq!(
        DEFAULT_TAGGED_MEDIA_FIELDS,
        "id,caption,media_type,media_url,permalink,timestamp,username,like_count,comments_count"
    );
    let next = format!(
        "{}{}?fields=id&after=T2&access_token={TOKEN}",
        server.uri(),
        v(&format!("{IG}/tags"))
    );
    Mock::given(method("GET"))
        .and(path(v(&format!("{IG}/tags"))))
        .and(query(&[("fields", DEFAULT_TAGGED_MEDIA_FIELDS)]))
        .respond_with(ok(json!({
            "data": [{"id": "t1", "username": "bob"}],
            "paging": {"cursors": {"after": "T2"}, "next": next}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v(&format!("{IG}/tags"))))
        .and(query(&[("fields", "id"), ("after", "T2")]))
        .respond_with(ok(
            json!({"data": [{"id": "t2"}], "paging": {"cursors": {"after": "T3"}}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let all: Vec<Media> = client
        .facebook(&token)
        .ig_user(IgUserId::new(IG))
        .media()
        .tagged()
        .send()
        .await
        .unwrap()
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = all.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["t1", "t2"]);
}

#[tokio::test]
async fn hashtag_search_pins_user_and_query_and_returns_the_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v("ig_hashtag_search")))
        .and(query(&[("user_id", IG), ("q", "coffee")]))
        .respond_with(ok(json!({"data": [{"id": HASHTAG}]})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let budget = HashtagBudget::new();
    let me = IgUserId::new(IG);
    let id = client
        .facebook(&token)
        .ig_user(me.clone())
        .hashtags()
        .search("coffee", &budget)
        .await
        .unwrap();
    assert_eq!(id, HashtagId::new(HASHTAG));
    assert_eq!(budget.used(&me), 1);
    assert!(budget.is_counted(&me, "COFFEE"));
}

#[tokio::test]
async fn the_thirty_first_new_hashtag_is_refused_without_a_request_repeats_are_free() {
    let server = MockServer::start().await;
    // 30 new hashtags, then one repeat: 31 requests; the refused one never arrives.
    Mock::given(method("GET"))
        .and(path(v("ig_hashtag_search")))
        .and(AnySearch)
        .respond_with(ok(json!({"data": [{"id": HASHTAG}]})))
        .expect(31)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let (budget, now) = budget_at(t0());
    let me = IgUserId::new(IG);
    let fb = client.facebook(&token);
    let user = fb.ig_user(me.clone());
    for i in 0..30 {
        user.hashtags()
            .search(&format!("tag{i}"), &budget)
            .await
            .unwrap();
        *now.lock().unwrap() += chrono::Duration::hours(1);
    }
    assert_eq!(budget.remaining(&me), 0);
    let err = user.hashtags().search("tag30", &budget).await.unwrap_err();
    assert_eq!(err.class(), ErrorClass::QuotaExceeded);
    let shown = err.to_string();
    assert!(shown.contains("30 of 30"), "{shown}");
    assert!(shown.contains(IG), "{shown}");
    match err {
        Error::HashtagBudgetExceeded { frees_at, .. } => {
            assert_eq!(frees_at, t0() + chrono::Duration::days(7));
        }
        other => panic!("expected HashtagBudgetExceeded, got {other:?}"),
    }
    // A hashtag already counted costs nothing (whatever its case).
    user.hashtags().search("Tag3", &budget).await.unwrap();
    assert_eq!(budget.used(&me), 30);
    // A clone of the client with a clone of the budget sees the same count.
    let other_client = client.clone();
    let fb2 = other_client.facebook(&token);
    let err = fb2
        .ig_user(me.clone())
        .hashtags()
        .search("tag31", &budget.clone())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::HashtagBudgetExceeded { .. }));
}

#[tokio::test]
async fn the_budget_window_slides_and_frees_the_oldest_slot() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v("ig_hashtag_search")))
        .and(AnySearch)
        .respond_with(ok(json!({"data": [{"id": HASHTAG}]})))
        .expect(31)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let (budget, now) = budget_at(t0());
    let me = IgUserId::new(IG);
    let fb = client.facebook(&token);
    let user = fb.ig_user(me.clone());
    user.hashtags().search("first", &budget).await.unwrap();
    *now.lock().unwrap() = t0() + chrono::Duration::days(2);
    for i in 0..29 {
        user.hashtags()
            .search(&format!("t{i}"), &budget)
            .await
            .unwrap();
    }
    *now.lock().unwrap() = t0() + chrono::Duration::days(7) - chrono::Duration::seconds(1);
    assert!(user.hashtags().search("late", &budget).await.is_err());
    *now.lock().unwrap() = t0() + chrono::Duration::days(7);
    user.hashtags().search("late", &budget).await.unwrap();
    assert!(user.hashtags().search("later", &budget).await.is_err());
}

#[tokio::test]
async fn a_failed_or_empty_search_gives_the_slot_back() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v("ig_hashtag_search")))
        .and(query(&[("user_id", IG), ("q", "nosuchtag")]))
        .respond_with(ok(json!({"data": []})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v("ig_hashtag_search")))
        .and(query(&[("user_id", IG), ("q", "blocked")]))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "message": "Invalid parameter", "type": "OAuthException", "code": 100,
            "error_subcode": 2207024, "fbtrace_id": "H1"
        }})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let budget = HashtagBudget::new();
    let me = IgUserId::new(IG);
    let fb = client.facebook(&token);
    let user = fb.ig_user(me.clone());
    let err = user
        .hashtags()
        .search("nosuchtag", &budget)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotFound { what: "hashtag", id } if id == "nosuchtag"),
        "{err:?}"
    );
    let err = user
        .hashtags()
        .search("blocked", &budget)
        .await
        .unwrap_err();
    assert_eq!(err.graph().unwrap().code, 100);
    assert_eq!(budget.used(&me), 0);
}

#[tokio::test]
async fn hashtag_queries_are_checked_before_any_request_and_cost_nothing() {
    let server = silent_server().await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let budget = HashtagBudget::new();
    let me = IgUserId::new(IG);
    let fb = client.facebook(&token);
    let user = fb.ig_user(me.clone());
    for bad in ["", "#coffee", "cold brew", "a\u{0}b"] {
        let err = user.hashtags().search(bad, &budget).await.unwrap_err();
        assert_eq!(invalid_field(err).0, "q", "{bad:?}");
    }
    assert_eq!(budget.used(&me), 0);
    let hashtag = fb.hashtag(HashtagId::new(HASHTAG));
    let err = hashtag.top_media(&me).limit(51).send().await.unwrap_err();
    let (field, reason) = invalid_field(err);
    assert_eq!(field, "limit");
    assert!(reason.contains("50"), "{reason}");
    let err = hashtag.recent_media(&me).limit(0).send().await.unwrap_err();
    assert_eq!(invalid_field(err).0, "limit");
    let err = hashtag.get_fields(Vec::<String>::new()).await.unwrap_err();
    assert_eq!(invalid_field(err).0, "fields");
}

#[tokio::test]
async fn hashtag_node_and_media_edges_pin_user_id_and_fields() {
    let server = MockServer::start().await;
    assert_eq!(
        DEFAULT_HASHTAG_MEDIA_FIELDS,
        "id,caption,media_type,media_url,permalink,timestamp,like_count,comments_count"
    );
    Mock::given(method("GET"))
        .and(path(v(HASHTAG)))
        .and(query(&[("fields", "id,name")]))
        .respond_with(ok(json!({"id": HASHTAG, "name": "coffee"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v(&format!("{HASHTAG}/top_media"))))
        .and(query(&[
            ("user_id", IG),
            ("fields", DEFAULT_HASHTAG_MEDIA_FIELDS),
            ("limit", "50"),
        ]))
        .respond_with(ok(json!({
            "data": [{"id": "h1", "media_type": "CAROUSEL_ALBUM", "like_count": 10}],
            "paging": {"cursors": {"after": "X"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v(&format!("{HASHTAG}/recent_media"))))
        .and(query(&[
            ("user_id", IG),
            ("fields", "id,timestamp"),
            ("after", "Y"),
        ]))
        .respond_with(ok(
            json!({"data": [{"id": "h2", "timestamp": "2026-05-01T10:00:00+0000"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let fb = client.instagram(&token);
    let me = IgUserId::new(IG);
    let hashtag = fb.hashtag(HashtagId::new(HASHTAG));
    assert_eq!(hashtag.get().await.unwrap().name.as_deref(), Some("coffee"));
    let top = hashtag.top_media(&me).limit(50).send().await.unwrap();
    assert_eq!(top.items[0].media_type, Some(MediaType::CarouselAlbum));
    assert!(!top.has_next());
    let recent = hashtag
        .recent_media(&me)
        .fields(["id", "timestamp"])
        .after("Y")
        .send()
        .await
        .unwrap();
    assert_eq!(recent.items[0].id.as_str(), "h2");
}
