//! Request builders in a batch (`Batch::request`): each operation carries exactly the path and
//! query the builder sends alone, answers read back typed, and a refused builder is refused
//! when added, before any call.

use std::sync::{Arc, Mutex};

use chrono::{TimeZone, Utc};
use instagraph::api::insights::{MediaInsightKind, Metric};
use instagraph::api::models::{Comment, IgUser, Insight, ListResponse, Media, MentionedComment};
use instagraph::api::{BatchRequest, MediaDeleted};
use instagraph::{AccessToken, Client, CommentId, Error, Hosts, MediaId};
use serde_json::{json, Value};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

mod wire_support;
use wire_support::{fast_retry, SECRET};

const TOKEN: &str = "EAAGtestusertoken00WXYZ";
const V: &str = "v26.0";
const IG: &str = "17841400000000001";
const MEDIA: &str = "17900000000000001";
const COMMENT: &str = "17870000000000001";

fn client(base: &str) -> Client {
    Client::builder()
        .app("123", SECRET)
        .api_version(V)
        .hosts(Hosts::uniform(base))
        .retry(fast_retry(1))
        .build()
        .unwrap()
}

/// The answer to one call, alone or in a batch, from its method and relative URL.
fn answer_for(method: &str, relative_url: &str) -> Value {
    let path = relative_url.split('?').next().unwrap_or("");
    let node = path.split('/').nth(1).unwrap_or("");
    match method {
        "DELETE" => json!({"success": true, "deleted_id": node}),
        "POST" if path.ends_with("/replies") => json!({"id": "17870000000000099"}),
        "POST" => json!({"success": true}),
        _ if path.ends_with("/insights") => json!({"data": [
            {"name": "reach", "period": "lifetime", "values": [{"value": 7}], "id": "i"}
        ]}),
        _ if path.ends_with("/media") || path.ends_with("/comments") => json!({
            "data": [{"id": "17900000000000042"}],
            "paging": {"cursors": {"before": "B", "after": "A"}}
        }),
        _ if relative_url.contains("mentioned_comment") => json!({
            "id": node,
            "mentioned_comment": {"id": COMMENT, "text": "hello @bakery"}
        }),
        _ => json!({"id": node, "username": "bakery"}),
    }
}

/// Records every call as `(method, relative URL)`: a lone call's path and query without the
/// token and its proof (as sent, not re-encoded), or each operation of a batch.
#[derive(Clone, Default)]
struct Recorder {
    alone: Arc<Mutex<Vec<(String, String)>>>,
    batched: Arc<Mutex<Vec<(String, String)>>>,
}

impl Respond for Recorder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let path = request.url.path().trim_start_matches('/');
        if path == format!("{V}/") {
            let ops: Vec<Value> = url::form_urlencoded::parse(&request.body)
                .find(|(k, _)| k == "batch")
                .and_then(|(_, v)| serde_json::from_str(&v).ok())
                .unwrap_or_default();
            let mut answers = Vec::new();
            for op in ops {
                let method = op["method"].as_str().unwrap_or("").to_owned();
                let url = op["relative_url"].as_str().unwrap_or("").to_owned();
                let body = answer_for(&method, &url).to_string();
                answers.push(json!({"code": 200, "body": body}));
                self.batched.lock().unwrap().push((method, url));
            }
            return ResponseTemplate::new(200).set_body_json(answers);
        }
        let query: Vec<&str> = request
            .url
            .query()
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.starts_with("access_token=") && !p.starts_with("appsecret_proof="))
            .collect();
        let url = if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", query.join("&"))
        };
        let method = request.method.to_string();
        let answer = answer_for(&method, &url);
        self.alone.lock().unwrap().push((method, url));
        ResponseTemplate::new(200).set_body_json(answer)
    }
}

