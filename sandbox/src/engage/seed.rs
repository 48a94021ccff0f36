//! Seeded engagement, relative to the sandbox clock at start: comments (one media with more
//! than 50), tagged and mentioned media, hashtags with top and recent media, two live stories
//! (one with fewer than 5 viewers) and conversations on both sides of the messaging window.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::super::seed::{cdn_url, ids, shortcode_for};
use super::super::world::{Media, World};
use super::{conversation_id, message_id, Comment, Conversation, Engage, Hashtag, Message};

/// What engagement was seeded, with ids tests and docs can name.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SeedEngagement {
    /// `@alice.bakery`'s newest media: more than 50 top-level comments (2+ pages).
    pub media_with_many_comments: String,
    /// How many top-level comments it has.
    pub many_comments_count: usize,
    /// A media whose comments are disabled (`@bob.builds`'s oldest).
    pub media_comments_disabled: String,
    /// A seeded comment older than 7 days (private replies refused).
    pub old_comment: String,
    /// A seeded hidden comment (replies refused).
    pub hidden_comment: String,
    /// A seeded recent comment (private reply allowed).
    pub recent_comment: String,
    /// `@client.studio`'s live story with 120 viewers.
    pub story_many_viewers: String,
    /// `@client.studio`'s live story with 3 viewers (insights answer code 10).
    pub story_few_viewers: String,
    /// Conversations, with their messaging window at start.
    pub conversations: Vec<SeedConversation>,
    /// Hashtags of the search index: `(name, id)`.
    pub hashtags: Vec<(String, String)>,
    /// Media `@alice.bakery` is mentioned in (caption) by another account.
    pub mentioned_media: String,
    /// A comment mentioning `@alice.bakery` on another account's media.
    pub mentioned_comment: String,
}

/// A seeded conversation.
#[derive(Debug, Clone, Serialize)]
pub struct SeedConversation {
    /// Conversation id.
    pub id: String,
    /// The professional account.
    pub ig_id: String,
    /// The person's IGSID.
    pub user_id: String,
    /// The person's username.
    pub username: String,
    /// Messages in it.
    pub messages: usize,
    /// `open` (last user message < 24 h ago), `human_agent` (24 h – 7 days: only with the
    /// HUMAN_AGENT tag) or `closed` (older than 7 days).
    pub window: String,
}

/// Commenters and correspondents outside the seeded accounts: (IGSID, username).
const PEOPLE: [(&str, &str); 8] = [
    ("6900000000000001", "maya.eats"),
    ("6900000000000002", "jonas.k"),
    ("6900000000000003", "li.wei"),
    ("6900000000000004", "emma_travels"),
    ("6900000000000005", "carlos.dev"),
    ("6900000000000006", "noor.art"),
    ("6900000000000007", "sourdough_sam"),
    ("6900000000000008", "tom.builds"),
];

const REMARKS: [&str; 8] = [
    "Looks amazing!",
    "Where is this?",
    "Love it 😍",
    "How much is it?",
    "So good, thank you!",
    "Can I order one for Saturday?",
    "Beautiful work",
    "Following for more",
];

const HASHTAGS: [(&str, &str, usize); 7] = [
    ("love", "17843826142012701", 60),
    ("developers", "17841562426109234", 6),
    ("sourdough", "17843000000000101", 14),
    ("travel", "17843000000000102", 14),
    ("woodworking", "17843000000000103", 8),
    ("bakery", "17843000000000104", 10),
    ("photography", "17843000000000105", 8),
];

fn person(n: usize) -> (&'static str, &'static str) {
    PEOPLE[n % PEOPLE.len()]
}

fn add_comment(
    e: &mut Engage,
    media: &str,
    parent: Option<&str>,
    (from_id, username): (&str, &str),
    text: String,
    at: DateTime<Utc>,
) -> String {
    let id = e.new_id();
    e.comments.insert(
        id.clone(),
        Comment {
            id: id.clone(),
            media: media.to_owned(),
            parent: parent.map(str::to_owned),
            text,
            from_id: from_id.to_owned(),
            username: username.to_owned(),
            timestamp: at,
            like_count: (id.len() as u64 + at.timestamp().unsigned_abs()) % 9,
            hidden: false,
            replies: Vec::new(),
            private_replied: false,
        },
    );
    match parent.and_then(|p| e.comments.get_mut(p)) {
        Some(p) => p.replies.push(id.clone()),
        None => e
            .media_comments
            .entry(media.to_owned())
            .or_default()
            .push(id.clone()),
    }
    id
}

