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
    // The report, then the error document.
    let text = String::from_utf8(output.stdout).unwrap();
    let mut docs = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap());
    let report = docs.next().unwrap();
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
    let error = docs.next().unwrap();
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("failed"));
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

    // Every command that touches tokens, in text and JSON.
    for args in [
        &["accounts", "list"][..],
        &["accounts", "status"],
        &["token", "debug"],
        &["token", "refresh"],
        &["doctor"],
    ] {
        for json in [false, true] {
            let mut cmd = world.cli();
            if json {
                cmd.arg("--json");
            }
            let output = cmd.args(args).output().unwrap();
            assert!(output.status.success(), "{args:?}");
            printed.push_str(&String::from_utf8_lossy(&output.stdout));
            printed.push_str(&String::from_utf8_lossy(&output.stderr));
        }
    }
    let tokens = world.stored_tokens().await;
    assert!(!tokens.is_empty());
    for token in tokens {
        assert!(!printed.contains(&token), "a token was printed");
    }
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
