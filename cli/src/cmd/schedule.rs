//! `instagraph schedule`: the core's Scheduler: its jobs, cancelling one, a worker.

use instagraph::publisher::{Publisher, Scheduler, TickReport};
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
        ScheduleAction::Run { once, worker } => {
            let worker = scheduler.worker(worker);
            if once {
                let report = worker.run_once().await?;
                output::emit(global.json, &report_json(&report), || report_text(&report));
            } else {
                if !global.json {
                    eprintln!("Worker {} running; Ctrl-C stops it.", worker.id());
                }
                worker.run_until(super::shutdown_signal()).await?;
            }
        }
    }
    Ok(())
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
