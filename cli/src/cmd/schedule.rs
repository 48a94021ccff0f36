//! `instagraph schedule`: the core's Scheduler: its jobs, cancelling one, a worker.

use std::time::Duration;

use chrono::Utc;
use instagraph::publisher::{Publisher, Scheduler, TickReport, Worker};
use instagraph::store::{JobRecord, JobStatus};
use instagraph::JobId;
use serde_json::{json, Value};

use crate::args::{Global, ScheduleAction, ScheduleArgs};
use crate::context::Context;
use crate::output::{self, or_dash, Failure};

/// Runs one `schedule` action (default: list).
pub async fn run(global: &Global, args: ScheduleArgs) -> Result<(), Failure> {
    let action = args.action.unwrap_or(ScheduleAction::List { status: None });
    let status = match &action {
        ScheduleAction::List { status: Some(s) } => Some(s.trim().parse::<JobStatus>()?),
        _ => None,
    };
    let context = Context::open(global).await?;
    let scheduler = Scheduler::new(Publisher::new(context.accounts.clone()));
    match action {
        ScheduleAction::List { .. } => {
            let jobs = scheduler.list(&context.company, status).await?;
            let doc = json!({ "jobs": jobs.iter().map(job_json).collect::<Vec<_>>() });
            output::emit(global.json, &doc, || {
                if jobs.is_empty() {
                    return "No publish jobs.".into();
                }
                let rows = jobs.iter().map(job_row).collect();
                output::table(["job", "account", "status", "due", "result"], rows)
            });
        }
        ScheduleAction::Cancel { job } => {
            let job = scheduler
                .cancel(&context.company, &JobId::new(job.trim()))
                .await?;
            let doc = job_json(&job);
            output::emit(global.json, &doc, || {
                format!("Job {} is {}.", job.id, job.status)
            });
        }
        ScheduleAction::Run {
            once,
            passes,
            worker,
        } => {
            let worker = scheduler.worker(worker);
            if once {
                let report = worker.run_once().await?;
                output::emit(global.json, &report_json(&report), || report_text(&report));
            } else {
                if !global.json {
                    eprintln!("Worker {} running; Ctrl-C stops it.", worker.id());
                }
                run_passes(global, &worker, passes).await?;
            }
        }
    }
    Ok(())
}

/// The worker's loop, one printed line per pass (a JSON line with `--json`): a pass that found
/// work is followed at once by the next; an idle one by a wait, doubled after each idle pass,
/// from the worker's `poll_interval` up to its `max_poll_interval` (as `Worker::run_until`
/// waits). Stops after `passes` passes, or at Ctrl-C / SIGTERM once the running pass (and its
/// jobs) has finished.
async fn run_passes(global: &Global, worker: &Worker, passes: Option<u64>) -> Result<(), Failure> {
    let stop = super::shutdown_signal();
    tokio::pin!(stop);
    let mut stopping = false;
    let (first_wait, longest_wait) = (
        worker.options().poll_interval,
        worker.options().max_poll_interval,
    );
    let mut idle = first_wait;
    let mut pass = 0u64;
    loop {
        pass += 1;
        let tick = worker.run_once();
        tokio::pin!(tick);
        // A stop request lets the pass finish: its jobs are published or settled, none cut.
        let result = tokio::select! {
            result = &mut tick => result,
            () = &mut stop, if !stopping => {
                stopping = true;
                tick.await
            }
        };
        let at = Utc::now();
        let wait = match result {
            Ok(report) => {
                let mut doc = report_json(&report);
                doc["pass"] = json!(pass);
                doc["at"] = json!(at);
                output::emit(global.json, &doc, || {
                    format!(
                        "Pass {pass} at {}: {}",
                        at.format("%Y-%m-%d %H:%M:%S UTC"),
                        report_text(&report)
                    )
                });
                if report.claimed > 0 {
                    idle = first_wait;
                    Duration::ZERO
                } else {
                    next_idle(&mut idle, longest_wait)
                }
            }
            // The worker itself is misconfigured (e.g. an empty --worker): nothing will run.
            Err(e) if pass == 1 => return Err(e.into()),
            // The store failed this time: said, and tried again after a wait.
            Err(e) => {
                let failure = Failure::from(e);
                let doc = json!({ "pass": pass, "at": at, "error": failure.json() });
                output::emit(global.json, &doc, || {
                    format!("Pass {pass} failed: {}", failure.message)
                });
                next_idle(&mut idle, longest_wait)
            }
        };
        if stopping || passes.is_some_and(|n| pass >= n) {
            return Ok(());
        }
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = &mut stop, if !stopping => return Ok(()),
        }
    }
}

/// The wait after an idle pass; the next one is twice as long, up to `longest`.
fn next_idle(idle: &mut Duration, longest: Duration) -> Duration {
    let wait = *idle;
    *idle = wait.saturating_mul(2).min(longest);
    wait
}

/// A job as JSON (the stored row; it holds no token).
pub fn job_json(job: &JobRecord) -> Value {
    serde_json::to_value(job).unwrap_or(Value::Null)
}

fn job_row(job: &JobRecord) -> [String; 5] {
    [
        job.id.to_string(),
        job.ig_user_id.to_string(),
        job.status.to_string(),
        or_dash(job.scheduled_at.map(|t| t.format("%Y-%m-%d %H:%M UTC"))),
        job.permalink
            .clone()
            .or_else(|| job.error.clone())
            .unwrap_or_else(|| "-".into()),
    ]
}

fn report_json(r: &TickReport) -> Value {
    json!({
        "claimed": r.claimed, "published": r.published, "deferred": r.deferred,
        "failed": r.failed, "retried": r.retried, "released": r.released,
    })
}

fn report_text(r: &TickReport) -> String {
    format!(
        "Claimed {}: {} published, {} deferred, {} retried, {} failed, {} released.",
        r.claimed, r.published, r.deferred, r.retried, r.failed, r.released
    )
}
