//! Property tests: arbitrary bytes and arbitrary JSON (plain, and shaped like the envelopes and
//! models so the decoders go deep) fed to the webhook parser and to every public model decoder
//! of `instagraph::api::models`. Errors are fine; a panic fails. Bounded (256 cases a property)
//! so CI stays fast.

use instagraph::api::models::*;
use instagraph::webhooks::{self, Deduper, Event};
use instagraph::GraphApiError;
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Field names the models and envelopes read, so generated objects hit real code paths.
const KEYS: &[&str] = &[
    "id",
    "data",
    "paging",
    "cursors",
    "before",
    "after",
    "next",
    "previous",
    "summary",
    "total_count",
    "name",
    "title",
    "description",
    "value",
    "values",
    "end_time",
    "period",
    "total_value",
    "breakdowns",
    "dimension_keys",
    "dimension_values",
    "results",
    "media_type",
    "media_product_type",
    "media_url",
    "permalink",
    "timestamp",
    "caption",
    "children",
    "comments",
    "comments_count",
    "like_count",
    "from",
    "username",
    "text",
    "hidden",
    "replies",
    "parent_id",
    "media",
    "owner",
    "status",
    "status_code",
    "quota_usage",
    "config",
    "quota_total",
    "quota_duration",
    "success",
    "debug_info",
    "retriable",
    "type",
    "message",
    "messages",
    "attachments",
    "image_data",
    "video_data",
    "url",
    "width",
    "height",
    "to",
    "tags",
    "created_time",
    "updated_time",
    "participants",
    "recipient_id",
    "message_id",
    "access_token",
    "expires_at",
    "is_valid",
    "scopes",
    "granular_scopes",
    "target_ids",
    "app_id",
    "user_id",
    "instagram_business_account",
    "followers_count",
    "follows_count",
    "media_count",
    "profile_picture_url",
    "picture",
    "category",
    "category_list",
    "tasks",
    "error",
    "code",
    "error_subcode",
    "fbtrace_id",
    "is_transient",
    "object",
    "entry",
    "time",
    "changes",
    "field",
    "messaging",
    "sender",
    "recipient",
    "mid",
    "reaction",
    "read",
    "postback",
    "payload",
    "is_echo",
    "is_deleted",
    "reply_to",
    "story",
    "quick_reply",
    "comment_id",
    "media_id",
    "reach",
    "impressions",
    "exits",
    "subscribed_fields",
    "product_tags",
    "business_discovery",
    "mentioned_comment",
    "mentioned_media",
    "emoji",
    "action",
    "shortcode",
    "thumbnail_url",
];

/// Webhook fields, known and not.
const FIELDS: &[&str] = &[
    "comments",
    "live_comments",
    "mentions",
    "story_insights",
    "messages",
    "message_reactions",
    "messaging_seen",
    "messaging_postbacks",
    "message_echoes",
    "messaging_referral",
    "messaging_optins",
    "messaging_handover",
    "something_new",
    "",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(KEYS).prop_map(str::to_owned),
        1 => ".{0,12}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from), // non-finite becomes null
        Just(Value::from(u64::MAX)),
        Just(Value::from(-1)),
        Just(Value::from(1e300)),
        ".{0,24}".prop_map(Value::String),
        "[0-9]{1,20}".prop_map(Value::String),
        proptest::sample::select(
            &[
                "2019-09-26T22:36:43+0000",
                "IMAGE",
                "REELS",
                "FINISHED",
                "lifetime",
                "true",
                "-0",
                "1e5",
                "",
            ][..]
        )
        .prop_map(|s| Value::String(s.to_owned())),
    ]
}

