//! The multi-process acceptance test: real OS processes running the agency backend of
//! `examples/agency_server.rs` share one store. A connect started on one server process
//! finishes on another; then four scheduler worker processes publish the scheduled posts against
//! the sandbox while one of them is killed with SIGKILL mid-run: every post is published exactly
//! once and none is missed.
//!
//! The children are this test binary run again (`current_exe`, the ignored entry point
//! `child_process`, the command line in an environment variable): that is the example's own code
//! (`mod agency_server` below is the example file), in processes of their own, without depending
//! on where cargo put the example's binary. The sandbox runs in this process and the children
//! reach it over HTTP on 127.0.0.1.

#![cfg(all(unix, feature = "sqlite"))]

#[path = "../examples/agency_server.rs"]
#[allow(dead_code)]
mod agency_server;

mod multi_process_support;
#[cfg(feature = "postgres")]
mod pg_support;

use multi_process_support::*;

/// Where the children find their command line (JSON array of arguments).
pub const CHILD_ARGS: &str = "INSTAGRAPH_MULTI_PROCESS_CHILD_ARGS";

/// The entry point of every child process: runs the example with the arguments it was given.
#[test]
#[ignore = "entry point of the child processes"]
fn child_process() {
    // Run by hand with `--ignored` and no arguments: nothing to do.
    let Ok(args) = std::env::var(CHILD_ARGS) else {
        return;
    };
    let args: Vec<String> = serde_json::from_str(&args).expect("the child's arguments");
    // The parent holds our stdin open while it wants us: when it is gone (even killed), stop.
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
        std::process::exit(3);
    });
    if let Err(e) = agency_server::run(args) {
        panic!("agency_server failed: {e}");
    }
}

/// Two servers and four workers on one SQLite file: SQLite serves many processes on one machine.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_file_shared_by_two_servers_and_four_workers_one_killed() {
    let _serial = serial().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite:{}", dir.path().join("agency.db").display());
    let report = Scenario {
        store_url: url,
        posts: 1_000,
    }
    .run()
    .await;
    eprintln!("sqlite: {report}");
}

/// The test: two servers and four workers, 1,000 posts, on one Postgres database (a fresh
/// schema of the test server, dropped afterwards).
#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(not(instagraph_pg), ignore = "set INSTAGRAPH_TEST_POSTGRES_URL to run")]
async fn postgres_shared_by_two_servers_and_four_workers_one_killed() {
    let _serial = serial().await;
    // Creates the schema and its tables; every process then opens it through the URL.
    let (created, _guard) = pg_support::fresh_store("multi_process").await;
    let schema = created.schema().expect("a schema").to_owned();
    created.close().await;
    let base = pg_support::url();
    let separator = if base.contains('?') { '&' } else { '?' };
    let report = Scenario {
        store_url: format!("{base}{separator}options[search_path]={schema}"),
        posts: 1_000,
    }
    .run()
    .await;
    eprintln!("postgres: {report}");
}
