//! `AccountGraph`: media, comments, insights and messaging of one connected account.
//!
//! The models are small mirrors of the core's: the core's keep every unknown field of Meta's
//! answers as open-ended JSON (`extra`), which uniffi cannot carry.

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use instagraph::accounts::AccountAccess;
use instagraph::api::insights::{Aggregation, Granularity, Metric, Period, RolledUpMetric};
use instagraph::api::messaging::MessageContent;
use instagraph::api::models::{Conversation, Insight};
use instagraph::{CommentId, IgUserId, MediaId};

use crate::error::{invalid, required, sdk, Result};

/// A media of the account.
#[derive(Debug, Clone, uniffi::Record)]
pub struct MediaSummary {
    /// The media id.
    pub id: String,
    /// Its caption.
    pub caption: Option<String>,
    /// `IMAGE`, `VIDEO`, `CAROUSEL_ALBUM`.
    pub media_type: Option<String>,
    /// Its permalink.
    pub permalink: Option<String>,
    /// When it was posted (as Meta sends it).
    pub timestamp: Option<String>,
    /// Likes.
    pub like_count: Option<u64>,
    /// Comments.
    pub comments_count: Option<u64>,
}

impl From<instagraph::api::models::Media> for MediaSummary {
    fn from(m: instagraph::api::models::Media) -> Self {
        MediaSummary {
            id: m.id.into_inner(),
            caption: m.caption,
            media_type: m.media_type.as_ref().map(|t| t.as_str().to_owned()),
            permalink: m.permalink,
            timestamp: m.timestamp,
            like_count: m.like_count,
            comments_count: m.comments_count,
        }
    }
}

/// A comment (or reply).
#[derive(Debug, Clone, uniffi::Record)]
pub struct CommentSummary {
    /// The comment id.
    pub id: String,
    /// Its text.
    pub text: Option<String>,
    /// Its author's username.
    pub username: Option<String>,
    /// When it was posted.
    pub timestamp: Option<String>,
    /// Whether it is hidden.
    pub hidden: Option<bool>,
    /// Usernames of its replies' authors (answered-or-not at a glance).
    pub reply_usernames: Vec<String>,
}

/// One value of an insights series.
#[derive(Debug, Clone, uniffi::Record)]
pub struct InsightPoint {
    /// The value, when numeric.
    pub value: Option<f64>,
    /// The end of the period it covers.
    pub end_time: Option<String>,
}

/// One metric's answer.
#[derive(Debug, Clone, uniffi::Record)]
pub struct InsightSeries {
    /// The metric, e.g. `reach`.
    pub name: String,
    /// Time-series values.
    pub values: Vec<InsightPoint>,
    /// The total (`total_value` answers and lifetime media metrics), when numeric.
    pub total: Option<f64>,
}

/// One bucket of a metric's series.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SeriesPoint {
    /// The bucket's first day, `YYYY-MM-DD`.
    pub start: String,
    /// The bucket's last day, `YYYY-MM-DD`.
    pub end: String,
    /// The metric over the bucket.
    pub value: f64,
    /// Days of the bucket inside the range asked for.
    pub days: u32,
}

/// One metric as a series of buckets, ready to chart.
#[derive(Debug, Clone, uniffi::Record)]
pub struct MetricSeries {
    /// The metric, e.g. `views`.
    pub name: String,
    /// How its buckets were made: summed days, the last day, or Meta's own total.
    pub aggregation: Aggregation,
    /// The buckets, oldest first.
    pub points: Vec<SeriesPoint>,
}

impl From<RolledUpMetric> for MetricSeries {
    fn from(m: RolledUpMetric) -> Self {
        MetricSeries {
            name: m.name,
            aggregation: m.aggregation,
            points: m
                .points
                .into_iter()
                .map(|p| SeriesPoint {
                    start: p.start.to_string(),
                    end: p.end.to_string(),
                    value: p.value,
                    days: p.days,
                })
                .collect(),
        }
    }
}

/// The period of an account insights request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum InsightPeriod {
    /// One value per day.
    Day,
    /// One value per week.
    Week,
    /// One value per 28 days.
    Days28,
    /// The lifetime.
    Lifetime,
}

/// A conversation of the account.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ConversationSummary {
    /// The conversation id.
    pub id: String,
    /// When it last changed.
    pub updated_time: Option<String>,
    /// The other participants' IGSIDs (recipients of a reply).
    pub participant_ids: Vec<String>,
    /// Their usernames, in the same order (empty when unknown).
    pub participant_usernames: Vec<String>,
}

