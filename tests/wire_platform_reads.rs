//! Exact wire checks (wiremock) of the platform reads around an account: business discovery
//! (the nested field expression, media paging, the unknown-user error), and the checks refused
//! before any call.

use instagraph::api::business_discovery::{
    DEFAULT_BUSINESS_DISCOVERY_FIELDS, DEFAULT_BUSINESS_DISCOVERY_MEDIA_FIELDS,
};
use instagraph::{Error, IgUserId};
use serde_json::json;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod wire_support;
use wire_support::{ok, query_with_token, v, ExactQuery};

const TOKEN: &str = "EAAtestusertoken0000WXYZ";
const ME: &str = "17841405309211844";

fn query(pairs: &[(&str, &str)]) -> ExactQuery {
    query_with_token(TOKEN, pairs)
}

fn token() -> instagraph::AccessToken {
    instagraph::AccessToken::new(TOKEN)
}

#[tokio::test]
async fn business_discovery_sends_the_nested_expression_and_reads_the_media_cursor() {
    let server = MockServer::start().await;
    let expected = format!(
        "business_discovery.username(bluebottle){{{DEFAULT_BUSINESS_DISCOVERY_FIELDS},media{{{DEFAULT_BUSINESS_DISCOVERY_MEDIA_FIELDS}}}}}"
    );
    Mock::given(method("GET"))
        .and(path(v(ME)))
        .and(query(&[("fields", expected.as_str())]))
        .respond_with(ok(json!({
            "business_discovery": {
                "id": "17841401441775531",
                "username": "bluebottle",
                "followers_count": 267793,
                "media_count": 1205,
                "media": {
                    "data": [
                        {"id": "17858843269216389", "like_count": 1097, "comments_count": 20},
                    ],
                    "paging": {"cursors": {"before": "QVFIUkJ", "after": "QVFIUmx1WTBpMGpRQ0"}}
                }
            },
            "id": ME
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = wire_support::client(&server, 2);
    let token = token();
    let found = client
        .facebook(&token)
        .ig_user(IgUserId::new(ME))
        .business_discovery("bluebottle")
        .send()
        .await
        .unwrap();
    assert_eq!(found.id.as_str(), ME);
    let account = &found.business_discovery;
    assert_eq!(account.id.as_str(), "17841401441775531");
    assert_eq!(
        (account.followers_count, account.media_count),
        (Some(267793), Some(1205))
    );
    assert_eq!(
        account.media.as_ref().unwrap().data[0].like_count,
        Some(1097)
    );
    assert_eq!(found.next_media_cursor(), Some("QVFIUmx1WTBpMGpRQ0"));
}

#[tokio::test]
async fn business_discovery_pages_media_with_after_and_limit() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v(ME)))
        .and(query(&[(
            "fields",
            "business_discovery.username(bluebottle){followers_count,media.after(QVFIUmx1WTBpMGpRQ0).limit(5){id,like_count}}",
        )]))
        .respond_with(ok(json!({
            "business_discovery": {"id": "17841401441775531", "followers_count": 3, "media": {"data": []}},
            "id": ME
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = wire_support::client(&server, 2);
    let token = token();
    let found = client
        .facebook(&token)
        .ig_user(IgUserId::new(ME))
        .business_discovery("bluebottle")
        .fields(["followers_count"])
        .media_fields(["id", "like_count"])
        .media_after("QVFIUmx1WTBpMGpRQ0")
        .media_limit(5)
        .send()
        .await
        .unwrap();
    // An empty page ends the paging, whatever cursor it might carry.
    assert_eq!(found.next_media_cursor(), None);
}

#[tokio::test]
async fn business_discovery_without_media_and_an_unknown_user_is_not_found() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v(ME)))
        .and(query(&[(
            "fields",
            "business_discovery.username(nobody.here){id,username}",
        )]))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": {
                "message": "Invalid user id",
                "type": "OAuthException",
                "code": 110,
                "error_subcode": 2207013,
                "is_transient": false,
                "error_user_title": "Cannot find User",
                "error_user_msg": "The user with username: nobody.here cannot be found.",
                "fbtrace_id": "AbC"
            }
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = wire_support::client(&server, 2);
    let token = token();
    let err = client
        .facebook(&token)
        .ig_user(IgUserId::new(ME))
        .business_discovery("nobody.here")
        .fields(["id", "username"])
        .without_media()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotFound { what: "professional account", id } if id == "nobody.here"),
        "{err:?}"
    );
}

