//! The metrics, periods, breakdowns and timeframes insights requests take, and the metrics Meta
//! removed (refused before any call, naming the replacement).

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the SDK does not know, sent as given.
            Other(String),
        }

        impl $name {
            /// The value as it goes on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Other(s) => s.as_str(),
                }
            }

            /// Every known value (not `Other`).
            pub fn known() -> &'static [Self] {
                &[$( Self::$variant, )+]
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $wire => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum! {
    /// An insights metric (GRAPH_API.md, "Insights"): the account metrics, the media metrics and
    /// the story metrics of the current API versions.
    ///
    /// A metric Meta removed (`impressions`, `plays`, `video_views`, `profile_views`, …) has no
    /// variant; asking for it by name ([`Metric::parse`] or `Other`) is refused with
    /// [`Error::RemovedMetric`] naming the replacement.
    pub enum Metric {
        /// Unique accounts that saw the content (account: day; media: lifetime).
        Reach => "reach",
        /// Times the content was played or shown (replaces `impressions`, `plays`, `video_views`).
        Views => "views",
        /// Accounts that interacted with the content (account, day).
        AccountsEngaged => "accounts_engaged",
        /// Likes, saves, comments, shares, replies and reposts together.
        TotalInteractions => "total_interactions",
        /// Likes.
        Likes => "likes",
        /// Comments.
        Comments => "comments",
        /// Shares.
        Shares => "shares",
        /// Saves.
        Saved => "saved",
        /// Story replies.
        Replies => "replies",
        /// Follows minus unfollows (account, day; breakdown `follow_type`).
        FollowsAndUnfollows => "follows_and_unfollows",
        /// Taps on the profile's contact links (account, day; breakdown `contact_button_type`).
        ProfileLinksTaps => "profile_links_taps",
        /// Followers gained per day (account, day): a level-like count, see [`super::Aggregation`].
        FollowerCount => "follower_count",
        /// Followers online per hour (account, lifetime; values are hour → count maps).
        OnlineFollowers => "online_followers",
        /// Demographics of the followers (account, lifetime + timeframe + breakdown).
        FollowerDemographics => "follower_demographics",
        /// Demographics of the engaged accounts (account, lifetime + timeframe + breakdown).
        EngagedAudienceDemographics => "engaged_audience_demographics",
        /// Follows that came from the media (feed posts and stories).
        Follows => "follows",
        /// Profile visits that came from the media (feed posts and stories).
        ProfileVisits => "profile_visits",
        /// Actions on the profile that came from the media (feed posts and stories).
        ProfileActivity => "profile_activity",
        /// Average watch time of a reel, in milliseconds.
        IgReelsAvgWatchTime => "ig_reels_avg_watch_time",
        /// Total watch time of a reel, in milliseconds.
        IgReelsVideoViewTotalTime => "ig_reels_video_view_total_time",
        /// Story navigation (breakdown `story_navigation_action_type`; replaces `exits`,
        /// `taps_forward`, `taps_back`).
        Navigation => "navigation",
        /// Times the content was reposted (media: feed posts and reels, lifetime; account:
        /// day, `total_value`). Added 2025-12.
        Reposts => "reposts",
        /// Percentage of a reel's views skipped within its first 3 seconds. Added 2025-12.
        ReelsSkipRate => "reels_skip_rate",
        /// Views of a reel crossposted to Facebook, on Instagram and Facebook together.
        /// Added 2025-12.
        CrosspostedViews => "crossposted_views",
        /// Views on Facebook of a reel crossposted there. Added 2025-12.
        FacebookViews => "facebook_views",
        /// Likes including those on ads and boosts of the media (Facebook Login only).
        TotalLikes => "total_likes",
        /// Comments including those on ads and boosts of the media (Facebook Login only).
        TotalComments => "total_comments",
        /// Views including those of ads and boosts of the media (Facebook Login only).
        TotalViews => "total_views",
    }
}