/// What Meta answered to a sent message.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SentMessage {
    /// The recipient's IGSID.
    pub recipient_id: Option<String>,
    /// The new message's id.
    pub message_id: Option<String>,
}

pub(crate) fn series(i: &Insight) -> InsightSeries {
    let values: Vec<InsightPoint> = i
        .values
        .iter()
        .map(|v| InsightPoint {
            value: v.as_f64(),
            end_time: v.end_time.clone(),
        })
        .collect();
    // A total answer, or a lifetime media metric (a single value): the core's number.
    let total = (i.total_value.is_some() || values.len() == 1)
        .then(|| i.number())
        .flatten();
    InsightSeries {
        name: i.name.clone(),
        values,
        total,
    }
}

/// Conversations as the account `me` sees them: the participants other than itself.
pub(crate) fn conversation_summaries(
    conversations: &[Conversation],
    me: &IgUserId,
) -> Vec<ConversationSummary> {
    conversations
        .iter()
        .map(|c| {
            let others: Vec<_> = c
                .participants
                .as_ref()
                .map(|p| p.data.iter().filter(|p| p.id != me.as_str()).collect())
                .unwrap_or_default();
            ConversationSummary {
                id: c.id.as_str().to_owned(),
                updated_time: c.updated_time.clone(),
                participant_ids: others.iter().map(|p| p.id.clone()).collect(),
                participant_usernames: others
                    .iter()
                    .map(|p| p.username.clone().unwrap_or_default())
                    .collect(),
            }
        })
        .collect()
}

/// A foreign time as the core's, refused (naming `argument`) when it is before 1970 or beyond
/// what chrono holds: chrono's own conversion would panic on a Kotlin `Instant.MAX`.
pub(crate) fn time(argument: &str, t: SystemTime) -> Result<DateTime<Utc>> {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_err(|_| invalid(argument, "is before 1970"))?;
    DateTime::<Utc>::from_timestamp(
        i64::try_from(secs.as_secs()).map_err(|_| invalid(argument, "is out of range"))?,
        secs.subsec_nanos(),
    )
    .ok_or_else(|| invalid(argument, "is out of range"))
}

/// The Graph API for one connected account, with its stored token.
#[derive(uniffi::Object)]
pub struct AccountGraph {
    pub(crate) client: instagraph::Client,
    pub(crate) access: AccountAccess,
}

impl AccountGraph {
    pub(crate) fn new(client: instagraph::Client, access: AccountAccess) -> Self {
        Self { client, access }
    }