/// A public media of an account outside the seeded ones.
fn external_media(
    w: &mut World,
    owner: (&str, &str),
    caption: String,
    at: DateTime<Utc>,
) -> String {
    let id = w.new_media_id();
    let num: u64 = id.parse().unwrap_or(0);
    w.engage
        .external_users
        .insert(owner.0.to_owned(), owner.1.to_owned());
    w.media.insert(
        id.clone(),
        Media {
            id: id.clone(),
            ig_id: (3_200_000_000_000_000_000u64 + num % 1_000_000_000).to_string(),
            owner: owner.0.to_owned(),
            caption: Some(caption),
            media_type: "IMAGE".to_owned(),
            media_product_type: "FEED".to_owned(),
            media_url: cdn_url(num, "IMAGE"),
            thumbnail_url: None,
            shortcode: shortcode_for(num),
            timestamp: at,
            like_count: 40 + (num * 37) % 2000,
            comments_count: 0,
            is_comment_enabled: true,
            is_shared_to_feed: None,
            alt_text: None,
            children: Vec::new(),
            parent: None,
        },
    );
    id
}

fn story(w: &mut World, owner: &str, at: DateTime<Utc>, viewers: u64) -> String {
    let id = w.new_media_id();
    let num: u64 = id.parse().unwrap_or(0);
    w.media.insert(
        id.clone(),
        Media {
            id: id.clone(),
            ig_id: (3_100_000_000_000_000_000u64 + num % 1_000_000_000).to_string(),
            owner: owner.to_owned(),
            caption: None,
            media_type: "IMAGE".to_owned(),
            media_product_type: "STORY".to_owned(),
            media_url: cdn_url(num, "IMAGE"),
            thumbnail_url: None,
            shortcode: shortcode_for(num),
            timestamp: at,
            like_count: 0,
            comments_count: 0,
            is_comment_enabled: false,
            is_shared_to_feed: None,
            alt_text: None,
            children: Vec::new(),
            parent: None,
        },
    );
    w.story_expiry
        .push_back((at + Duration::hours(24), id.clone()));
    if let Some(a) = w.ig_accounts.get_mut(owner) {
        a.stories.insert(0, id.clone());
    }
    w.engage.story_viewers.insert(id.clone(), viewers);
    id
}

/// Adds a conversation whose messages alternate (the person first), the last person's
/// message `last_user_ago` before `now`.
fn conversation(
    w: &mut World,
    ig: &str,
    who: (&str, &str),
    count: usize,
    last_user_ago: Duration,
    now: DateTime<Utc>,
) -> SeedConversation {
    let id = conversation_id(ig, who.0);
    let e = &mut w.engage;
    let mut conv = Conversation {
        id: id.clone(),
        ig: ig.to_owned(),
        user_id: who.0.to_owned(),
        username: who.1.to_owned(),
        messages: Vec::new(),
        updated: now,
        last_user_message: None,
    };
    // The last message is the person's when `count` is odd; otherwise one business answer
    // follows it a few minutes later.
    let last_user_at = now - last_user_ago;
    for k in 0..count {
        let from_user = k % 2 == 0;
        let steps_from_end = (count - 1 - k) as i64;
        let at = if count % 2 == 1 {
            last_user_at - Duration::minutes(15 * steps_from_end)
        } else {
            last_user_at + Duration::minutes(5) - Duration::minutes(15 * steps_from_end)
        };
        e.next_id += 1;
        let mid = message_id(ig, e.next_id);
        let attachment = (k == 2 && count > 4).then(|| {
            (
                "image".to_owned(),
                format!(
                    "https://lookaside.sandbox.fbsbx.invalid/ig_messaging_cdn/{}.jpg",
                    e.next_id
                ),
            )
        });
        let text = if from_user {
            format!("{} ({})", REMARKS[k % REMARKS.len()], k + 1)
        } else {
            format!("Thanks {}! Message {}", who.1, k + 1)
        };
        e.messages.insert(
            mid.clone(),
            Message {
                id: mid.clone(),
                conversation: id.clone(),
                from_user,
                text: attachment.is_none().then_some(text),
                attachment,
                created: at,
                reactions: Default::default(),
            },
        );
        if from_user {
            conv.last_user_message = Some(at);
        }
        conv.updated = at;
        conv.messages.push(mid);
    }
    let window = if last_user_ago < Duration::hours(24) {
        "open"
    } else if last_user_ago < Duration::days(7) {
        "human_agent"
    } else {
        "closed"
    };
    e.conversations.insert(id.clone(), conv);
    SeedConversation {
        id,
        ig_id: ig.to_owned(),
        user_id: who.0.to_owned(),
        username: who.1.to_owned(),
        messages: count,
        window: window.to_owned(),
    }
}