/// Arbitrary JSON, nested up to 5 levels, objects keyed mostly by real field names.
fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 96, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((key(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A webhook envelope with arbitrary contents in the places the parser looks.
fn envelope() -> impl Strategy<Value = Value> {
    let change = (proptest::sample::select(FIELDS), json())
        .prop_map(|(f, v)| serde_json::json!({"field": f, "value": v}));
    let item = (
        proptest::sample::select(
            &[
                "message",
                "reaction",
                "read",
                "postback",
                "optin",
                "referral",
                "pass_thread_control",
                "take_thread_control",
                "request_thread_control",
            ][..],
        ),
        json(),
        json(),
    )
        .prop_map(|(k, body, sender)| {
            serde_json::json!({"sender": sender, "recipient": {"id": "1"}, "timestamp": 1, k: body})
        });
    let entry = (
        json(),
        json(),
        proptest::collection::vec(change, 0..4),
        proptest::collection::vec(item, 0..4),
        json(),
    )
        .prop_map(|(id, time, changes, messaging, extra)| {
            serde_json::json!({"id": id, "time": time, "changes": changes,
                "messaging": messaging.clone(), "standby": messaging, "extra": extra})
        });
    (
        json(),
        proptest::collection::vec(prop_oneof![4 => entry, 1 => json()], 0..4),
    )
        .prop_map(|(object, entries)| serde_json::json!({"object": object, "entry": entries}))
}

/// Decodes `bytes` as every public model (and the lists of the main ones); any result but a
/// panic is fine.
fn decode_every_model(bytes: &[u8]) {
    macro_rules! each {
        ($($t:ty),+ $(,)?) => {
            $( let _ = serde_json::from_slice::<$t>(bytes); )+
        };
    }
    each!(
        // common
        Cursors,
        Paging,
        IdResponse,
        SuccessResponse,
        ListSummary,
        ListWithSummary<Page>,
        ListWithSummary<Media>,
        ByIds<Media>,
        ByIds<IgUser>,
        // facebook
        FacebookUser,
        Picture,
        PictureData,
        Page,
        PageCategory,
        Business,
        TokenType,
        DebugTokenResponse,
        DebugToken,
        GranularScope,
        DebugTokenError,
        Application,
        AppTestUser,
        // instagram accounts
        IgUser,
        IgUserRef,
        BusinessDiscovery,
        // media, stories
        MediaType,
        MediaProductType,
        Media,
        MediaRef,
        MediaDeleted,
        Story,
        // comments, mentions, hashtags
        Comment,
        MentionedComment,
        MentionedMedia,
        Hashtag,
        // insights
        InsightPeriod,
        Insight,
        InsightValue,
        TotalValue,
        Breakdown,
        BreakdownResult,
        // publishing
        ContainerStatus,
        Container,
        ContainerCreated,
        MediaPublished,
        UploadResponse,
        UploadDebugInfo,
        PublishingLimit,
        PublishingLimitConfig,
        ProductTag,
        // shopping
        Catalog,
        CatalogProduct,
        ProductVariant,
        ProductAppeal,
        // messaging
        Conversation,
        Message,
        Participant,
        MessageTag,
        Attachment,
        ImageData,
        VideoData,
        SendMessageResponse,
        // lists of the main ones
        ListResponse<Media>,
        ListResponse<Story>,
        ListResponse<Comment>,
        ListResponse<Insight>,
        ListResponse<IgUser>,
        ListResponse<Page>,
        ListResponse<Business>,
        ListResponse<Hashtag>,
        ListResponse<Conversation>,
        ListResponse<Message>,
        ListResponse<PublishingLimit>,
        ListResponse<Container>,
        ListResponse<CatalogProduct>,
        ListResponse<MentionedMedia>,
        ListResponse<webhooks::SubscribedApp>,
    );
    let _ = GraphApiError::from_body(bytes);
}

/// Parses a delivery and uses every event the way a receiver would.
fn parse_and_use(bytes: &[u8]) {
    if let Ok(payload) = webhooks::parse(bytes) {
        let dedup = Deduper::new(64, std::time::Duration::from_secs(60));
        for event in &payload.events {
            let _ = (
                event.entry_id(),
                event.time(),
                event.field(),
                event.dedup_key(),
            );
            let _ = dedup.first_delivery(event);
            let _ = serde_json::to_vec(event);
            if let Event::Message(m) = event {
                for a in &m.attachments {
                    let _ = a.url();
                }
            }
        }
        let again = webhooks::parse(bytes).expect("parsing is deterministic");
        assert_eq!(again, payload);
    }
    let header = webhooks::signature_header("secret", bytes);
    assert_eq!(webhooks::verify_signature("secret", &header, bytes), Ok(()));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        parse_and_use(&bytes);
        decode_every_model(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(value in json()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        parse_and_use(&bytes);
        decode_every_model(&bytes);
        // The same value wrapped as a list page and as a Graph error.
        let page = serde_json::to_vec(&serde_json::json!({"data": [value.clone()], "paging": value.clone()})).unwrap();
        decode_every_model(&page);
        let error = serde_json::to_vec(&serde_json::json!({"error": value})).unwrap();
        decode_every_model(&error);
    }

    #[test]
    fn arbitrary_webhook_envelopes_never_panic(value in envelope()) {
        let bytes = serde_json::to_vec(&value).unwrap();
        parse_and_use(&bytes);
        let payload = webhooks::parse(&bytes).unwrap();
        // Every update of every entry comes out as some event (none is dropped); a key of an
        // unexpected type (an object as `id`, a string as `changes`) adds one event at most.
        let (mut min, mut max) = (0usize, 0usize);
        for e in value["entry"].as_array().into_iter().flatten() {
            match e.as_object() {
                None => { min += 1; max += 1; }
                Some(o) => {
                    let list = |k: &str| o.get(k).and_then(Value::as_array).map_or(0, Vec::len);
                    let others = o.keys().filter(|k| !["id", "time", "changes", "messaging"].contains(&k.as_str())).count();
                    min += list("changes") + list("messaging") + others;
                    max += list("changes") + list("messaging") + others + 4;
                }
            }
        }
        prop_assert!(payload.events.len() >= min && payload.events.len() <= max,
            "{} events for bounds {}..={}", payload.events.len(), min, max);
    }

    #[test]
    fn truncated_json_never_panics(value in json(), cut in any::<prop::sample::Index>()) {
        let bytes = serde_json::to_vec(&serde_json::json!({"data": [value]})).unwrap();
        let cut = cut.index(bytes.len() + 1);
        parse_and_use(&bytes[..cut]);
        decode_every_model(&bytes[..cut]);
    }
}
