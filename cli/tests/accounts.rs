//! `instagraph sandbox`, `connect`, `accounts`, `token`, `doctor`: run as a user runs them,
//! against a sandbox, with `--json` parsed; errors exit non-zero with the core's message, and
//! no token is ever printed.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::{bare, World};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_prints_its_url_and_seeded_users_then_serves() {
    let home = tempfile::tempdir().unwrap();
    let mut child = common::bare_std(home.path())
        .args(["--json", "sandbox"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let doc: Value = serde_json::from_str(&line).unwrap();
    let base = doc["base_url"].as_str().unwrap().to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{doc}");
    let names: Vec<&str> = doc["users"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["name"].as_str())
        .collect();
    assert!(names.iter().any(|n| n.starts_with("Alice")), "{names:?}");
    // It serves: the description is there, with the same app.
    let described = instagraph_sandbox::remote::describe(&base).await.unwrap();
    assert_eq!(described["app"]["id"], doc["app_id"]);
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_then_manage_accounts_in_the_sqlite_store() {
    let world = World::start().await;
    let connected = world.connect();
    assert_eq!(connected["company"], common::COMPANY);
    let discovered = connected["accounts"].as_array().unwrap();
    assert!(!discovered.is_empty(), "{connected}");
    assert_eq!(connected["added"], discovered.len());
    let first = discovered[0]["id"].as_str().unwrap().to_owned();

    // The added accounts, with live details.
    let list = world.json(&["accounts", "list"]);
    let ids: Vec<&str> = list["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["id"].as_str())
        .collect();
    assert!(ids.contains(&first.as_str()), "{list}");
    assert!(list["accounts"][0]["followers"].is_number(), "{list}");

    // Assign one to a client; an unknown id is reported, not assigned.
    let assigned = world.json(&["accounts", "assign", "bakery", &first, "999"]);
    assert_eq!(assigned["updated"], 1, "{assigned}");
    assert_eq!(assigned["unknown"], serde_json::json!(["999"]));
    let all = world.json(&["accounts", "list", "--all"]);
    let row = all["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == first.as_str())
        .unwrap()
        .clone();
    assert_eq!(row["client"], "bakery");

    // Status: what Meta says of the account's token.
    let status = world.json(&["accounts", "status", &first]);
    assert_eq!(status["accounts"][0]["token"]["valid"], true, "{status}");

    // Remove it: gone from the list.
    world.json(&["accounts", "remove", &first]);
    let all = world.json(&["accounts", "list", "--all"]);
    assert!(
        !all["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == first.as_str()),
        "{all}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_debug_refresh_and_doctor_report_on_the_stored_tokens() {
    let world = World::start().await;
    world.connect();
    let debug = world.json(&["token", "debug"]);
    let tokens = debug["tokens"].as_array().unwrap();
    assert!(!tokens.is_empty(), "{debug}");
    assert!(tokens.iter().all(|t| t["valid"] == true), "{debug}");

    // Facebook Login tokens cannot be refreshed: the sweep says which need a reconnect.
    let refresh = world.json(&["token", "refresh", "--days", "90"]);
    assert_eq!(refresh["refreshed"], serde_json::json!([]), "{refresh}");
    assert!(
        !refresh["reconnect"].as_array().unwrap().is_empty(),
        "{refresh}"
    );

    let doctor = world.json(&["doctor"]);
    assert_eq!(doctor["ok"], true, "{doctor}");
    let checks: Vec<&str> = doctor["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["check"].as_str())
        .collect();
    assert!(
        checks.contains(&"sealing key") && checks.contains(&"store"),
        "{checks:?}"
    );
    assert!(
        checks.iter().any(|c| c.starts_with("token #")),
        "{checks:?}"
    );

    // Two months on, the user token has expired: debug says so, the doctor fails and says
    // what to do.
    world
        .sandbox
        .advance_clock(std::time::Duration::from_secs(61 * 86_400));
    let debug = world.json(&["token", "debug"]);
    assert!(
        debug["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["valid"] == false),
        "{debug}"
    );
    let output = world.cli().args(["doctor"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("FAIL token #"), "{stdout}");
    assert!(stdout.contains("fix: reconnect"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_explains_a_missing_sealing_key() {
    let world = World::start().await;
    let output = world
        .cli()
        .env_remove("INSTAGRAPH_SEALING_KEY")
        .args(["--json", "doctor"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    // Exactly one document on stdout: the report, with the failure inside it.
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(text.trim_end().lines().count(), 1, "{text}");
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["ok"], false);
    let key = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "sealing key")
        .unwrap()
        .clone();
    assert_eq!(key["ok"], false);
    assert!(
        key["fix"]
            .as_str()
            .unwrap()
            .contains("INSTAGRAPH_SEALING_KEY"),
        "{key}"
    );
    assert_eq!(
        report["error"]["message"], "2 check(s) failed",
        "the sealing key and the store: {report}"
    );
    assert_eq!(report["error"]["code"], "cli", "{report}");

    // In text: the report on stdout, the failure on stderr.
    let output = world
        .cli()
        .env_remove("INSTAGRAPH_SEALING_KEY")
        .arg("doctor")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("FAIL sealing key"), "{stdout}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim_end(),
        "instagraph: 2 check(s) failed",
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_carry_the_core_message_and_a_non_zero_exit_and_never_a_token() {
    let world = World::start().await;
    let mut printed = String::new();
    let connect = world.cli().args(["connect", "--add-all"]).output().unwrap();
    assert!(connect.status.success());
    printed.push_str(&String::from_utf8_lossy(&connect.stdout));
    printed.push_str(&String::from_utf8_lossy(&connect.stderr));

    // An account the company does not have.
    let output = world
        .cli()
        .args(["--json", "accounts", "status", "17841499999999999"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let error: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(error["error"]["code"], "NOT_FOUND", "{error}");
    printed.push_str(&String::from_utf8_lossy(&output.stdout));

    // The same in text: on stderr, prefixed, non-zero.
    let output = world
        .cli()
        .args(["accounts", "status", "17841499999999999"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(stderr.starts_with("instagraph: "), "{stderr}");
    assert!(stderr.contains("17841499999999999"), "{stderr}");

    // Every command that touches tokens, in text and JSON (publish, comments, messages,
    // insights and schedule: tests/read.rs).
    for args in [
        &["accounts", "list"][..],
        &["accounts", "status"],
        &["token", "debug"],
        &["token", "refresh"],
        &["doctor"],
    ] {
        printed.push_str(&world.printed_by(args));
    }
    world.assert_no_secrets(&printed).await;
}

#[test]
fn the_secret_check_finds_a_token_shaped_string() {
    // The check itself: tokens of both logins are found, ids and words are not.
    let fb = format!("token: EAASBX{}", "a1".repeat(20));
    let ig = format!("{{\"t\":\"IGAASBX{}\"}}", "Z9".repeat(20));
    assert_eq!(common::token_like(&fb), Some(7));
    assert_eq!(common::token_like(&ig), Some(6));
    assert_eq!(
        common::token_like("EAA short, IGAA too, BEAAB0123456789012345678901"),
        None
    );
}

#[test]
fn bad_arguments_are_usage_errors() {
    let home = tempfile::tempdir().unwrap();
    bare(home.path())
        .args(["publish", "gif", "x"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("invalid value 'gif'"));
    bare(home.path()).args(["accounts", "add"]).assert().code(2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_waits_for_the_browser_on_its_local_callback() {
    use std::io::{Read, Write};

    let world = World::start().await;
    let mut child = world
        .cli_std()
        .args(["--json", "connect", "--browser"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut authorize_url = String::new();
    let mut line = String::new();
    while err.read_line(&mut line).unwrap() > 0 {
        if let Some(url) = line.trim().strip_prefix("http://") {
            authorize_url = format!("http://{url}");
            break;
        }
        line.clear();
    }
    assert!(authorize_url.contains("/dialog/oauth"), "{authorize_url}");
    // The user approves in the browser, which is sent to the local callback.
    let alice = world.sandbox.seed().user("Alice").unwrap().id.clone();
    let callback = world
        .sandbox
        .consent(&authorize_url, &alice, true)
        .await
        .unwrap();
    let target = url::Url::parse(&callback).unwrap();
    assert_eq!(target.host_str(), Some("127.0.0.1"));
    let mut browser = std::net::TcpStream::connect(("127.0.0.1", target.port().unwrap())).unwrap();
    write!(
        browser,
        "GET {}?{} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        target.path(),
        target.query().unwrap()
    )
    .unwrap();
    let mut page = String::new();
    browser.read_to_string(&mut page).unwrap();
    assert!(page.contains("close this tab"), "{page}");
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let connected: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(connected["user_name"], "Alice Anderson", "{connected}");
    assert!(!connected["accounts"].as_array().unwrap().is_empty());
}

#[test]
fn instagram_mode_sandbox_runs_a_sandbox_in_the_command() {
    let home = tempfile::tempdir().unwrap();
    let output = bare(home.path())
        .env("INSTAGRAM_MODE", "sandbox")
        .args(["--json", "accounts", "list"])
        .output()
        .unwrap();
    let doc = common::parse_success(&["accounts", "list"], &output);
    assert!(!doc["accounts"].as_array().unwrap().is_empty(), "{doc}");
    // Without it (and without a Meta app configured) the command says what to set.
    bare(home.path())
        .args(["accounts", "list"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("INSTAGRAM_APP_ID"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_migrate_generate_key_and_reseal_after_a_key_rotation() {
    let world = World::start().await;
    world.connect();
    let migrations = world.json(&["store", "migrate"]);
    let applied = migrations["applied"].as_array().unwrap();
    assert_eq!(applied[0]["version"], 1, "{migrations}");

    // Rotate: a new key, the old one kept as previous; reseal; then the new key alone opens
    // every token.
    let new_key = world.json(&["store", "generate-key"])["key"]
        .as_str()
        .unwrap()
        .to_owned();
    instagraph::store::SealingKey::from_base64(&new_key).unwrap();
    let rotated = |cmd: &mut assert_cmd::Command| {
        cmd.env("INSTAGRAPH_SEALING_KEY", &new_key);
    };
    let mut reseal = world.cli();
    rotated(&mut reseal);
    let output = reseal
        .env("INSTAGRAPH_PREVIOUS_SEALING_KEYS", &world.key)
        .args(["--json", "store", "reseal"])
        .output()
        .unwrap();
    let report = common::parse_success(&["store", "reseal"], &output);
    assert!(report["resealed"].as_u64().unwrap() > 0, "{report}");
    assert_eq!(report["unreadable"], 0);
    let mut debug = world.cli();
    rotated(&mut debug);
    let output = debug.args(["--json", "token", "debug"]).output().unwrap();
    let tokens = common::parse_success(&["token", "debug"], &output);
    assert!(
        tokens["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["valid"] == true),
        "{tokens}"
    );
    // The old key alone opens nothing any more: reseal reports the rows as unreadable.
    let output = world.cli().args(["store", "reseal"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("open with none of the keys"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_found_at_connection_are_added_later_and_an_unknown_one_is_not_removed() {
    let world = World::start().await;
    // Connected without --add-all: found, stored, not added.
    let connected = world.json(&["connect"]);
    assert_eq!(connected["added"], 0, "{connected}");
    let found: Vec<String> = connected["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(!found.is_empty(), "{connected}");
    let list = world.json(&["accounts", "list"]);
    assert_eq!(list["accounts"], serde_json::json!([]), "{list}");
    let all = world.json(&["accounts", "list", "--all"]);
    assert!(
        all["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["added"] == false),
        "{all}"
    );

    // Added: listed, with live details.
    let first = found[0].as_str();
    let added = world.json(&["accounts", "add", first]);
    assert_eq!(added["updated"], 1, "{added}");
    assert_eq!(added["unknown"], serde_json::json!([]), "{added}");
    let list = world.json(&["accounts", "list"]);
    let listed = list["accounts"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{list}");
    assert_eq!(listed[0]["id"], first);
    assert_eq!(listed[0]["added"], true);
    assert!(listed[0]["followers"].is_number(), "{list}");

    // In text: how many were added, and which ids the company does not have.
    let rest: Vec<&str> = found[1..].iter().map(String::as_str).collect();
    let mut args = vec!["accounts", "add"];
    args.extend(&rest);
    args.push("17841499999999999");
    let output = world.cli().args(&args).output().unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with(&format!("{} accounts added.", rest.len())),
        "{stdout}"
    );
    assert!(
        stdout.contains("Not among the company's accounts: 17841499999999999"),
        "{stdout}"
    );
    let list = world.json(&["accounts", "list"]);
    assert_eq!(list["accounts"].as_array().unwrap().len(), found.len());

    // Removing an id the company does not have: NOT_FOUND, exit 1, the id named; nothing
    // removed.
    let output = world
        .cli()
        .args(["--json", "accounts", "remove", "17841499999999999"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let error: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(error["error"]["code"], "NOT_FOUND", "{error}");
    assert_eq!(
        error["error"]["message"], "account 17841499999999999 not found",
        "{error}"
    );
    world
        .cli()
        .args(["accounts", "remove", "17841499999999999"])
        .assert()
        .code(1)
        .stderr("instagraph: account 17841499999999999 not found\n");
    let list = world.json(&["accounts", "list"]);
    assert_eq!(list["accounts"].as_array().unwrap().len(), found.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instagram_login_connects_and_its_token_is_refreshed_and_debugged() {
    let world = World::start().await;
    let connected = world.json(&["connect", "--instagram", "--add-all"]);
    assert_eq!(connected["login"], "instagram", "{connected}");
    let token_id = connected["token_id"].as_str().unwrap().to_owned();
    let ids: Vec<&str> = connected["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert!(!ids.is_empty(), "{connected}");
    assert_eq!(connected["added"], ids.len(), "{connected}");
    let expires: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(connected["token_expires_at"].clone()).unwrap();

    // Listed, served by the Instagram Login token.
    let list = world.json(&["accounts", "list"]);
    for id in &ids {
        let row = list["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == *id)
            .unwrap_or_else(|| panic!("{id} is not listed: {list}"));
        assert_eq!(row["token_id"], token_id.as_str(), "{list}");
        assert_eq!(row["live_error"], Value::Null, "{list}");
    }

    // A token issued just now cannot be refreshed yet: the sweep says why.
    let refresh = world.json(&["token", "refresh", "--days", "90"]);
    assert_eq!(refresh["refreshed"], serde_json::json!([]), "{refresh}");
    assert_eq!(refresh["reconnect"][0]["token_id"], token_id.as_str());
    assert!(
        refresh["reconnect"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("less than 24 hours old"),
        "{refresh}"
    );

    // Two days on (for Meta and for the store): refreshed, the new token in place of the old.
    world
        .sandbox
        .advance_clock(std::time::Duration::from_secs(2 * 86_400));
    assert_eq!(
        world
            .backdate_instagram_tokens(chrono::TimeDelta::days(2))
            .await,
        1
    );
    let before = world.stored_tokens().await;
    let refresh = world.json(&["token", "refresh", "--days", "90"]);
    let refreshed = refresh["refreshed"].as_array().unwrap();
    assert_eq!(refreshed.len(), 1, "{refresh}");
    assert_eq!(refreshed[0]["token_id"], token_id.as_str(), "{refresh}");
    assert!(refreshed[0]["expires_at"].is_string(), "{refresh}");
    assert_eq!(refresh["reconnect"], serde_json::json!([]), "{refresh}");
    let after = world.stored_tokens().await;
    assert_eq!(after.len(), before.len());
    assert_ne!(after, before, "the stored token was not replaced");
    let text = world
        .cli()
        .args(["token", "refresh", "--days", "0"])
        .output()
        .unwrap();
    assert!(text.status.success());
    assert_eq!(
        String::from_utf8_lossy(&text.stdout).trim_end(),
        "Refreshed 0 token(s) expiring within 0 days."
    );

    // debug_token of that id: Meta's view of the new token, valid, expiring two days later
    // than the first one (Meta's clock moved on by two days).
    let debug = world.json(&["token", "debug", &token_id]);
    let tokens = debug["tokens"].as_array().unwrap();
    assert_eq!(tokens.len(), 1, "{debug}");
    assert_eq!(tokens[0]["token_id"], token_id.as_str());
    assert_eq!(tokens[0]["login"], "instagram");
    assert_eq!(tokens[0]["valid"], true, "{debug}");
    let new_expiry: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(tokens[0]["expires_at"].clone()).unwrap();
    assert!(
        new_expiry > expires + chrono::TimeDelta::days(1),
        "{new_expiry} vs {expires}"
    );

    // An id the company has no token under: exit 1, NOT_FOUND, the id named.
    let output = world
        .cli()
        .args(["--json", "token", "debug", "no-such-token"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let error: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(error["error"]["code"], "NOT_FOUND", "{error}");
    assert_eq!(error["error"]["message"], "token no-such-token not found");
    world
        .cli()
        .args(["token", "debug", "no-such-token"])
        .assert()
        .code(1)
        .stderr("instagraph: token no-such-token not found\n");
}