#[tokio::test]
async fn business_discovery_refuses_bad_arguments_before_any_call() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ok(json!({})))
        .expect(0)
        .mount(&server)
        .await;
    let client = wire_support::client(&server, 2);
    let token = token();
    let fb = client.facebook(&token);
    let me = fb.ig_user(IgUserId::new(ME));
    let field = |e: Error| match e {
        Error::InvalidInput { field, .. } => field,
        other => panic!("expected InvalidInput, got {other:?}"),
    };
    let long = "x".repeat(31);
    for (username, expected) in [
        ("", "username"),
        ("@blue", "username"),
        (long.as_str(), "username"),
        ("a){id}", "username"),
    ] {
        let e = me.business_discovery(username).send().await.unwrap_err();
        assert_eq!(field(e), expected, "{username:?}");
    }
    let e = me
        .business_discovery("blue")
        .media_limit(0)
        .send()
        .await
        .unwrap_err();
    assert_eq!(field(e), "media_limit");
    let e = me
        .business_discovery("blue")
        .media_after("abc){x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(field(e), "media_after");
    let e = me
        .business_discovery("blue")
        .media_after("a")
        .media_before("b")
        .send()
        .await
        .unwrap_err();
    assert_eq!(field(e), "media_after");
    let e = me
        .business_discovery("blue")
        .fields(Vec::<String>::new())
        .send()
        .await
        .unwrap_err();
    assert_eq!(field(e), "fields");
    let e = me
        .business_discovery("blue")
        .media_fields([" "])
        .send()
        .await
        .unwrap_err();
    assert_eq!(field(e), "media_fields");
    // Instagram Login has no business discovery.
    let e = client
        .instagram(&token)
        .ig_user(IgUserId::new(ME))
        .business_discovery("blue")
        .send()
        .await
        .unwrap_err();
    assert_eq!(field(e), "business_discovery");
}