/// A metric Meta removed, and what to ask for instead (`None`: no replacement).
///
/// v21 (2025-01) and v22 (2025-04) removed most of these (GRAPH_API.md); older ones (carousel
/// and audience metrics, story taps) are listed because code written for them still circulates.
const REMOVED: &[(&str, Option<&str>)] = &[
    ("impressions", Some("views")),
    ("plays", Some("views")),
    ("video_views", Some("views")),
    ("profile_views", Some("views")),
    ("clips_replays_count", Some("views")),
    ("ig_reels_aggregated_all_plays_count", Some("views")),
    ("carousel_album_impressions", Some("views")),
    ("carousel_album_video_views", Some("views")),
    ("carousel_album_reach", Some("reach")),
    ("carousel_album_engagement", Some("total_interactions")),
    ("carousel_album_saved", Some("saved")),
    ("engagement", Some("total_interactions")),
    ("website_clicks", Some("profile_links_taps")),
    ("email_contacts", Some("profile_links_taps")),
    ("phone_call_clicks", Some("profile_links_taps")),
    ("text_message_clicks", Some("profile_links_taps")),
    ("get_directions_clicks", Some("profile_links_taps")),
    ("exits", Some("navigation")),
    ("taps_forward", Some("navigation")),
    ("taps_back", Some("navigation")),
    ("audience_gender_age", Some("follower_demographics")),
    ("audience_city", Some("follower_demographics")),
    ("audience_country", Some("follower_demographics")),
    ("audience_locale", Some("follower_demographics")),
];

/// The replacement of a removed metric: `Some(Some(r))` when removed with a replacement,
/// `Some(None)` when removed without one, `None` when the name is not a removed metric.
pub fn removed_metric(name: &str) -> Option<Option<&'static str>> {
    REMOVED
        .iter()
        .find(|(removed, _)| removed.eq_ignore_ascii_case(name.trim()))
        .map(|(_, replacement)| *replacement)
}

impl Metric {
    /// Reads a metric name, refusing a removed one with [`Error::RemovedMetric`] (naming its
    /// replacement) and keeping an unknown one as `Other`.
    pub fn parse(name: &str) -> Result<Self, Error> {
        let metric = Metric::from(name.trim());
        metric.check_not_removed()?;
        Ok(metric)
    }

    /// Refuses a removed metric given as `Other` (the named variants are all current).
    pub(crate) fn check_not_removed(&self) -> Result<(), Error> {
        if let Metric::Other(name) = self {
            if name.trim().is_empty() {
                return Err(Error::invalid("metric", "a metric name cannot be empty"));
            }
            if let Some(replacement) = removed_metric(name) {
                return Err(Error::RemovedMetric {
                    metric: name.clone(),
                    replacement,
                });
            }
        }
        Ok(())
    }

    /// The demographic metrics: lifetime, with a `timeframe` and a demographic breakdown.
    pub fn is_demographic(&self) -> bool {
        matches!(
            self,
            Metric::FollowerDemographics | Metric::EngagedAudienceDemographics
        )
    }

    /// The account metrics whose period is `day` (GRAPH_API.md, "Insights").
    pub fn is_daily_account_metric(&self) -> bool {
        matches!(
            self,
            Metric::Reach
                | Metric::Views
                | Metric::AccountsEngaged
                | Metric::TotalInteractions
                | Metric::Likes
                | Metric::Comments
                | Metric::Shares
                | Metric::Saved
                | Metric::Replies
                | Metric::FollowsAndUnfollows
                | Metric::ProfileLinksTaps
                | Metric::FollowerCount
                | Metric::Reposts
        )
    }

    /// Whether Meta serves this account metric day by day (`metric_type=time_series`): only
    /// `reach` and `follower_count` (and metrics this crate does not know, which are let
    /// through). The other day metrics come only as a `total_value` over the range.
    pub fn has_time_series(&self) -> bool {
        matches!(
            self,
            Metric::Reach | Metric::FollowerCount | Metric::Other(_)
        )
    }