/// Seeds engagement into a freshly built world whose clock reads `now`.
pub(crate) fn populate(w: &mut World, now: DateTime<Utc>) -> SeedEngagement {
    w.engage.external_users.extend(
        PEOPLE
            .iter()
            .map(|(id, name)| ((*id).to_owned(), (*name).to_owned())),
    );
    // Comments on every seeded media; the bakery's newest gets 60 over ten days.
    let accounts: Vec<(String, String, Vec<String>)> = w
        .ig_accounts
        .values()
        .map(|a| (a.id.clone(), a.username.clone(), a.media.clone()))
        .collect();
    let mut many = String::new();
    let mut old_comment = String::new();
    let mut hidden_comment = String::new();
    let mut recent_comment = String::new();
    for (n, (ig, username, media)) in accounts.iter().enumerate() {
        for (k, m) in media.iter().enumerate() {
            let top = if ig == ids::IG_BAKERY && k == 0 {
                60
            } else {
                3 + (n + k) % 4
            };
            for i in 0..top {
                // Oldest first: the newest comment is about an hour old.
                let ago = Duration::hours(1 + 4 * (top - 1 - i) as i64 + (k as i64) * 5);
                let who = person(i + n + k);
                let text = format!("{} #{}", REMARKS[(i + k) % REMARKS.len()], i + 1);
                let c = add_comment(&mut w.engage, m, None, who, text, now - ago);
                if i % 5 == 1 {
                    let reply_at = now - ago + Duration::minutes(20);
                    add_comment(
                        &mut w.engage,
                        m,
                        Some(&c),
                        (ig.as_str(), username.as_str()),
                        format!("@{} thank you!", who.1),
                        reply_at.min(now),
                    );
                    let other = person(i + n + k + 3);
                    add_comment(
                        &mut w.engage,
                        m,
                        Some(&c),
                        other,
                        format!("@{} same here", who.1),
                        (reply_at + Duration::minutes(10)).min(now),
                    );
                }
                if i % 7 == 3 {
                    if let Some(c) = w.engage.comments.get_mut(&c) {
                        c.hidden = true;
                    }
                    if hidden_comment.is_empty() {
                        hidden_comment = c.clone();
                    }
                }
                if ig == ids::IG_BAKERY && k == 0 {
                    many = m.clone();
                    if i == 0 {
                        old_comment = c.clone();
                    }
                    if i == top - 2 {
                        recent_comment = c.clone();
                    }
                }
            }
            let total = w.engage.comment_total(m);
            if let Some(media) = w.media.get_mut(m) {
                media.comments_count = total;
            }
        }
    }
    let disabled = accounts
        .iter()
        .find(|(ig, _, _)| ig == ids::IG_BOB)
        .and_then(|(_, _, m)| m.last().cloned())
        .unwrap_or_default();
    if let Some(m) = w.media.get_mut(&disabled) {
        m.is_comment_enabled = false;
    }

    // Public media of other accounts: tags, mentions and hashtags.
    let mentioned_media = external_media(
        w,
        person(0),
        "Breakfast at @alice.bakery #sourdough #love".to_owned(),
        now - Duration::hours(30),
    );
    let mentioned_comment = add_comment(
        &mut w.engage,
        &mentioned_media,
        None,
        person(1),
        "@alice.bakery best croissants in town".to_owned(),
        now - Duration::hours(29),
    );
    let travel_media = external_media(
        w,
        person(3),
        "Night train with @alice.travels #travel".to_owned(),
        now - Duration::hours(50),
    );
    add_comment(
        &mut w.engage,
        &travel_media,
        None,
        person(4),
        "@alice.travels which line is this?".to_owned(),
        now - Duration::hours(48),
    );
    for m in [&mentioned_media, &travel_media] {
        let total = w.engage.comment_total(m);
        if let Some(media) = w.media.get_mut(m) {
            media.comments_count = total;
        }
    }
    let mut bakery_tags = vec![mentioned_media.clone()];
    for k in 0..6 {
        let id = external_media(
            w,
            person(k + 2),
            format!("Tagged @alice.bakery in photo {}", k + 1),
            now - Duration::hours(10 + 20 * k as i64),
        );
        bakery_tags.push(id);
    }
    bakery_tags.sort_by_key(|id| std::cmp::Reverse(w.media.get(id).map(|m| m.timestamp)));
    w.engage.tags.insert(ids::IG_BAKERY.to_owned(), bakery_tags);
    w.engage
        .tags
        .insert(ids::IG_TRAVELS.to_owned(), vec![travel_media.clone()]);

    let mut hashtags = Vec::new();
    for (h, (name, id, count)) in HASHTAGS.iter().enumerate() {
        let mut media = Vec::new();
        for k in 0..*count {
            // Spread over three days: about a third falls in the last 24 h.
            let ago = Duration::minutes(30 + (k as i64) * (72 * 60 / *count as i64));
            media.push(external_media(
                w,
                person(h + k),
                format!("{} #{name}", REMARKS[k % REMARKS.len()]),
                now - ago,
            ));
        }
        if *name == "love" {
            media.insert(0, mentioned_media.clone());
        }
        if *name == "sourdough" {
            media.insert(0, mentioned_media.clone());
        }
        if *name == "travel" {
            media.insert(0, travel_media.clone());
        }
        media.sort_by_key(|id| std::cmp::Reverse(w.media.get(id).map(|m| m.timestamp)));
        w.engage.hashtags.insert(
            (*id).to_owned(),
            Hashtag {
                id: (*id).to_owned(),
                name: (*name).to_owned(),
                media,
            },
        );
        hashtags.push(((*name).to_owned(), (*id).to_owned()));
    }

    let story_many_viewers = story(w, ids::IG_CLIENT, now - Duration::hours(3), 120);
    let story_few_viewers = story(w, ids::IG_CLIENT, now - Duration::hours(1), 3);

    let conversations = vec![
        conversation(w, ids::IG_BAKERY, person(0), 25, Duration::hours(2), now),
        conversation(w, ids::IG_BAKERY, person(1), 4, Duration::hours(30), now),
        conversation(w, ids::IG_BAKERY, person(2), 3, Duration::days(9), now),
        conversation(w, ids::IG_TRAVELS, person(3), 6, Duration::hours(1), now),
        conversation(w, ids::IG_TRAVELS, person(4), 5, Duration::days(3), now),
    ];

    let seeded = SeedEngagement {
        many_comments_count: w.engage.media_comments.get(&many).map_or(0, Vec::len),
        media_with_many_comments: many,
        media_comments_disabled: disabled,
        old_comment,
        hidden_comment,
        recent_comment,
        story_many_viewers,
        story_few_viewers,
        conversations,
        hashtags,
        mentioned_media,
        mentioned_comment,
    };
    w.engage.seed_summary = serde_json::to_value(&seeded).unwrap_or_default();
    seeded
}

/// A public media of another account, posted now (mention events).
pub(crate) fn external_media_now(w: &mut World, owner: (&str, &str), caption: String) -> String {
    let now = w.now();
    external_media(w, owner, caption, now)
}
