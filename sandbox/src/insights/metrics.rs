//! The metric catalogue (names, titles, which periods, metric types and breakdowns each
//! takes), the removed metrics with their replacements, and the deterministic values.

use serde_json::{json, Value};

use super::super::error::GraphError;

/// How an account metric is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// `period=day`, `metric_type=total_value` only.
    DayTotal,
    /// `period=day`, either metric type (reach).
    DayEither,
    /// `period=day`, `time_series` only (follower_count).
    DaySeries,
    /// `period=lifetime`, time series of hour → count maps.
    OnlineFollowers,
    /// `period=lifetime`, `total_value` with a `timeframe` and a demographic breakdown.
    Demographics,
}

pub(crate) struct Metric {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub shape: Shape,
    pub breakdowns: &'static [&'static str],
    /// Typical daily value for an account of 10k followers.
    pub base: u64,
}

const MPT: &str = "media_product_type";
const FT: &str = "follow_type";

pub(crate) const ACCOUNT: &[Metric] = &[
    m("reach", "Accounts reached", "The number of unique accounts that have seen your content, at least once, including in ads.", Shape::DayEither, &[MPT, FT], 900),
    m("views", "Views", "The number of times your content was played or displayed.", Shape::DayTotal, &[FT, MPT], 2600),
    m("accounts_engaged", "Accounts engaged", "The number of accounts that have interacted with your content, including in ads.", Shape::DayTotal, &[], 140),
    m("total_interactions", "Content interactions", "The total number of post interactions, story interactions, reels interactions, video interactions and live video interactions.", Shape::DayTotal, &[MPT], 260),
    m("likes", "Likes", "The number of likes on your posts, reels and videos.", Shape::DayTotal, &[MPT], 180),
    m("comments", "Comments", "The number of comments on your posts, reels, videos and live videos.", Shape::DayTotal, &[MPT], 24),
    m("shares", "Shares", "The number of shares of your posts, stories, reels, videos and live videos.", Shape::DayTotal, &[MPT], 14),
    m("saved", "Saves", "The number of saves of your posts, reels and videos.", Shape::DayTotal, &[MPT], 18),
    m("replies", "Replies", "The number of replies you received from your story, including text replies and quick reaction replies.", Shape::DayTotal, &[], 6),
    m("follows_and_unfollows", "Follows and unfollows", "The number of accounts that followed you and the number of accounts that unfollowed you or left Instagram.", Shape::DayTotal, &[FT], 12),
    m("profile_links_taps", "Profile links taps", "The number of taps on your business address, call button, email button and text button.", Shape::DayTotal, &["contact_button_type"], 9),
    m("reposts", "Reposts", "The number of times your posts and reels were reposted.", Shape::DayTotal, &[MPT], 5),
    m("follower_count", "Follower count", "The number of new followers each day.", Shape::DaySeries, &[], 16),
    m("online_followers", "Online followers", "Total number of followers who were online during the specified range.", Shape::OnlineFollowers, &[], 400),
    m("follower_demographics", "Follower demographics", "The demographic characteristics of followers, including countries, cities and gender distribution.", Shape::Demographics, &["age", "city", "country", "gender"], 0),
    m("engaged_audience_demographics", "Engaged audience demographics", "The demographic characteristics of the engaged audience, including countries, cities and gender distribution.", Shape::Demographics, &["age", "city", "country", "gender"], 0),
];

#[allow(clippy::too_many_arguments)]
const fn m(
    name: &'static str,
    title: &'static str,
    description: &'static str,
    shape: Shape,
    breakdowns: &'static [&'static str],
    base: u64,
) -> Metric {
    Metric {
        name,
        title,
        description,
        shape,
        breakdowns,
        base,
    }
}

/// Media metrics and the media kinds that take them (`feed`, `reel`, `story`).
pub(crate) const MEDIA: &[(&str, &str, &[&str])] = &[
    ("reach", "Accounts reached", &["feed", "reel", "story"]),
    ("views", "Views", &["feed", "reel", "story"]),
    ("likes", "Likes", &["feed", "reel"]),
    ("comments", "Comments", &["feed", "reel"]),
    ("shares", "Shares", &["feed", "reel", "story"]),
    ("saved", "Saves", &["feed", "reel"]),
    (
        "total_interactions",
        "Interactions",
        &["feed", "reel", "story"],
    ),
    ("follows", "Follows", &["feed", "story"]),
    ("profile_visits", "Profile visits", &["feed", "story"]),
    ("profile_activity", "Profile activity", &["feed", "story"]),
    ("ig_reels_avg_watch_time", "Average watch time", &["reel"]),
    ("ig_reels_video_view_total_time", "Watch time", &["reel"]),
    ("replies", "Replies", &["story"]),
    ("navigation", "Navigation", &["story"]),
    ("reposts", "Reposts", &["feed", "reel"]),
    ("reels_skip_rate", "Skip rate", &["reel"]),
    ("crossposted_views", "Crossposted views", &["reel"]),
    ("facebook_views", "Facebook views", &["reel"]),
    ("total_likes", "Total likes", &["feed", "reel"]),
    ("total_comments", "Total comments", &["feed", "reel"]),
    ("total_views", "Total views", &["feed", "reel"]),
];