#[tokio::test]
async fn recently_searched_hashtags_seed_the_budget_and_nameless_ones_are_read() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v(&format!("{ME}/recently_searched_hashtags"))))
        .and(query(&[("fields", "id,name"), ("limit", "30")]))
        .respond_with(ok(json!({"data": [
            {"id": "17843853986012965", "name": "Coffee"},
            {"id": "17841562426109234"}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v("17841562426109234")))
        .and(query(&[("fields", "id,name")]))
        .respond_with(ok(json!({"id": "17841562426109234", "name": "latteart"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = wire_support::client(&server, 2);
    let token = token();
    let budget = instagraph::api::HashtagBudget::new();
    let me = IgUserId::new(ME);
    let counted = client
        .facebook(&token)
        .ig_user(me.clone())
        .hashtags()
        .seed_budget(&budget)
        .await
        .unwrap();
    assert_eq!(counted, 2);
    assert!(budget.is_counted(&me, "coffee") && budget.is_counted(&me, "LatteArt"));
    assert_eq!(budget.remaining(&me), 28);
}

#[tokio::test]
async fn recently_searched_hashtags_refuse_a_limit_over_thirty() {
    let server = wire_support::silent_server().await;
    let client = wire_support::client(&server, 2);
    let token = token();
    let e = client
        .facebook(&token)
        .ig_user(IgUserId::new(ME))
        .hashtags()
        .recently_searched()
        .limit(31)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::InvalidInput { field: "limit", .. }),
        "{e:?}"
    );
}

#[tokio::test]
async fn live_media_asks_the_live_fields_and_decodes_a_broadcast() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v(&format!("{ME}/live_media"))))
        .and(query(&[(
            "fields",
            instagraph::api::media::DEFAULT_LIVE_MEDIA_FIELDS,
        )]))
        .respond_with(ok(json!({"data": [{
            "id": "90010778325754", "media_type": "BROADCAST", "media_product_type": "LIVE",
            "owner": {"id": ME}, "username": "bluebottle"
        }]})))
        .expect(1)
        .mount(&server)
        .await;
    let client = wire_support::client(&server, 2);
    let token = token();
    let page = client
        .facebook(&token)
        .ig_user(IgUserId::new(ME))
        .media()
        .live()
        .send()
        .await
        .unwrap();
    let live = &page.items[0];
    assert_eq!(
        live.media_type,
        Some(instagraph::api::models::MediaType::Broadcast)
    );
    assert_eq!(
        live.media_product_type,
        Some(instagraph::api::models::MediaProductType::Live)
    );
}

#[tokio::test]
async fn oembed_sends_the_app_token_and_the_options() {
    let server = MockServer::start().await;
    let url = "https://www.instagram.com/p/fA9uwTtkSN/";
    Mock::given(method("GET"))
        .and(path(v("instagram_oembed")))
        .and(query_with_token(
            &format!("123|{}", wire_support::SECRET),
            &[
                ("url", url),
                ("maxwidth", "400"),
                ("omitscript", "true"),
                ("hidecaption", "true"),
            ],
        ))
        .respond_with(ok(json!({
            "version": "1.0", "provider_name": "Instagram",
            "provider_url": "https://www.instagram.com/", "type": "rich", "width": 400,
            "height": null, "html": "<blockquote class=\"instagram-media\"></blockquote>"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = wire_support::client(&server, 2);
    let embed = client
        .oembed(url)
        .max_width(400)
        .omit_script(true)
        .hide_caption(true)
        .send()
        .await
        .unwrap();
    assert!(embed.html.starts_with("<blockquote"));
    assert_eq!((embed.width, embed.height), (Some(400), None));
    assert_eq!(embed.kind.as_deref(), Some("rich"));
    assert_eq!(embed.author_name, None, "no longer sent since 2025-11-03");
}

#[tokio::test]
async fn oembed_refuses_what_it_cannot_embed_before_any_call() {
    let server = wire_support::silent_server().await;
    let client = wire_support::client(&server, 2);
    for (url, width, field) in [
        ("not a url", None, "url"),
        ("ftp://www.instagram.com/p/abc/", None, "url"),
        ("https://example.com/p/abc/", None, "url"),
        ("https://www.instagram.com/bluebottle/", None, "url"),
        ("https://www.instagram.com/p/", None, "url"),
        ("https://www.instagram.com/p/abc/", Some(319), "max_width"),
        (
            "https://www.instagram.com/reel/abc/",
            Some(659),
            "max_width",
        ),
    ] {
        let mut req = client.oembed(url);
        if let Some(w) = width {
            req = req.max_width(w);
        }
        let e = req.send().await.unwrap_err();
        assert!(
            matches!(&e, Error::InvalidInput { field: f, .. } if *f == field),
            "{url} {width:?}: {e:?}"
        );
    }
    let no_secret = instagraph::Client::builder()
        .app_id("123")
        .hosts(instagraph::Hosts::uniform(&server.uri()))
        .build()
        .unwrap();
    let e = no_secret
        .oembed("https://www.instagram.com/p/abc/")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Config {
                field: "app_secret",
                ..
            }
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn media_insights_take_the_metrics_added_since_2025() {
    use instagraph::api::insights::{MediaInsightKind, Metric};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v("1790001/insights")))
        .and(query(&[(
            "metric",
            "reposts,reels_skip_rate,crossposted_views,facebook_views,total_views",
        )]))
        .respond_with(ok(json!({"data": [
            {"name": "reposts", "period": "lifetime", "values": [{"value": 4}]},
            {"name": "reels_skip_rate", "period": "lifetime", "values": [{"value": 37.25}]},
            {"name": "crossposted_views", "period": "lifetime", "values": [{"value": 900}]},
            {"name": "facebook_views", "period": "lifetime", "values": [{"value": 250}]},
            {"name": "total_views", "period": "lifetime", "values": [{"value": 1200}]}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let client = wire_support::client(&server, 2);
    let token = token();
    let fb = client.facebook(&token);
    let reel = fb
        .media_insights("1790001", MediaInsightKind::Reel)
        .metrics([
            Metric::Reposts,
            Metric::ReelsSkipRate,
            Metric::CrosspostedViews,
            Metric::FacebookViews,
            Metric::TotalViews,
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(reel.number(&Metric::ReelsSkipRate), Some(37.25));
    assert_eq!(reel.number(&Metric::Reposts), Some(4.0));
    // Names read back as the typed variants, not `Other`.
    assert_eq!(
        Metric::parse("reels_skip_rate").unwrap(),
        Metric::ReelsSkipRate
    );
    assert_eq!(
        Metric::parse("crossposted_views").unwrap(),
        Metric::CrosspostedViews
    );
    // A feed post has no skip rate; a story no reposts; Instagram Login no total_* metrics.
    for (kind, metric) in [
        (MediaInsightKind::Feed, Metric::ReelsSkipRate),
        (MediaInsightKind::Feed, Metric::FacebookViews),
        (MediaInsightKind::Story, Metric::Reposts),
    ] {
        let e = fb
            .media_insights("1790001", kind)
            .metrics([metric.clone()])
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(
                e,
                Error::InvalidInput {
                    field: "metric",
                    ..
                }
            ),
            "{metric}: {e:?}"
        );
    }
    let e = client
        .instagram(&token)
        .media_insights("1790001", MediaInsightKind::Reel)
        .metrics([Metric::TotalLikes])
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::InvalidInput {
                field: "metric",
                ..
            }
        ),
        "{e:?}"
    );
}
