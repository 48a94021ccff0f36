//! Comments, moderation, private replies, mentions, tags and hashtags end to end against the
//! sandbox: what an agency's moderation screen does, checked the way its user would see it.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use instagraph::api::moderation::{
    filter_comments, CommentFilter, ReplyTemplate, MODERATION_FIELDS,
};
use instagraph::api::HashtagBudget;
use instagraph::{
    AccessToken, Client, CommentId, Error, ErrorClass, IgUserId, MediaId, RetryPolicy,
};
use instagraph_sandbox::{Login, Sandbox, SandboxConfig, TokenRequest};

const ALICE: &str = "100000000000011";
const PAGE_BAKERY: &str = "100000000000101";
const IG_BAKERY: &str = "17841400000000001";
const BAKERY_USERNAME: &str = "alice.bakery";

struct Env {
    sandbox: Sandbox,
    client: Client,
    token: AccessToken,
}

impl Env {
    async fn start() -> Self {
        let sandbox = Sandbox::builder()
            .config(SandboxConfig {
                app_call_budget_per_hour: 0,
                business_call_budget_per_day: 0,
                ..SandboxConfig::default()
            })
            .start()
            .await
            .expect("sandbox starts");
        let client = Client::builder()
            .app(sandbox.app_id(), sandbox.app_secret())
            .sandbox(sandbox.base_url())
            .retry(RetryPolicy {
                initial_backoff: std::time::Duration::from_millis(5),
                ..RetryPolicy::default()
            })
            .build()
            .expect("client");
        let token = AccessToken::new(
            sandbox
                .issue_token(&TokenRequest {
                    user_id: ALICE.into(),
                    login: Login::Facebook,
                    long_lived: true,
                    scopes: None,
                    page_id: Some(PAGE_BAKERY.into()),
                })
                .expect("page token")
                .access_token,
        );
        Self {
            sandbox,
            client,
            token,
        }
    }

    fn calls(&self) -> u64 {
        self.sandbox.call_counts().values().sum()
    }
}

fn replied_by_bakery(c: &instagraph::api::models::Comment) -> bool {
    c.replies()
        .iter()
        .any(|r| r.username.as_deref() == Some(BAKERY_USERNAME))
}

#[tokio::test]
async fn moderating_a_busy_post_lists_filters_answers_hides_and_deletes() {
    let env = Env::start().await;
    let fb = env.client.facebook(&env.token);
    let busy = MediaId::new(
        env.sandbox
            .seed()
            .engagement
            .media_with_many_comments
            .clone(),
    );
    let total = env.sandbox.seed().engagement.many_comments_count;
    let media = fb.media(busy.clone());

    // Every top-level comment, across pages of at most 50.
    let first = media
        .comments()
        .fields([MODERATION_FIELDS])
        .limit(50)
        .send()
        .await
        .unwrap();
    assert_eq!(first.items.len(), 50);
    assert!(first.has_next());
    let all: Vec<_> = first.into_stream().try_collect().await.unwrap();
    assert_eq!(all.len(), total);
    let newest_first: Vec<_> = all.iter().map(|c| c.timestamp_parsed().unwrap()).collect();
    assert!(newest_first.windows(2).all(|w| w[0] >= w[1]));

    // The unanswered ones, as the moderation screen shows them.
    let unanswered = CommentFilter::new().unanswered_by_username(BAKERY_USERNAME);
    let todo: Vec<_> = filter_comments(
        media
            .comments()
            .fields([MODERATION_FIELDS])
            .send()
            .await
            .unwrap()
            .into_stream(),
        unanswered.clone(),
    )
    .try_collect()
    .await
    .unwrap();
    let answered = all.iter().filter(|c| replied_by_bakery(c)).count();
    assert!(answered > 0, "the seed answers some comments");
    assert_eq!(todo.len(), total - answered);
    assert!(todo.iter().all(|c| !replied_by_bakery(c)));

    // Answer the newest visible unanswered comment with a template.
    let target = todo
        .iter()
        .find(|c| c.hidden != Some(true))
        .expect("a visible unanswered comment")
        .clone();
    let template = ReplyTemplate::parse("Thanks @{username}! {custom:note}").unwrap();
    let reply = template
        .render_for(&target, &[("note", "We open at 7 {username}")])
        .unwrap();
    let author = target.username.clone().unwrap();
    assert_eq!(
        reply,
        format!("Thanks @{author}! We open at 7 {{username}}")
    );
    let handler = fb.comment(target.id.clone());
    let reply_id = handler.reply(&reply).await.unwrap();
    let replies: Vec<_> = handler
        .replies()
        .fields(["id", "text", "username", "parent_id"])
        .send()
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let mine = replies.iter().find(|r| r.id == reply_id).expect("my reply");
    assert_eq!(mine.text.as_deref(), Some(reply.as_str()));
    assert_eq!(mine.username.as_deref(), Some(BAKERY_USERNAME));
    assert_eq!(mine.parent_id.as_ref(), Some(&target.id));
    let still_todo: Vec<_> = filter_comments(
        media
            .comments()
            .fields([MODERATION_FIELDS])
            .send()
            .await
            .unwrap()
            .into_stream(),
        unanswered,
    )
    .try_collect()
    .await
    .unwrap();
    assert_eq!(still_todo.len(), todo.len() - 1);
    assert!(still_todo.iter().all(|c| c.id != target.id));

    // Hide it: it reads back hidden, and replies are refused until it is shown again.
    assert!(handler.hide(true).await.unwrap());
    assert_eq!(handler.get().send().await.unwrap().hidden, Some(true));
    let err = handler.reply("one more").await.unwrap_err();
    assert_eq!(err.class(), ErrorClass::InvalidInput);
    assert_eq!(err.graph().unwrap().code, 100);
    assert!(handler.hide(false).await.unwrap());
    handler.reply("one more").await.unwrap();

    // Comment on the post, then delete the comment.
    let before = env.sandbox.comment_count(busy.as_str());
    let mine = media.comment("Fresh batch at 4pm 🥐").await.unwrap();
    assert_eq!(env.sandbox.comment_count(busy.as_str()), before + 1);
    let read = fb.comment(mine.clone()).get().send().await.unwrap();
    assert_eq!(read.text.as_deref(), Some("Fresh batch at 4pm 🥐"));
    assert_eq!(read.media.map(|m| m.id), Some(busy.clone()));
    assert!(fb.comment(mine.clone()).delete().await.unwrap());
    assert_eq!(env.sandbox.comment_count(busy.as_str()), before);
    assert!(fb.comment(mine).get().send().await.is_err());

    // Bad input never reaches the sandbox.
    let calls = env.calls();
    assert!(media.comments().limit(51).send().await.is_err());
    assert!(media.comment(&"x".repeat(2201)).await.is_err());
    assert_eq!(env.calls(), calls);
}