/// Media metrics that count ads and boosts, served with Facebook Login only.
pub(crate) const FACEBOOK_LOGIN_ONLY: &[&str] = &["total_likes", "total_comments", "total_views"];

/// Media breakdowns: metric → (dimension, values).
pub(crate) fn media_breakdown(metric: &str) -> Option<(&'static str, &'static [&'static str])> {
    match metric {
        "navigation" => Some((
            "story_navigation_action_type",
            &["TAP_FORWARD", "TAP_BACK", "TAP_EXIT", "SWIPE_FORWARD"],
        )),
        "profile_activity" => Some((
            "action_type",
            &["BIO_LINK_CLICKED", "CALL", "DIRECTION", "EMAIL", "TEXT"],
        )),
        _ => None,
    }
}

/// Metrics Meta removed: name, version, replacement.
pub(crate) const REMOVED: &[(&str, &str, &str)] = &[
    ("impressions", "v22.0", "views"),
    ("plays", "v22.0", "views"),
    ("clips_replays_count", "v22.0", "views"),
    ("ig_reels_aggregated_all_plays_count", "v22.0", "views"),
    ("video_views", "v21.0", "views"),
    (
        "profile_views",
        "v21.0",
        "profile_activity (media) or profile_links_taps",
    ),
    ("website_clicks", "v21.0", "profile_links_taps"),
    ("email_contacts", "v21.0", "profile_links_taps"),
    ("phone_call_clicks", "v21.0", "profile_links_taps"),
    ("text_message_clicks", "v21.0", "profile_links_taps"),
    ("get_directions_clicks", "v21.0", "profile_links_taps"),
    ("carousel_album_impressions", "v22.0", "views"),
    ("carousel_album_video_views", "v21.0", "views"),
    ("carousel_album_reach", "v18.0", "reach"),
    ("carousel_album_engagement", "v18.0", "total_interactions"),
    ("carousel_album_saved", "v18.0", "saved"),
    ("engagement", "v18.0", "total_interactions"),
    ("exits", "v18.0", "navigation"),
    ("taps_forward", "v18.0", "navigation"),
    ("taps_back", "v18.0", "navigation"),
];

/// Code 100 naming a removed metric and what replaces it.
pub(crate) fn removed_error(metric: &str) -> Option<GraphError> {
    REMOVED
        .iter()
        .find(|(n, _, _)| *n == metric)
        .map(|(n, v, r)| {
            GraphError::invalid_param(format!(
                "metric {n} is no longer supported: it was removed in {v}; use {r} instead"
            ))
            .user(
                "Metric removed",
                format!("The {n} metric was removed from the Instagram API in {v}. Use {r}."),
            )
        })
}

/// Values of demographic and contact breakdown dimensions.
pub(crate) fn dimension_values(dim: &str) -> &'static [&'static str] {
    match dim {
        "media_product_type" => &["POST", "REEL", "STORY", "CAROUSEL_CONTAINER", "AD"],
        "follow_type" => &["FOLLOWER", "NON_FOLLOWER"],
        "contact_button_type" => &["BOOK_NOW", "CALL", "DIRECTION", "EMAIL", "TEXT"],
        "age" => &["13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"],
        "gender" => &["F", "M", "U"],
        "country" => &["US", "GB", "DE", "FR", "BR", "IN", "JP"],
        "city" => &[
            "London, England",
            "New York, New York",
            "Berlin, Berlin",
            "Paris, Île-de-France",
            "São Paulo, São Paulo",
        ],
        _ => &[],
    }
}

/// A stable pseudo-random number from the parts (FNV-1a, then a mix).
pub(crate) fn hash(parts: &[&str], n: i64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0xff)) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h ^= n as u64;
    h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^ (h >> 29)
}

/// A day's value of an account metric: the base scaled by followers, ±50 %.
pub(crate) fn day_value(ig: &str, followers: u64, metric: &Metric, day: i64) -> u64 {
    let scaled = metric.base * (followers + 2_000) / 12_000;
    let scaled = scaled.max(1);
    scaled / 2 + hash(&[ig, metric.name], day) % (scaled + 1)
}

/// Splits `total` over every combination of the dimensions' values, deterministically.
pub(crate) fn split(ig: &str, metric: &str, dims: &[&str], total: u64) -> Value {
    let mut combos: Vec<Vec<&str>> = vec![Vec::new()];
    for d in dims {
        let mut next = Vec::new();
        for c in &combos {
            for v in dimension_values(d) {
                let mut c = c.clone();
                c.push(v);
                next.push(c);
            }
        }
        combos = next;
    }
    let weights: Vec<u64> = combos
        .iter()
        .map(|c| 1 + hash(&[ig, metric, &c.join("|")], 0) % 10)
        .collect();
    let sum: u64 = weights.iter().sum::<u64>().max(1);
    let mut values: Vec<u64> = weights.iter().map(|w| total * w / sum).collect();
    let rest = total - values.iter().sum::<u64>();
    if let Some(first) = values.first_mut() {
        *first += rest;
    }
    let results: Vec<Value> = combos
        .iter()
        .zip(values)
        .map(|(c, v)| json!({ "dimension_values": c, "value": v }))
        .collect();
    json!({ "dimension_keys": dims, "results": results })
}
