//! `instagraph publish` and `schedule`: refused posts stop before any call; progress is drawn
//! as bars under a terminal and as plain lines otherwise; scheduled posts are run by the worker.

mod common;

use std::time::Duration;

use chrono::{TimeDelta, Utc};
use common::{bare, bare_std, video_file, World};
use expectrl::{Eof, Expect, Session};
use predicates::str::contains;
use serde_json::Value;

#[test]
fn a_refused_post_prints_the_core_message_before_any_call() {
    let home = tempfile::tempdir().unwrap();
    // Nothing listens at this URL: any call would fail with a connection error instead.
    let nowhere = ["--sandbox-url", "http://127.0.0.1:9"];
    let hashtags = "#tag ".repeat(31);
    bare(home.path())
        .args(nowhere)
        .args([
            "publish",
            "image",
            "https://cdn.example.com/a.jpg",
            "--account",
            "1",
        ])
        .args(["--caption", &hashtags])
        .assert()
        .code(1)
        .stderr(contains("has 31 hashtags; the limit is 30 hashtags"));
    bare(home.path())
        .args(nowhere)
        .args([
            "publish",
            "carousel",
            "https://cdn.example.com/a.jpg",
            "-a",
            "1",
        ])
        .assert()
        .code(1)
        .stderr(contains("a carousel takes 2 to 10 items"));
    let output = bare(home.path())
        .args(nowhere)
        .args(["--json", "publish", "image", "photo.jpg", "-a", "1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let error: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(error["error"]["field"], "image_url", "{error}");
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("public http(s) URL"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_terminal_progress_is_plain_lines_and_the_result_is_json() {
    let world = World::start().await;
    world.connect();
    let account = world.account_with_media();
    let before = world.sandbox.published_count(&account);
    let video = video_file(world.dir.path(), 700_000);
    let video = video.to_str().unwrap();
    let args = [
        "--json",
        "publish",
        "reel",
        video,
        "--account",
        &account,
        "--caption",
        "Hi #reel",
        "--idempotency-key",
        "reel-1",
    ];
    let output = world.cli().args(args).output().unwrap();
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    let result = common::parse_success(&args, &output);
    assert!(
        result["permalink"]
            .as_str()
            .unwrap()
            .starts_with("https://"),
        "{result}"
    );
    assert_eq!(result["replayed"], false);
    assert_eq!(world.sandbox.published_count(&account), before + 1);
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(lines[0].starts_with("created container "), "{stderr}");
    assert!(
        lines.contains(&format!("uploading media {video}: 700000/700000 bytes (100%)").as_str()),
        "{stderr}"
    );
    assert!(lines.iter().any(|l| l.ends_with("is ready")), "{stderr}");
    assert!(lines.last().unwrap().starts_with("published "), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "escape codes without a terminal: {stderr:?}"
    );

    // The same key again: the first result, nothing published twice.
    let again = world.json(&args[1..]);
    assert_eq!(again["replayed"], true);
    assert_eq!(again["media_id"], result["media_id"]);
    assert_eq!(world.sandbox.published_count(&account), before + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_a_terminal_progress_is_drawn_as_a_bar_and_a_spinner() {
    let home = tempfile::tempdir().unwrap();
    // A sandbox in the binary's own process, connected as its first user.
    let accounts = bare(home.path())
        .args(["--sandbox", "--json", "accounts", "list"])
        .output()
        .unwrap();
    let accounts: Value = serde_json::from_slice(&accounts.stdout).unwrap();
    let account = accounts["accounts"][0]["id"].as_str().unwrap().to_owned();
    let video = video_file(home.path(), 2_000_000);

    let mut cmd = bare_std(home.path());
    cmd.env("TERM", "xterm-256color").args([
        "--sandbox",
        "publish",
        "reel",
        video.to_str().unwrap(),
        "--account",
        &account,
    ]);
    let mut session = Session::spawn(cmd).unwrap();
    session.set_expect_timeout(Some(Duration::from_secs(120)));
    let captured = session.expect(Eof).unwrap();
    let screen = String::from_utf8_lossy(captured.as_bytes()).into_owned();
    assert!(screen.contains("Published: https://"), "{screen:?}");
    // The upload bar (its bytes in units, its '#' fill) and the processing spinner, drawn
    // with terminal control sequences; none of the plain lines.
    assert!(screen.contains("uploading media"), "{screen:?}");
    assert!(screen.contains("MiB"), "{screen:?}");
    assert!(screen.contains('#'), "{screen:?}");
    assert!(
        screen.contains("Meta is processing container"),
        "{screen:?}"
    );
    assert!(screen.contains('\u{1b}'), "{screen:?}");
    assert!(!screen.contains("2000000/2000000 bytes"), "{screen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_posts_are_listed_cancelled_and_run_by_the_worker() {
    let world = World::start().await;
    world.connect();
    let account = world.account_with_media();
    let image = "https://cdn.example.com/croissants.jpg";

    // Due a minute ago: the next worker pass publishes it.
    let due = (Utc::now() - TimeDelta::minutes(1)).to_rfc3339();
    let job = world.json(&["publish", "image", image, "-a", &account, "--at", &due]);
    assert_eq!(job["status"], "scheduled", "{job}");
    let job_id = job["id"].as_str().unwrap().to_owned();

    // Due tomorrow: cancelled.
    let later = (Utc::now() + TimeDelta::days(1)).to_rfc3339();
    let other = world.json(&["publish", "image", image, "-a", &account, "--at", &later]);
    let other_id = other["id"].as_str().unwrap().to_owned();

    let list = world.json(&["schedule", "list"]);
    assert_eq!(list["jobs"].as_array().unwrap().len(), 2, "{list}");

    let cancelled = world.json(&["schedule", "cancel", &other_id]);
    assert_eq!(cancelled["status"], "cancelled");

    let report = world.json(&["schedule", "run", "--once"]);
    assert_eq!(report["claimed"], 1, "{report}");
    assert_eq!(report["published"], 1, "{report}");

    let published = world.json(&["schedule", "list", "--status", "published"]);
    let jobs = published["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 1, "{published}");
    assert_eq!(jobs[0]["id"], job_id.as_str());
    assert!(jobs[0]["permalink"].is_string());

    // A published post cannot be cancelled any more: the core says so.
    world
        .cli()
        .args(["schedule", "cancel", &job_id])
        .assert()
        .code(1)
        .stderr(contains("published"));
    world
        .cli()
        .args([
            "publish", "image", image, "-a", &account, "--at", "tomorrow",
        ])
        .assert()
        .code(1)
        .stderr(contains("RFC 3339"));
    world
        .cli()
        .args(["schedule", "list", "--status", "done"])
        .assert()
        .code(1)
        .stderr(contains("unknown value \"done\""));
}

/// A post due a minute ago on `account`, scheduled through the command; its job id.
fn schedule_due(world: &World, account: &str, image: &str) -> String {
    let due = (Utc::now() - TimeDelta::minutes(1)).to_rfc3339();
    let job = world.json(&["publish", "image", image, "-a", account, "--at", &due]);
    assert_eq!(job["status"], "scheduled", "{job}");
    job["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_prints_one_line_per_pass_and_stops_after_passes() {
    let world = World::start().await;
    world.connect();
    let account = world.account_with_media();
    let job = schedule_due(&world, &account, "https://cdn.example.com/a.jpg");

    // Two passes: the first publishes the due post, the second (at once, as the first found
    // work) finds nothing; one JSON line each, then exit 0.
    let args = ["--json", "schedule", "run", "--passes", "2"];
    let output = world.cli().args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let passes: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect();
    assert_eq!(passes.len(), 2, "{stdout}");
    assert_eq!(passes[0]["pass"], 1, "{stdout}");
    assert_eq!(passes[0]["claimed"], 1, "{stdout}");
    assert_eq!(passes[0]["published"], 1, "{stdout}");
    assert_eq!(passes[0]["failed"], 0, "{stdout}");
    assert!(passes[0]["at"].is_string(), "{stdout}");
    assert_eq!(passes[1]["pass"], 2, "{stdout}");
    assert_eq!(passes[1]["claimed"], 0, "{stdout}");
    let published = world.json(&["schedule", "list", "--status", "published"]);
    assert_eq!(published["jobs"][0]["id"], job.as_str(), "{published}");

    // In text: a readable line per pass on stdout.
    schedule_due(&world, &account, "https://cdn.example.com/b.jpg");
    let output = world
        .cli()
        .args(["schedule", "run", "--passes", "1"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(lines[0].starts_with("Pass 1 at "), "{stdout}");
    assert!(
        lines[0].ends_with("Claimed 1: 1 published, 0 deferred, 0 retried, 0 failed, 0 released."),
        "{stdout}"
    );

    // --passes counts from 1, and is not --once.
    world
        .cli()
        .args(["schedule", "run", "--passes", "0"])
        .assert()
        .code(2);
    world
        .cli()
        .args(["schedule", "run", "--once", "--passes", "2"])
        .assert()
        .code(2)
        .stderr(contains("cannot be used with"));
    world
        .cli()
        .args(["schedule", "run", "--help"])
        .assert()
        .success()
        .stdout(contains("--passes <N>"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_worker_reports_each_pass_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    use std::sync::mpsc;

    let world = World::start().await;
    world.connect();
    let account = world.account_with_media();
    /// The worker, killed if the test fails before it has stopped.
    struct Running(std::process::Child);
    impl Drop for Running {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut child = Running(
        world
            .cli_std()
            .args(["--json", "schedule", "run"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    // The lines as they come, read on a thread: every wait below is bounded.
    let (tx, lines) = mpsc::channel();
    let stdout = child.0.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let next = || -> Value {
        let line = lines
            .recv_timeout(Duration::from_secs(60))
            .expect("a line per pass");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"))
    };
    // Nothing is due: an idle pass.
    let first = next();
    assert_eq!(first["pass"], 1, "{first}");
    assert_eq!(first["claimed"], 0, "{first}");
    // A post falls due: a later pass publishes it (idle waits are 1 s, doubling up to 10 s).
    schedule_due(&world, &account, "https://cdn.example.com/c.jpg");
    let mut pass = 1;
    loop {
        let line = next();
        pass += 1;
        assert_eq!(line["pass"], pass, "{line}");
        if line["published"] == 1 {
            break;
        }
        assert_eq!(line["claimed"], 0, "{line}");
        assert!(pass < 10, "never published: {line}");
    }
    // SIGTERM: it stops, exit 0.
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.0.wait().unwrap();
    assert!(status.success(), "{status}");
}
