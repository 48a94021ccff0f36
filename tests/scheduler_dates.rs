//! The Scheduler's publish time bounds: from a year ago (due now) to two years ahead. A time
//! outside them (a wrong year, seconds taken for milliseconds) is refused with
//! `Error::InvalidInput { field: "publish_at" }` before anything reaches the store, by both
//! `schedule` and `reschedule`.

mod scheduler_support;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use instagraph::store::JobStatus;
use instagraph::Error;
use scheduler_support::*;

fn assert_refused(result: instagraph::Result<instagraph::store::JobRecord>, at: DateTime<Utc>) {
    match result {
        Err(Error::InvalidInput {
            field: "publish_at",
            reason,
        }) => assert!(reason.contains("out of range"), "{at}: {reason}"),
        other => panic!("{at}: expected InvalidInput on publish_at, got {other:?}"),
    }
}

#[tokio::test]
async fn publish_times_outside_a_year_ago_to_two_years_ahead_are_refused() {
    let sandbox = sandbox(100).await;
    let (_dir, path) = db_path();
    let p = Process::open(&sandbox, &path).await;
    let company = instagraph::CompanyId::new("acme");
    p.connect_alice(&sandbox, &company).await;
    let s = &p.scheduler;
    let now = Utc::now();

    let refused = [
        Utc.with_ymd_and_hms(1900, 1, 1, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(9999, 12, 31, 0, 0, 0).unwrap(),
        DateTime::<Utc>::UNIX_EPOCH,
        now - TimeDelta::days(366),
        now + TimeDelta::days(731),
    ];
    for at in refused {
        assert_refused(
            s.schedule(&company, &ig(IG_BAKERY), image(1), at, None)
                .await,
            at,
        );
    }
    // Refused before the account lookup and the store: even for an unknown account.
    assert_refused(
        s.schedule(&company, &ig("999"), image(1), refused[0], None)
            .await,
        refused[0],
    );
    assert!(s.list(&company, None).await.expect("list").is_empty());

    // Within the bounds, with a day's margin either side of the clock.
    for at in [now - TimeDelta::days(364), now, now + TimeDelta::days(729)] {
        let job = s
            .schedule(&company, &ig(IG_BAKERY), image(2), at, None)
            .await
            .expect("within the bounds");
        assert_eq!(job.status, JobStatus::Scheduled);
    }

    // Reschedule has the same bounds, and a refused move leaves the job as it was.
    let later = now + TimeDelta::hours(1);
    let job = s
        .schedule(&company, &ig(IG_BAKERY), image(3), later, None)
        .await
        .expect("schedule");
    for at in refused {
        assert_refused(s.reschedule(&company, &job.id, at).await, at);
    }
    assert_eq!(s.get(&company, &job.id).await.expect("get"), job);
    let moved = s
        .reschedule(&company, &job.id, now + TimeDelta::days(700))
        .await
        .expect("within the bounds");
    assert_eq!(moved.status, JobStatus::Scheduled);
}
