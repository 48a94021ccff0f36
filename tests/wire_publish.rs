//! Exact wire checks (wiremock) of the publishing building blocks: container creation (form
//! body), container status, `media_publish` (never retried), the publishing quota, the
//! `publish_image` chain. The checks that refuse a post before any request are in
//! wire_publish_checks.rs.

use std::time::Duration;

use instagraph::api::models::ContainerStatus;
use instagraph::api::{publish_image, ContainerRequest, UserTag, WaitOptions};
use instagraph::{AccessToken, Client, ContainerId, ErrorClass, IgUserId, MediaId};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod wire_support;
use wire_support::{form, ok, query_with_token, v, ExactQuery};

const TOKEN: &str = "IGQVJtestpagetoken00ABCD";
const IG: &str = "17841400000000001";

fn client(server: &MockServer) -> Client {
    wire_support::client(server, 3)
}

/// Exactly these query pairs plus `access_token` = `TOKEN` and its `appsecret_proof`.
fn query(list: &[(&str, &str)]) -> ExactQuery {
    query_with_token(TOKEN, list)
}

fn graph_error(status: u16, code: i64, subcode: Option<i64>, message: &str) -> ResponseTemplate {
    let mut error = json!({
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "AxYz987",
    });
    if let Some(s) = subcode {
        error["error_subcode"] = json!(s);
        error["error_user_title"] = json!("Media not ready");
        error["error_user_msg"] = json!("The media is not ready to be published.");
        error["is_transient"] = json!(false);
    }
    ResponseTemplate::new(status).set_body_json(json!({ "error": error }))
}

fn fast_wait(timeout_ms: u64) -> WaitOptions {
    WaitOptions {
        timeout: Duration::from_millis(timeout_ms),
        initial_interval: Duration::from_millis(5),
        max_interval: Duration::from_millis(20),
        factor: 1.5,
    }
}