    /// The media metrics that count ads and boosts too, which only Facebook Login serves.
    pub fn is_facebook_login_only(&self) -> bool {
        matches!(
            self,
            Metric::TotalLikes | Metric::TotalComments | Metric::TotalViews
        )
    }

    /// Whether the metric can be asked of `/{ig-user-id}/insights` at all (`Other` is let
    /// through: Meta adds metrics).
    pub fn is_account_metric(&self) -> bool {
        self.is_daily_account_metric()
            || self.is_demographic()
            || matches!(self, Metric::OnlineFollowers | Metric::Other(_))
    }

    /// How day values of this metric roll up into weeks and months.
    pub fn aggregation(&self) -> super::Aggregation {
        use super::Aggregation;
        match self {
            Metric::FollowerCount => Aggregation::Last,
            Metric::Reach | Metric::AccountsEngaged => Aggregation::SumOfUniques,
            _ => Aggregation::Sum,
        }
    }
}

impl FromStr for Metric {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Metric::parse(s)
    }
}

wire_enum! {
    /// The `period` of an account insights request.
    pub enum Period {
        /// One value per day.
        Day => "day",
        /// One value per week (older metrics).
        Week => "week",
        /// One value per 28 days (older metrics).
        Days28 => "days_28",
        /// The object's lifetime (`online_followers`, demographics, media).
        Lifetime => "lifetime",
    }
}

wire_enum! {
    /// `metric_type`: a total over the range (with breakdowns) or one value per period.
    pub enum MetricType {
        /// `total_value`: one total, optionally broken down.
        TotalValue => "total_value",
        /// `time_series`: one value per period, each with its `end_time`.
        TimeSeries => "time_series",
    }
}

wire_enum! {
    /// A `breakdown` dimension.
    pub enum Breakdown {
        /// Age brackets (demographics).
        Age => "age",
        /// Cities (demographics).
        City => "city",
        /// Countries (demographics).
        Country => "country",
        /// Gender (demographics).
        Gender => "gender",
        /// Where the interaction happened: feed, reels, stories, … (interaction metrics).
        MediaProductType => "media_product_type",
        /// Followers vs. non-followers (`reach`, `views`, `follows_and_unfollows`).
        FollowType => "follow_type",
        /// Which contact button (`profile_links_taps`).
        ContactButtonType => "contact_button_type",
        /// Story navigation action (`navigation` of a story).
        StoryNavigationActionType => "story_navigation_action_type",
    }
}

impl Breakdown {
    /// The dimensions only the demographic metrics accept.
    pub fn is_demographic(&self) -> bool {
        matches!(
            self,
            Breakdown::Age | Breakdown::City | Breakdown::Country | Breakdown::Gender
        )
    }
}

wire_enum! {
    /// The `timeframe` of the demographic metrics.
    pub enum Timeframe {
        /// The current week.
        ThisWeek => "this_week",
        /// The current month.
        ThisMonth => "this_month",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removed_metrics_name_their_replacement() {
        for name in [
            "impressions",
            "plays",
            "video_views",
            "profile_views",
            "Impressions ",
        ] {
            match Metric::parse(name) {
                Err(Error::RemovedMetric { replacement, .. }) => {
                    assert_eq!(replacement, Some("views"), "{name}")
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        assert_eq!(Metric::parse("reach").unwrap(), Metric::Reach);
        assert_eq!(
            Metric::parse("brand_new").unwrap(),
            Metric::Other("brand_new".into())
        );
        // No current metric is listed as removed.
        for m in Metric::known() {
            assert_eq!(removed_metric(m.as_str()), None, "{m}");
        }
    }

    #[test]
    fn only_reach_and_follower_count_come_day_by_day() {
        let series: Vec<&Metric> = Metric::known()
            .iter()
            .filter(|m| m.is_daily_account_metric() && m.has_time_series())
            .collect();
        assert_eq!(series, [&Metric::Reach, &Metric::FollowerCount]);
        assert!(!Metric::Views.has_time_series());
    }
}