#[tokio::test]
async fn builders_in_a_batch_carry_what_they_send_alone_and_read_back_typed() {
    let server = MockServer::start().await;
    let recorder = Recorder::default();
    Mock::given(any())
        .respond_with(recorder.clone())
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let token = AccessToken::new(TOKEN);
    let fb = client.facebook(&token);
    let since = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    let comment = CommentId::new(COMMENT);

    // Alone, in this order.
    fb.media(MEDIA)
        .get()
        .fields(["id", "caption"])
        .send()
        .await
        .unwrap();
    fb.ig_user(IG).get().send().await.unwrap();
    fb.comment(COMMENT).get().send().await.unwrap();
    fb.ig_user(IG)
        .media()
        .list()
        .limit(5)
        .since(since)
        .send()
        .await
        .unwrap();
    fb.media(MEDIA).comments().limit(10).send().await.unwrap();
    fb.ig_user(IG)
        .mentions()
        .comment(&comment)
        .fields(["id", "text"])
        .send()
        .await
        .unwrap();
    assert!(fb.comment(COMMENT).hide(true).await.unwrap());
    fb.comment(COMMENT)
        .reply("Thanks & see you at 8 ☕")
        .await
        .unwrap();
    fb.media(MEDIA).delete().await.unwrap();
    assert!(fb.media(MEDIA).set_comments_enabled(false).await.unwrap());
    fb.media(MEDIA)
        .insights(MediaInsightKind::Reel)
        .metrics([Metric::Reach, Metric::Views])
        .send()
        .await
        .unwrap();

    // The same builders in one batch.
    let mut batch = client.batch(&token);
    let media = batch
        .request(fb.media(MEDIA).get().fields(["id", "caption"]))
        .unwrap();
    let user = batch.request(fb.ig_user(IG).get()).unwrap();
    let read_comment = batch.request(fb.comment(COMMENT).get()).unwrap();
    let list = batch
        .request(fb.ig_user(IG).media().list().limit(5).since(since))
        .unwrap();
    let comments = batch.request(fb.media(MEDIA).comments().limit(10)).unwrap();
    let mention = batch
        .request(
            fb.ig_user(IG)
                .mentions()
                .comment(&comment)
                .fields(["id", "text"]),
        )
        .unwrap();
    let hidden = batch.request(fb.comment(COMMENT).hide(true)).unwrap();
    let reply = batch
        .request(fb.comment(COMMENT).reply("Thanks & see you at 8 ☕"))
        .unwrap();
    let deleted = batch.request(fb.media(MEDIA).delete()).unwrap();
    let enabled = batch
        .request(fb.media(MEDIA).set_comments_enabled(false))
        .unwrap();
    let insights = batch
        .request(
            fb.media(MEDIA)
                .insights(MediaInsightKind::Reel)
                .metrics([Metric::Reach, Metric::Views]),
        )
        .unwrap();
    let mut results = batch.send().await.unwrap();

    let alone = recorder.alone.lock().unwrap().clone();
    let batched = recorder.batched.lock().unwrap().clone();
    assert_eq!(alone.len(), 11, "{alone:#?}");
    assert_eq!(batched, alone);
    // Spot checks that the comparison compares something real.
    assert_eq!(alone[0].1, format!("{V}/{MEDIA}?fields=id%2Ccaption"));
    assert_eq!(
        alone[5].1,
        format!("{V}/{IG}?fields=mentioned_comment.comment_id%28{COMMENT}%29%7Bid%2Ctext%7D")
    );
    assert_eq!(alone[8].0, "DELETE");

    let media: Media = results.take(media).unwrap();
    assert_eq!(media.id.as_str(), MEDIA);
    let user: IgUser = results.take(user).unwrap();
    assert_eq!(user.id.as_str(), IG);
    let read_comment: Comment = results.take(read_comment).unwrap();
    assert_eq!(read_comment.id.as_str(), COMMENT);
    let list: ListResponse<Media> = results.take(list).unwrap();
    assert_eq!(list.data.len(), 1);
    let comments: ListResponse<Comment> = results.take(comments).unwrap();
    assert_eq!(comments.data[0].id.as_str(), "17900000000000042");
    let mention: MentionedComment = results.take(mention).unwrap();
    assert_eq!(
        mention.mentioned_comment.text.as_deref(),
        Some("hello @bakery")
    );
    assert!(results.take(hidden).unwrap());
    let reply: CommentId = results.take(reply).unwrap();
    assert_eq!(reply.as_str(), "17870000000000099");
    let deleted: MediaDeleted = results.take(deleted).unwrap();
    assert_eq!(deleted.deleted_id.as_deref(), Some(MEDIA));
    assert!(results.take(enabled).unwrap());
    let insights: ListResponse<Insight> = results.take(insights).unwrap();
    assert_eq!(insights.data[0].number(), Some(7.0));
}

fn refused<R: BatchRequest>(client: &Client, token: &AccessToken, request: R) -> &'static str {
    let mut batch = client.batch(token);
    let err = batch.request(request).expect_err("refused when added");
    assert!(batch.is_empty(), "nothing added");
    match err {
        Error::InvalidInput { field, .. } => field,
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[tokio::test]
async fn a_refused_builder_is_refused_when_added_before_any_call() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let token = AccessToken::new(TOKEN);
    let fb = client.facebook(&token);
    let no_fields: [&str; 0] = [];
    assert_eq!(
        refused(&client, &token, fb.media(MEDIA).get().fields(no_fields)),
        "fields"
    );
    assert_eq!(
        refused(&client, &token, fb.comment("1/2").get()),
        "comment_id"
    );
    assert_eq!(
        refused(&client, &token, fb.media(MEDIA).comments().limit(51)),
        "limit"
    );
    let until = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let since = Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap();
    assert_eq!(
        refused(
            &client,
            &token,
            fb.ig_user(IG).media().list().since(since).until(until)
        ),
        "since"
    );
    assert_eq!(
        refused(
            &client,
            &token,
            fb.ig_user(IG)
                .mentions()
                .comment(&CommentId::new(COMMENT))
                .fields(["id}"])
        ),
        "fields"
    );
    assert_eq!(
        refused(&client, &token, fb.comment(COMMENT).reply(" ")),
        "message"
    );
    assert_eq!(
        refused(&client, &token, fb.media(MediaId::new("a b")).delete()),
        "media_id"
    );
    // A builder for graph.instagram.com in a graph.facebook.com batch: its default fields
    // and paths are the other host's.
    let ig = client.instagram(&token);
    assert_eq!(refused(&client, &token, ig.me()), "host");
    assert_eq!(
        refused(
            &client,
            &token,
            fb.media(MEDIA)
                .insights(MediaInsightKind::Feed)
                .metrics([Metric::IgReelsAvgWatchTime])
        ),
        "metric"
    );
}