#[tokio::test]
async fn create_image_sends_every_parameter_as_form_fields() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .and(query(&[]))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(form(&[
            ("image_url", "https://cdn.example.com/a.jpg"),
            ("caption", "Fresh #coffee with @barista & friends"),
            ("alt_text", "A cup of coffee"),
            ("location_id", "7640348500"),
            (
                "user_tags",
                r#"[{"username":"barista","x":0.5,"y":0.25},{"username":"guest","x":0.0,"y":1.0}]"#,
            ),
            ("collaborators", r#"["friend1","friend2"]"#),
        ]))
        .respond_with(ok(json!({"id": "17889455560051444"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let image = ContainerRequest::image("https://cdn.example.com/a.jpg")
        .caption("Fresh #coffee with @barista & friends")
        .alt_text("A cup of coffee")
        .location_id("7640348500")
        .user_tag(UserTag::new("barista", 0.5, 0.25))
        .user_tag(UserTag::new("guest", 0.0, 1.0))
        .collaborator("friend1")
        .collaborator("friend2");
    let id = client
        .facebook(&token)
        .ig_user(IG)
        .publishing()
        .create_container(&image)
        .await
        .unwrap()
        .id;
    assert_eq!(id, ContainerId::new("17889455560051444"));
}

#[tokio::test]
async fn create_carousel_item_sends_the_flag_and_nothing_else() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .and(query(&[]))
        .and(form(&[
            ("image_url", "http://cdn.example.com/b.jpg"),
            ("is_carousel_item", "true"),
        ]))
        .respond_with(ok(json!({"id": 17889455560051445u64})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let image = ContainerRequest::image_item("http://cdn.example.com/b.jpg");
    let id = client
        .instagram(&token)
        .ig_user(IgUserId::new(IG))
        .publishing()
        .create_container(&image)
        .await
        .unwrap()
        .id;
    assert_eq!(id.as_str(), "17889455560051445");
}

#[tokio::test]
async fn create_is_not_retried_after_a_server_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .respond_with(graph_error(
            500,
            2,
            None,
            "An unexpected error has occurred.",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let err = client
        .facebook(&token)
        .ig_user(IG)
        .publishing()
        .create_container(&ContainerRequest::image("https://cdn.example.com/a.jpg"))
        .await
        .unwrap_err();
    assert_eq!(err.class(), ErrorClass::Transient);
    assert_eq!(
        err.context().unwrap().media_url.as_deref(),
        Some("https://cdn.example.com/a.jpg")
    );
}

#[tokio::test]
async fn container_status_pins_its_fields_and_decodes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v("17889455560051444")))
        .and(query(&[("fields", "id,status,status_code")]))
        .respond_with(ok(json!({
            "id": "17889455560051444", "status": "Finished: Media has been uploaded and it is ready to be published.", "status_code": "FINISHED"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let c = client
        .facebook(&token)
        .container("17889455560051444")
        .status()
        .await
        .unwrap();
    assert_eq!(c.status_code, Some(ContainerStatus::Finished));
    assert!(c.status.unwrap().starts_with("Finished"));
}

#[tokio::test]
async fn media_publish_pins_creation_id_and_is_sent_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media_publish"))))
        .and(query(&[("creation_id", "17889455560051444")]))
        .and(form(&[]))
        .respond_with(ok(json!({"id": "17920238422030506"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let id = client
        .facebook(&token)
        .ig_user(IG)
        .publishing()
        .publish(&ContainerId::new("17889455560051444"))
        .await
        .unwrap();
    assert_eq!(id, MediaId::new("17920238422030506"));
}

#[tokio::test]
async fn media_publish_not_ready_is_decoded_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media_publish"))))
        .and(query(&[("creation_id", "17889455560051444")]))
        .respond_with(graph_error(
            400,
            9007,
            Some(2207027),
            "Media ID is not available",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let err = client
        .facebook(&token)
        .ig_user(IG)
        .publishing()
        .publish(&ContainerId::new("17889455560051444"))
        .await
        .unwrap_err();
    assert_eq!(err.class(), ErrorClass::NotReady);
    let g = err.graph().unwrap();
    assert_eq!((g.code, g.error_subcode), (9007, Some(2207027)));
    assert_eq!(g.fbtrace_id.as_deref(), Some("AxYz987"));
    assert_eq!(g.error_user_title.as_deref(), Some("Media not ready"));
    assert_eq!(g.is_transient, Some(false));
    let ctx = err.context().unwrap();
    assert_eq!(ctx.method, "POST");
    assert_eq!(ctx.container_id.as_deref(), Some("17889455560051444"));
    assert_eq!(ctx.attempts, 1);
}

#[tokio::test]
async fn media_publish_is_not_retried_even_on_a_transient_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media_publish"))))
        .respond_with(graph_error(503, 1, None, "An unknown error occurred"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let err = client
        .facebook(&token)
        .ig_user(IG)
        .publishing()
        .publish(&ContainerId::new("1"))
        .await
        .unwrap_err();
    assert_eq!(err.class(), ErrorClass::Transient);
}

#[tokio::test]
async fn publishing_limit_reads_the_first_item_or_zero() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(v(&format!("{IG}/content_publishing_limit"))))
        .and(query(&[("fields", "quota_usage,config")]))
        .respond_with(ok(json!({"data": [{"quota_usage": 2, "config": {"quota_total": 50, "quota_duration": 86400}}]})))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(v(&format!("{IG}/content_publishing_limit"))))
        .and(query(&[("fields", "quota_usage,config")]))
        .respond_with(ok(json!({"data": []})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let user = client.facebook(&token).ig_user(IG);
    let limit = user.publishing().limit().await.unwrap();
    assert_eq!(limit.quota_usage, Some(2));
    let config = limit.config.as_ref().unwrap();
    assert_eq!(
        (config.quota_total, config.quota_duration),
        (Some(50), Some(86400))
    );
    assert_eq!(limit.remaining(), Some(48));
    let empty = user.publishing().limit().await.unwrap();
    assert_eq!(empty.quota_usage, Some(0));
    assert!(empty.config.is_none());
}

/// Mounts the container creation answering `container`.
async fn mount_create(server: &MockServer, container: &str) {
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media"))))
        .and(query(&[]))
        .and(form(&[
            ("image_url", "https://cdn.example.com/a.jpg"),
            ("caption", "Hello"),
        ]))
        .respond_with(ok(json!({ "id": container })))
        .expect(1)
        .mount(server)
        .await;
}

/// Mounts `n` IN_PROGRESS answers for `container`, then `last` for good.
async fn mount_status(server: &MockServer, container: &str, n: u64, last: serde_json::Value) {
    if n > 0 {
        Mock::given(method("GET"))
            .and(path(v(container)))
            .and(query(&[("fields", "id,status,status_code")]))
            .respond_with(ok(
                json!({"id": container, "status_code": "IN_PROGRESS", "status": "In Progress"}),
            ))
            .up_to_n_times(n)
            .expect(n)
            .mount(server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(v(container)))
        .and(query(&[("fields", "id,status,status_code")]))
        .respond_with(ok(last))
        .mount(server)
        .await;
}

async fn mount_publish(server: &MockServer, container: &str, times: u64) {
    Mock::given(method("POST"))
        .and(path(v(&format!("{IG}/media_publish"))))
        .and(query(&[("creation_id", container)]))
        .respond_with(ok(json!({"id": "17920238422030506"})))
        .expect(times)
        .mount(server)
        .await;
}

#[tokio::test]
async fn publish_image_creates_waits_publishes_and_reads_the_permalink() {
    let server = MockServer::start().await;
    mount_create(&server, "500").await;
    mount_status(
        &server,
        "500",
        3,
        json!({"id": "500", "status_code": "FINISHED"}),
    )
    .await;
    mount_publish(&server, "500", 1).await;
    Mock::given(method("GET"))
        .and(path(v("17920238422030506")))
        .and(query(&[("fields", "permalink")]))
        .respond_with(ok(
            json!({"id": "17920238422030506", "permalink": "https://www.instagram.com/p/XyZ/"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let published = publish_image(
        client.facebook(&token).graph(),
        &IgUserId::new(IG),
        ContainerRequest::image("https://cdn.example.com/a.jpg").caption("Hello"),
        fast_wait(5_000),
    )
    .await
    .unwrap();
    assert_eq!(published.container_id, ContainerId::new("500"));
    assert_eq!(published.media_id, MediaId::new("17920238422030506"));
    assert_eq!(
        published.permalink.as_deref(),
        Some("https://www.instagram.com/p/XyZ/")
    );
}

#[tokio::test]
async fn publish_image_keeps_the_post_when_the_permalink_read_fails() {
    let server = MockServer::start().await;
    mount_create(&server, "501").await;
    mount_status(
        &server,
        "501",
        0,
        json!({"id": "501", "status_code": "FINISHED"}),
    )
    .await;
    mount_publish(&server, "501", 1).await;
    Mock::given(method("GET"))
        .and(path(v("17920238422030506")))
        .respond_with(graph_error(400, 100, Some(33), "Unsupported get request"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let published = client
        .facebook(&token)
        .ig_user(IG)
        .publishing()
        .publish_image(
            ContainerRequest::image("https://cdn.example.com/a.jpg").caption("Hello"),
            fast_wait(5_000),
        )
        .await
        .unwrap();
    assert_eq!(published.media_id.as_str(), "17920238422030506");
    assert_eq!(published.permalink, None);
}

#[tokio::test]
async fn a_container_error_names_the_container_and_its_subcode() {
    let server = MockServer::start().await;
    mount_create(&server, "502").await;
    mount_status(
        &server,
        "502",
        1,
        json!({"id": "502", "status_code": "ERROR", "status": "Error: 2207026"}),
    )
    .await;
    mount_publish(&server, "502", 0).await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let err = client
        .facebook(&token)
        .ig_user(IG)
        .publishing()
        .publish_image(
            ContainerRequest::image("https://cdn.example.com/a.jpg").caption("Hello"),
            fast_wait(5_000),
        )
        .await
        .unwrap_err();
    let g = err.graph().expect("a Graph-shaped error");
    assert_eq!(g.error_subcode, Some(2207026));
    assert!(
        g.message.contains("502") && g.message.contains("2207026"),
        "{}",
        g.message
    );
    assert_eq!(err.context().unwrap().container_id.as_deref(), Some("502"));
    assert_eq!(err.class(), ErrorClass::InvalidInput);
    assert!(err.to_string().contains("container 502"), "{err}");
}

#[tokio::test]
async fn an_expired_container_is_an_error() {
    let server = MockServer::start().await;
    mount_create(&server, "503").await;
    mount_status(
        &server,
        "503",
        0,
        json!({"id": "503", "status_code": "EXPIRED"}),
    )
    .await;
    mount_publish(&server, "503", 0).await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let err = client
        .facebook(&token)
        .ig_user(IG)
        .publishing()
        .publish_image(
            ContainerRequest::image("https://cdn.example.com/a.jpg").caption("Hello"),
            fast_wait(5_000),
        )
        .await
        .unwrap_err();
    let g = err.graph().unwrap();
    assert_eq!(g.error_subcode, Some(2207020));
    assert!(
        g.message.contains("503") && g.message.contains("expired"),
        "{}",
        g.message
    );
    assert_eq!(err.context().unwrap().container_id.as_deref(), Some("503"));
}

#[tokio::test]
async fn waiting_is_bounded_by_the_timeout() {
    let server = MockServer::start().await;
    mount_create(&server, "504").await;
    mount_status(
        &server,
        "504",
        0,
        json!({"id": "504", "status_code": "IN_PROGRESS"}),
    )
    .await;
    mount_publish(&server, "504", 0).await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let started = std::time::Instant::now();
    let err = client
        .facebook(&token)
        .ig_user(IG)
        .publishing()
        .publish_image(
            ContainerRequest::image("https://cdn.example.com/a.jpg").caption("Hello"),
            fast_wait(150),
        )
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(err.class(), ErrorClass::NotReady);
    assert_eq!(err.context().unwrap().container_id.as_deref(), Some("504"));
    // Adaptive: 5 ms growing by 1.5 up to 20 ms within 150 ms is far fewer polls than a 5 ms
    // fixed interval would make.
    let polls = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "GET")
        .count();
    assert!((3..=25).contains(&polls), "{polls} polls");
}

#[tokio::test]
async fn waiting_takes_any_options_without_a_panic() {
    // A timeout past what the clock holds and a pause growing past `Duration::MAX` (the
    // bindings hand both over from their callers) used to panic in `Instant + Duration` and
    // `Duration::mul_f64`.
    let server = MockServer::start().await;
    mount_status(
        &server,
        "506",
        2,
        json!({"id": "506", "status_code": "FINISHED"}),
    )
    .await;
    let client = client(&server);
    let token = AccessToken::new(TOKEN);
    let options = WaitOptions {
        timeout: Duration::MAX,
        initial_interval: Duration::from_millis(1),
        max_interval: Duration::from_millis(5),
        factor: f64::INFINITY,
    };
    let container = client
        .facebook(&token)
        .container("506")
        .wait(&options)
        .await
        .unwrap();
    assert_eq!(container.status_code, Some(ContainerStatus::Finished));
}

#[test]
fn default_polling_is_adaptive_and_bounded() {
    let w = WaitOptions::default();
    assert_eq!(w.initial_interval, Duration::from_millis(250));
    assert_eq!(w.max_interval, Duration::from_secs(5));
    assert_eq!(w.factor, 1.5);
    assert_eq!(w.timeout, Duration::from_secs(300));
}
