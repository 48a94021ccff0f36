//! Rate-limit bookkeeping: `X-App-Usage` over a rolling hour, `X-Business-Use-Case-Usage` per IG
//! account or Page over a rolling day, and the throttling errors when a budget is spent.

use std::collections::VecDeque;

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::error::{GraphError, GraphResult};
use super::world::World;

fn prune(q: &mut VecDeque<DateTime<Utc>>, since: DateTime<Utc>) {
    while q.front().is_some_and(|t| *t <= since) {
        q.pop_front();
    }
}

fn pct(count: usize, budget: u64) -> u64 {
    // A zero budget means "unlimited": always 0%.
    (count as u64 * 100).checked_div(budget).unwrap_or(0)
}

/// Minutes until the oldest call leaves the window (at least 1).
fn regain(q: &VecDeque<DateTime<Utc>>, window: Duration, now: DateTime<Utc>) -> u64 {
    q.front()
        .map(|t| {
            let secs = (*t + window - now).num_seconds().max(0) as u64;
            secs.div_ceil(60).max(1)
        })
        .unwrap_or(1)
}

pub(crate) fn app_percent(w: &mut World) -> u64 {
    let now = w.now();
    prune(&mut w.usage.app, now - Duration::hours(1));
    pct(w.usage.app.len(), w.config.app_call_budget_per_hour)
}

/// Refuses the call with code 4 when the app's hourly budget is spent; else counts it.
pub(crate) fn touch_app(w: &mut World) -> GraphResult<()> {
    let now = w.now();
    if app_percent(w) >= 100 {
        let minutes = regain(&w.usage.app, Duration::hours(1), now);
        let mut e = GraphError::oauth(4, "(#4) Application request limit reached").transient(400);
        e.regain_minutes = Some(minutes);
        return Err(e);
    }
    w.usage.app.push_back(now);
    Ok(())
}

fn object_percent(w: &mut World, id: &str) -> u64 {
    let since = w.now() - Duration::hours(24);
    let budget = w.config.business_call_budget_per_day;
    let q = w.usage.objects.entry(id.to_owned()).or_default();
    prune(q, since);
    pct(q.len(), budget)
}

/// Refuses the call with 80002 (IG) or 32 (Page) when the object's budget is spent; else counts.
pub(crate) fn touch_object(w: &mut World, id: &str, kind: &str) -> GraphResult<()> {
    let now = w.now();
    if object_percent(w, id) >= 100 {
        let minutes = w
            .usage
            .objects
            .get(id)
            .map_or(1, |q| regain(q, Duration::hours(24), now));
        let mut e = if kind == "instagram" {
            GraphError::oauth(
                80002,
                "(#80002) There have been too many calls to this Instagram account. Wait a bit \
                 and try again. For more info, please refer to \
                 https://developers.facebook.com/docs/graph-api/overview/rate-limiting.",
            )
        } else {
            GraphError::oauth(32, "(#32) Page request limit reached")
        }
        .transient(400);
        e.regain_minutes = Some(minutes);
        return Err(e);
    }
    w.usage
        .objects
        .entry(id.to_owned())
        .or_default()
        .push_back(now);
    Ok(())
}

/// The usage headers for a response. `forced` is a throttle code injected by a fault: the
/// matching header then reads 100%.
pub(crate) fn headers(
    w: &mut World,
    object: Option<&(String, &'static str)>,
    error: Option<&GraphError>,
) -> Vec<(String, String)> {
    let throttled = error.filter(|e| e.regain_minutes.is_some());
    let app_forced = throttled.is_some_and(|e| !e.object_scoped && matches!(e.code, 4 | 17 | 613));
    let mut app = app_percent(w);
    if app_forced {
        app = app.max(100);
    }
    let mut out = vec![(
        "x-app-usage".to_owned(),
        json!({ "call_count": app, "total_cputime": app / 2, "total_time": app / 2 + app % 2 })
            .to_string(),
    )];
    if let Some((id, kind)) = object {
        let mut p = object_percent(w, id);
        let mut minutes = 0;
        if let Some(e) =
            throttled.filter(|e| e.object_scoped || matches!(e.code, 32 | 80000..=80014))
        {
            p = p.max(100);
            minutes = e.regain_minutes.unwrap_or(1);
        }
        let entry = json!([{
            "type": kind,
            "call_count": p,
            "total_cputime": p / 2,
            "total_time": p / 2 + p % 2,
            "estimated_time_to_regain_access": minutes,
        }]);
        let mut map = serde_json::Map::new();
        map.insert(id.clone(), entry);
        out.push((
            "x-business-use-case-usage".to_owned(),
            serde_json::Value::Object(map).to_string(),
        ));
    }
    out
}
