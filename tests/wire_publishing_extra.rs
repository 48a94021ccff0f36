//! Exact wire checks (wiremock) of the publishing options beyond the basic post: trial reels
//! (`trial_params` on a REELS container, refused elsewhere before any call) and collaboration
//! invites (`GET|POST /{ig-user-id}/collaboration_invites`).

use futures::TryStreamExt;
use instagraph::api::{
    ContainerRequest, GraduationStrategy, TrialParams, DEFAULT_COLLABORATION_INVITE_FIELDS,
};
use instagraph::publisher::Post;
use instagraph::{AccessToken, Client};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

mod wire_support;
use wire_support::{form, invalid_field, ok, query_with_token, silent_server, v, ExactQuery};

const TOKEN: &str = "EAAGpublishextratoken00WXYZ";
const IG: &str = "17841400000000001";
const MEDIA: &str = "18078920227752107";

fn client(server: &MockServer) -> Client {
    wire_support::client(server, 3)
}

fn query(list: &[(&str, &str)]) -> ExactQuery {
    query_with_token(TOKEN, list)
}

#[tokio::test]
async fn a_trial_reel_sends_trial_params_as_json() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .and(query(&[]))
        .and(form(&[
            ("media_type", "REELS"),
            ("video_url", "https://cdn.example.com/r.mp4"),
            (
                "trial_params",
                r#"{"graduation_strategy":"SS_PERFORMANCE"}"#,
            ),
        ]))
        .respond_with(ok(json!({"id": "17889455560051444"})))
        .expect(1)
        .mount(&server)
        .await;
    let token = AccessToken::new(TOKEN);
    let reel = ContainerRequest::reel("https://cdn.example.com/r.mp4")
        .trial_params(TrialParams::new(GraduationStrategy::SsPerformance));
    let created = client(&server)
        .facebook(&token)
        .ig_user(IG)
        .publishing()
        .create_container(&reel)
        .await
        .unwrap();
    assert_eq!(created.id.as_str(), "17889455560051444");
}

#[tokio::test]
async fn trial_params_are_refused_on_anything_but_a_reel_before_any_call() {
    let server = silent_server().await;
    let token = AccessToken::new(TOKEN);
    let client = client(&server);
    let publishing = client.facebook(&token).ig_user(IG).publishing();
    let manual = TrialParams::new(GraduationStrategy::Manual);
    for request in [
        ContainerRequest::image("https://cdn.example.com/a.jpg").trial_params(manual),
        ContainerRequest::story_video("https://cdn.example.com/s.mp4").trial_params(manual),
    ] {
        let (field, reason) =
            invalid_field(publishing.create_container(&request).await.unwrap_err());
        assert_eq!(field, "trial_params");
        assert!(reason.contains("reels only"), "{reason}");
    }
    // The publisher's post lowers to the same container, so the same rule refuses it.
    let post = Post::image("https://cdn.example.com/a.jpg").trial_params(manual);
    assert_eq!(
        invalid_field(post.validate().unwrap_err()).0,
        "trial_params"
    );
    Post::reel("https://cdn.example.com/r.mp4")
        .trial_params(manual)
        .validate()
        .unwrap();
}

#[test]
fn a_post_keeps_its_trial_params_through_json() {
    let post = Post::reel("https://cdn.example.com/r.mp4")
        .trial_params(TrialParams::new(GraduationStrategy::Manual));
    let json = serde_json::to_value(&post).unwrap();
    assert_eq!(
        json["trial_params"],
        json!({"graduation_strategy": "MANUAL"})
    );
    let back = Post::from_payload(&json).unwrap();
    assert_eq!(back, post);
    let bad = json!({"kind": "reel", "items": [{"kind": "video", "source": {"url": "https://cdn.example.com/r.mp4"}}],
        "trial_params": {"graduation_strategy": "SOMETIMES"}});
    assert_eq!(
        invalid_field(Post::from_payload(&bad).unwrap_err()).0,
        "payload"
    );
}

#[tokio::test]
async fn collaboration_invites_are_listed_with_every_documented_field() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v(&format!("{IG}/collaboration_invites"))))
        .and(query(&[
            ("fields", DEFAULT_COLLABORATION_INVITE_FIELDS),
            ("limit", "10"),
        ]))
        .respond_with(ok(json!({
            "data": [
                {"media_id": MEDIA, "media_owner_username": "katrina",
                 "caption": "Making memories", "media_url": "https://cdn.example.com/1.jpg"},
                {"media_id": 17938817952064413u64, "media_owner_username": "john", "new_field": 1}
            ],
            "paging": {"cursors": {"before": "QVFI", "after": "QVFJ"}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let token = AccessToken::new(TOKEN);
    let client = client(&server);
    let page = client
        .facebook(&token)
        .ig_user(IG)
        .collaboration_invites()
        .list()
        .limit(10)
        .send()
        .await
        .unwrap();
    let invites: Vec<_> = page.into_stream().try_collect().await.unwrap();
    assert_eq!(invites.len(), 2);
    assert_eq!(invites[0].media_id.as_deref(), Some(MEDIA));
    assert_eq!(invites[0].media_owner_username.as_deref(), Some("katrina"));
    assert_eq!(invites[1].media_id.as_deref(), Some("17938817952064413"));
    assert_eq!(invites[1].extra["new_field"], json!(1));
}

#[tokio::test]
async fn accepting_and_declining_post_media_id_and_accept() {
    let server = MockServer::start().await;
    for accept in ["true", "false"] {
        Mock::given(method("POST"))
            .and(path(v(&format!("{IG}/collaboration_invites"))))
            .and(query(&[]))
            .and(form(&[("media_id", MEDIA), ("accept", accept)]))
            .respond_with(ok(json!({"success": true})))
            .expect(1)
            .mount(&server)
            .await;
    }
    let token = AccessToken::new(TOKEN);
    let client = client(&server);
    let invites = client.facebook(&token).ig_user(IG).collaboration_invites();
    assert!(invites.accept(MEDIA).await.unwrap());
    assert!(invites.decline(MEDIA).send().await.unwrap());
}

#[tokio::test]
async fn a_bad_media_id_is_refused_before_any_call() {
    let server = silent_server().await;
    let token = AccessToken::new(TOKEN);
    let client = client(&server);
    let invites = client.facebook(&token).ig_user(IG).collaboration_invites();
    for bad in ["", "12/../34", "1 2"] {
        let (field, _) = invalid_field(invites.accept(bad).await.unwrap_err());
        assert_eq!(field, "media_id", "{bad:?}");
    }
}