    /// The client and the account's access, for the calls exported from other modules.
    pub(crate) fn parts(&self) -> (&instagraph::Client, &AccountAccess) {
        (&self.client, &self.access)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl AccountGraph {
    /// The account's IG user id.
    pub fn ig_user_id(&self) -> String {
        self.access.ig_user_id.as_str().to_owned()
    }

    /// The account's newest media (one page, `limit` 1–100).
    ///
    /// Core: IgUserMediaHandler::list
    pub async fn media(&self, limit: u32) -> Result<Vec<MediaSummary>> {
        const WHAT: &str = "AccountGraph.media";
        let (client, access) = (&self.client, &self.access);
        if !(1..=100).contains(&limit) {
            return Err(invalid("limit", "must be between 1 and 100"));
        }
        let page = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .media()
            .list()
            .limit(limit)
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(page.items.into_iter().map(MediaSummary::from).collect())
    }

    /// The newest top-level comments of a media (one page).
    ///
    /// Core: MediaHandler::comments
    pub async fn comments(&self, media_id: String) -> Result<Vec<CommentSummary>> {
        const WHAT: &str = "AccountGraph.comments";
        let (client, access) = (&self.client, &self.access);
        required("media_id", &media_id)?;
        let page = access
            .graph(client)
            .media(MediaId::new(media_id))
            .comments()
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(page
            .items
            .iter()
            .map(|c| CommentSummary {
                id: c.id.as_str().to_owned(),
                text: c.text.clone(),
                username: c.username.clone(),
                timestamp: c.timestamp.clone(),
                hidden: c.hidden,
                reply_usernames: c
                    .replies()
                    .iter()
                    .filter_map(|r| r.username.clone())
                    .collect(),
            })
            .collect())
    }

    /// Replies to a comment; returns the reply's id.
    ///
    /// Core: CommentHandler::reply
    pub async fn reply_to_comment(&self, comment_id: String, message: String) -> Result<String> {
        const WHAT: &str = "AccountGraph.reply_to_comment";
        let (client, access) = (&self.client, &self.access);
        required("comment_id", &comment_id)?;
        required("message", &message)?;
        let id = access
            .graph(client)
            .comment(CommentId::new(comment_id))
            .reply(&message)
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(id.as_str().to_owned())
    }

    /// Account insights: `metrics` (e.g. `["reach"]`) over `period`, between `since` and
    /// `until` (long ranges are fetched in 30-day windows).
    ///
    /// Core: IgUserHandler::insights
    pub async fn account_insights(
        &self,
        metrics: Vec<String>,
        period: InsightPeriod,
        since: SystemTime,
        until: SystemTime,
    ) -> Result<Vec<InsightSeries>> {
        const WHAT: &str = "AccountGraph.account_insights";
        let (client, access) = (&self.client, &self.access);
        let parsed = parse_metrics(WHAT, &metrics)?;
        let period = match period {
            InsightPeriod::Day => Period::Day,
            InsightPeriod::Week => Period::Week,
            InsightPeriod::Days28 => Period::Days28,
            InsightPeriod::Lifetime => Period::Lifetime,
        };
        let out = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .insights()
            .metrics(parsed)
            .period(period)
            .since(time("since", since)?)
            .until(time("until", until)?)
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(out.metrics.iter().map(series).collect())
    }

    /// Every day metric in `metrics` as a series of buckets (`by` day, ISO week or month) over
    /// `since`…`until`, ready to chart: `reach` and `follower_count` rolled up from their day
    /// values, the metrics Meta gives only as totals (`views`, `accounts_engaged`,
    /// `total_interactions`, ...) one total per bucket (at most 93 buckets). Checked before any
    /// call.
    ///
    /// Core: AccountInsightsRequest::send_series
    pub async fn account_insight_series(
        &self,
        metrics: Vec<String>,
        since: SystemTime,
        until: SystemTime,
        by: Granularity,
    ) -> Result<Vec<MetricSeries>> {
        const WHAT: &str = "AccountGraph.account_insight_series";
        let (client, access) = (&self.client, &self.access);
        let parsed = parse_metrics(WHAT, &metrics)?;
        let series = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .insights()
            .metrics(parsed)
            .since(time("since", since)?)
            .until(time("until", until)?)
            .send_series(by)
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(series.into_iter().map(MetricSeries::from).collect())
    }

    /// A media's lifetime insights (the metrics that fit its kind: post, reel, story, ...).
    ///
    /// Core: Graph::media_insight_kind, Graph::media_insights
    pub async fn media_insights(&self, media_id: String) -> Result<Vec<InsightSeries>> {
        const WHAT: &str = "AccountGraph.media_insights";
        let (client, access) = (&self.client, &self.access);
        required("media_id", &media_id)?;
        let graph = access.graph(client);
        let kind = graph
            .media_insight_kind(MediaId::new(media_id.clone()))
            .await
            .map_err(|e| sdk(WHAT, e))?;
        let out = graph
            .media_insights(MediaId::new(media_id), kind)
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(out.metrics.iter().map(series).collect())
    }

    /// The account's conversations (one page, newest first).
    ///
    /// Core: IgUserMessagesHandler::conversations
    pub async fn conversations(&self) -> Result<Vec<ConversationSummary>> {
        const WHAT: &str = "AccountGraph.conversations";
        let (client, access) = (&self.client, &self.access);
        let me = access.ig_user_id.clone();
        let page = access
            .graph(client)
            .ig_user(me.clone())
            .messages()
            .conversations()
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(conversation_summaries(&page.items, &me))
    }

    /// Sends a text message to a person (their IGSID), within the messaging window.
    ///
    /// Core: IgUserMessagesHandler::send
    pub async fn send_message(&self, recipient_id: String, text: String) -> Result<SentMessage> {
        const WHAT: &str = "AccountGraph.send_message";
        let (client, access) = (&self.client, &self.access);
        required("recipient_id", &recipient_id)?;
        required("text", &text)?;
        let out = access
            .graph(client)
            .ig_user(access.ig_user_id.clone())
            .messages()
            .send(recipient_id, MessageContent::Text(text))
            .send()
            .await
            .map_err(|e| sdk(WHAT, e))?;
        Ok(SentMessage {
            recipient_id: out.recipient_id,
            message_id: out.message_id.map(|m| m.as_str().to_owned()),
        })
    }
}

/// Metric names as the core's [`Metric`]s; an unknown or removed one is the core's error.
fn parse_metrics(what: &str, names: &[String]) -> Result<Vec<Metric>> {
    names
        .iter()
        .map(|m| m.parse::<Metric>().map_err(|e| sdk(what, e)))
        .collect()
}