#[tokio::test]
async fn private_replies_once_per_comment_within_seven_days() {
    let env = Env::start().await;
    let fb = env.client.facebook(&env.token);
    let me = fb.ig_user(IgUserId::new(IG_BAKERY));
    let seed = &env.sandbox.seed().engagement;
    let recent = CommentId::new(seed.recent_comment.clone());
    let old = CommentId::new(seed.old_comment.clone());

    let sent = me
        .messages()
        .private_reply(&recent, "Hi! Sending you the menu 📋")
        .await
        .unwrap();
    assert!(sent.message_id.is_some());
    assert!(sent.recipient_id.is_some());
    let again = me
        .messages()
        .private_reply(&recent, "And again")
        .await
        .unwrap_err();
    assert!(again.graph().is_some(), "{again:?}");

    // The old comment: refused locally when read first, by the API when sent blindly.
    let old_comment = fb.comment(old.clone()).get().send().await.unwrap();
    let calls = env.calls();
    let err = me
        .messages()
        .private_reply_to(&old_comment, "Too late?", Utc::now())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidInput {
                field: "comment",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(env.calls(), calls);
    let err = me
        .messages()
        .private_reply(&old, "Too late?")
        .await
        .unwrap_err();
    assert_eq!(err.graph().map(|g| g.error_subcode), Some(Some(2534022)));
}

#[tokio::test]
async fn private_replies_in_the_window_read_the_comment_first() {
    let env = Env::start().await;
    let fb = env.client.facebook(&env.token);
    let me = fb.ig_user(IgUserId::new(IG_BAKERY));
    let seed = &env.sandbox.seed().engagement;
    let old = CommentId::new(seed.old_comment.clone());
    let recent = CommentId::new(seed.recent_comment.clone());

    // The old comment: read (one call), refused before the send.
    let calls = env.calls();
    let err = me
        .messages()
        .private_reply_in_window(&old, "Too late?")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidInput {
                field: "comment",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(env.calls(), calls + 1);

    let sent = me
        .messages()
        .private_reply_in_window(&recent, "Hi! Sending you the menu")
        .await
        .unwrap();
    assert!(sent.message_id.is_some());
    assert_eq!(env.calls(), calls + 3);
    // Meta's one private reply per comment still holds: the second send is Meta's refusal.
    let again = me
        .messages()
        .private_reply_in_window(&recent, "And again")
        .await
        .unwrap_err();
    assert!(again.graph().is_some(), "{again:?}");
}

#[tokio::test]
async fn mentions_and_tags_read_and_answer() {
    let env = Env::start().await;
    let fb = env.client.facebook(&env.token);
    let me = fb.ig_user(IgUserId::new(IG_BAKERY));
    let seed = &env.sandbox.seed().engagement;
    let media = MediaId::new(seed.mentioned_media.clone());
    let comment = CommentId::new(seed.mentioned_comment.clone());

    let mc = me.mentions().comment(&comment).send().await.unwrap();
    assert_eq!(mc.id.as_str(), IG_BAKERY);
    let text = mc.mentioned_comment.text.unwrap();
    assert!(text.contains("@alice.bakery"), "{text}");
    assert_eq!(
        mc.mentioned_comment.media.map(|m| m.id),
        Some(media.clone())
    );

    let mm = me
        .mentions()
        .media(&media)
        .fields(["id", "caption", "username"])
        .send()
        .await
        .unwrap();
    assert!(mm
        .mentioned_media
        .caption
        .unwrap()
        .contains("@alice.bakery"));

    let before = env.sandbox.comment_count(media.as_str());
    me.mentions()
        .reply(&media, Some(&comment), "Thank you so much!")
        .await
        .unwrap();
    me.mentions()
        .reply(&media, None, "Glad you liked breakfast!")
        .await
        .unwrap();
    assert_eq!(env.sandbox.comment_count(media.as_str()), before + 2);

    let tagged: Vec<_> = me
        .media()
        .tagged()
        .send()
        .await
        .unwrap()
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    assert!(tagged.iter().any(|m| m.id == media));
    assert!(tagged
        .iter()
        .all(|m| m.username.as_deref() != Some(BAKERY_USERNAME)));
}

/// A budget whose clock follows the sandbox clock.
fn budget_on(offset: &Arc<Mutex<chrono::Duration>>) -> HashtagBudget {
    let offset = offset.clone();
    HashtagBudget::with_clock(Arc::new(move || -> DateTime<Utc> {
        Utc::now() + *offset.lock().unwrap()
    }))
}

#[tokio::test]
async fn hashtags_search_media_and_the_budget_agree_with_the_api() {
    let env = Env::start().await;
    let fb = env.client.facebook(&env.token);
    let me_id = IgUserId::new(IG_BAKERY);
    let me = fb.ig_user(me_id.clone());
    let offset = Arc::new(Mutex::new(chrono::Duration::zero()));
    let budget = budget_on(&offset);

    let (name, seeded_id) = env
        .sandbox
        .seed()
        .engagement
        .hashtags
        .iter()
        .find(|(n, _)| n == "sourdough")
        .cloned()
        .expect("seeded #sourdough");
    let id = me.hashtags().search(&name, &budget).await.unwrap();
    assert_eq!(id.as_str(), seeded_id);
    let hashtag = fb.hashtag(id.clone());
    assert_eq!(
        hashtag.get().await.unwrap().name.as_deref(),
        Some("sourdough")
    );
    let top = hashtag.top_media(&me_id).limit(50).send().await.unwrap();
    assert!(!top.items.is_empty());
    let likes: Vec<u64> = top
        .items
        .iter()
        .map(|m| m.like_count.unwrap_or(0))
        .collect();
    assert!(likes.windows(2).all(|w| w[0] >= w[1]), "{likes:?}");
    let recent = hashtag.recent_media(&me_id).send().await.unwrap();
    let day_ago = Utc::now() - chrono::Duration::hours(24) - chrono::Duration::minutes(1);
    assert!(recent
        .items
        .iter()
        .all(|m| m.timestamp_parsed().unwrap() >= day_ago));

    // 29 more new hashtags fill the budget; the 31st is refused without a call.
    for i in 0..29 {
        me.hashtags()
            .search(&format!("bread{i}"), &budget)
            .await
            .unwrap();
    }
    assert_eq!(budget.remaining(&me_id), 0);
    let calls = env.calls();
    let err = me
        .hashtags()
        .search("croissant", &budget)
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        Error::HashtagBudgetExceeded {
            used: 30,
            limit: 30,
            ..
        }
    ));
    assert_eq!(env.calls(), calls);
    // A hashtag already searched is free, here and at the API.
    assert_eq!(
        me.hashtags().search("SOURDOUGH", &budget).await.unwrap(),
        id
    );

    // A week later the window has slid for both.
    env.sandbox
        .advance_clock(std::time::Duration::from_secs(7 * 24 * 3600 + 60));
    *offset.lock().unwrap() = chrono::Duration::seconds(7 * 24 * 3600 + 60);
    assert_eq!(budget.remaining(&me_id), 30);
    me.hashtags().search("croissant", &budget).await.unwrap();
    assert_eq!(budget.used(&me_id), 1);
}
