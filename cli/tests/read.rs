//! `instagraph insights`, `comments`, `messages` and `webhooks listen` against the sandbox.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::World;
use instagraph::{AccessToken, Client, IgUserId};
use instagraph_sandbox::{Login, TokenRequest};
use predicates::str::contains;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insights_chart_json_and_csv() {
    let world = World::start().await;
    world.connect();
    let account = world.account_with_media();

    // reach comes day by day (13 ISO weeks over 90 days, give or take the edges); views, which
    // Meta gives only as totals, as one total per week, the same weeks.
    let doc = world.json(&[
        "insights",
        &account,
        "--metric",
        "reach,views",
        "--days",
        "90",
        "--by",
        "week",
    ]);
    let reach = &doc["metrics"][0];
    assert_eq!(reach["name"], "reach", "{doc}");
    let weeks = reach["points"].as_array().unwrap().len();
    assert!((13..=14).contains(&weeks), "{weeks} weeks");
    let views = &doc["metrics"][1];
    assert_eq!(views["name"], "views", "{doc}");
    assert_eq!(views["aggregation"], "Total", "{doc}");
    let starts = |m: &serde_json::Value| -> Vec<String> {
        m["points"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["start"].to_string())
            .collect()
    };
    assert_eq!(starts(views), starts(reach));
    assert!(views["points"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["value"].as_f64().unwrap() > 0.0));

    let chart = world
        .cli()
        .args(["insights", &account, "--metric", "reach", "--days", "30"])
        .output()
        .unwrap();
    assert!(chart.status.success());
    let chart = String::from_utf8(chart.stdout).unwrap();
    assert!(chart.starts_with("reach ("), "{chart}");
    // A braille line chart.
    assert!(
        chart
            .chars()
            .any(|c| ('\u{2801}'..='\u{28ff}').contains(&c)),
        "{chart}"
    );
    // The x axis is labelled with the first and the last day, not with point numbers.
    let (first, last) = (
        chrono::Utc::now().date_naive() - chrono::Duration::days(30),
        chrono::Utc::now().date_naive() - chrono::Duration::days(1),
    );
    let axis = chart.lines().rev().find(|l| !l.trim().is_empty()).unwrap();
    let days: Vec<&str> = axis.split_whitespace().collect();
    assert_eq!(days.len(), 2, "{axis}");
    for (label, near) in days.iter().zip([first, last]) {
        let day = chrono::NaiveDate::parse_from_str(label, "%Y-%m-%d").expect(label);
        assert!(
            (day - near).num_days().abs() <= 1,
            "{label} is not near {near}: {chart}"
        );
    }

    let csv = world
        .cli()
        .args([
            "insights",
            &account,
            "--metric",
            "reach,views",
            "--days",
            "10",
            "--csv",
        ])
        .output()
        .unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("start,end,metric,value"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(rows.iter().all(|r| r.len() == 4), "{csv}");
    assert!(
        rows.iter().filter(|r| r[2] == "reach").count() >= 10,
        "{csv}"
    );
    assert_eq!(
        rows.iter().filter(|r| r[2] == "views").count(),
        rows.iter().filter(|r| r[2] == "reach").count(),
        "a views point per day, as reach: {csv}"
    );

    // A removed metric: the core names its replacement; a range Meta does not keep (over two
    // years back): refused.
    world
        .cli()
        .args(["insights", &account, "--metric", "impressions"])
        .assert()
        .code(1)
        .stderr(contains("views"));
    world
        .cli()
        .args(["insights", &account, "--days", "800"])
        .assert()
        .code(1)
        .stderr(contains("since"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comments_and_messages_are_listed() {
    let world = World::start().await;
    world.connect();
    let account = world.account_with_media();

    let all = world.json(&["comments", &account, "--media", "2"]);
    let count = |doc: &Value| -> usize {
        doc["media"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["comments"].as_array().unwrap().len())
            .sum()
    };
    assert!(count(&all) > 0, "{all}");
    let unanswered = world.json(&["comments", &account, "--media", "2", "--unanswered"]);
    assert!(
        count(&unanswered) < count(&all),
        "the seed has answered comments"
    );

    let text = world
        .cli()
        .args(["comments", &account, "--media", "1"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains(" comment(s)") && text.contains("  @"),
        "{text}"
    );

    let messages = world.json(&["messages", &account, "--last", "2"]);
    let conversations = messages["conversations"].as_array().unwrap();
    assert!(!conversations.is_empty(), "{messages}");
    assert!(conversations
        .iter()
        .all(|c| c["messages"].as_array().unwrap().len() <= 2));
    let text = world.cli().args(["messages", &account]).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.starts_with("Conversation "), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_listen_verifies_and_prints_each_event_once() {
    let world = World::start().await;
    let account = world.account_with_media();
    let mut child = world
        .cli_std()
        .args(["--json", "webhooks", "listen", "--verify-token", "s3cret"])
        .args(["--register", "--max-events", "2"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let listening: Value = serde_json::from_str(&line).unwrap();
    assert!(listening["listening"]
        .as_str()
        .unwrap()
        .ends_with("/webhooks"));

    // The account subscribes the app to its comments, then someone comments (delivered twice,
    // as Meta retries): one line.
    let alice = world.sandbox.seed().user("Alice").unwrap();
    let issued = world
        .sandbox
        .issue_token(&TokenRequest {
            user_id: alice.id.clone(),
            login: Login::Facebook,
            long_lived: true,
            scopes: None,
            page_id: None,
        })
        .unwrap();
    let client = Client::builder()
        .app(world.sandbox.app_id(), world.sandbox.app_secret())
        .sandbox(world.sandbox.base_url())
        .build()
        .unwrap();
    let token = AccessToken::new(issued.access_token);
    client
        .facebook(&token)
        .ig_user(IgUserId::new(account.clone()))
        .webhooks()
        .subscribe(["comments"])
        .await
        .unwrap();
    let media = world
        .sandbox
        .seed()
        .instagram_accounts
        .iter()
        .find(|a| a.id == account)
        .unwrap()
        .media[0]
        .clone();
    let answer = world
        .sandbox
        .event(
            json!({"type": "comment", "media_id": media, "text": "Open on Sundays?",
                      "from_username": "hungry.customer", "redeliver": 1}),
        )
        .await
        .unwrap();
    assert_eq!(answer["delivered"], true, "{answer}");
    let second = world
        .sandbox
        .event(
            json!({"type": "comment", "media_id": media, "text": "And on Mondays?",
                      "from_username": "hungry.customer"}),
        )
        .await
        .unwrap();
    assert_eq!(second["delivered"], true, "{second}");
    let mut lines = Vec::new();
    for _ in 0..2 {
        line.clear();
        out.read_line(&mut line).unwrap();
        let event: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(event["type"], "comment", "{event}");
        lines.push(line.clone());
    }
    // The redelivery was dropped: the second line is the second comment.
    assert!(lines[0].contains("Open on Sundays?"), "{lines:?}");
    assert!(lines[1].contains("And on Mondays?"), "{lines:?}");
    // --max-events 2: it stops after the second new event.
    assert!(child.wait().unwrap().success());
}

/// One HTTP/1.1 request to `addr` (host:port); the status code and the body.
fn http(
    addr: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    let mut request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"));
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// A webhook delivery of one new comment.
fn comment_delivery(account: &str, comment_id: &str, text: &str) -> Vec<u8> {
    json!({"object": "instagram", "entry": [{"id": account, "time": 1_700_000_000,
        "changes": [{"field": "comments", "value": {"id": comment_id, "text": text,
            "from": {"id": "232323", "username": "bob"},
            "media": {"id": "179001", "media_product_type": "FEED"}}}]}]})
    .to_string()
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_listen_refuses_bad_signatures_and_wrong_verify_tokens() {
    let world = World::start().await;
    let account = world.account_with_media();
    let mut child = common::Running(
        world
            .cli_std()
            .args(["--json", "webhooks", "listen", "--verify-token", "s3cret"])
            .args(["--max-events", "1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let lines = common::lines_of(child.0.stdout.take().unwrap());
    let errors = common::lines_of(child.0.stderr.take().unwrap());
    let timeout = std::time::Duration::from_secs(60);
    let listening: Value = serde_json::from_str(&lines.recv_timeout(timeout).unwrap()).unwrap();
    let url = url::Url::parse(listening["listening"].as_str().unwrap()).unwrap();
    let addr = format!("127.0.0.1:{}", url.port().unwrap());

    // Meta's verification: the wrong verify token is refused, the right one gets the challenge
    // back.
    let verify = |token: &str| {
        http(
            &addr,
            "GET",
            &format!("/webhooks?hub.mode=subscribe&hub.verify_token={token}&hub.challenge=4242"),
            &[],
            b"",
        )
    };
    assert_eq!(verify("wrong").0, 403);
    assert_eq!(verify("s3cret"), (200, "4242".to_owned()));

    // A delivery signed with another secret, and one not signed: 401, nothing printed.
    let forged = comment_delivery(&account, "180001", "Forged comment");
    let other = instagraph::webhooks::signature_header("not-the-app-secret", &forged);
    let signature = instagraph::webhooks::SIGNATURE_HEADER;
    assert_eq!(
        http(&addr, "POST", "/webhooks", &[(signature, &other)], &forged).0,
        401
    );
    assert_eq!(http(&addr, "POST", "/webhooks", &[], &forged).0, 401);
    // Signed with the app's secret: 200, and printed.
    let genuine = comment_delivery(&account, "180002", "Genuine comment");
    let good = instagraph::webhooks::signature_header(world.sandbox.app_secret(), &genuine);
    let (status, body) = http(&addr, "POST", "/webhooks", &[(signature, &good)], &genuine);
    assert_eq!((status, body.as_str()), (200, "EVENT_RECEIVED"));

    // --max-events 1: the one line is the genuine comment, then it exits.
    let event: Value = serde_json::from_str(&lines.recv_timeout(timeout).unwrap()).unwrap();
    assert_eq!(event["type"], "comment", "{event}");
    assert_eq!(event["text"], "Genuine comment", "{event}");
    assert!(child.0.wait().unwrap().success());
    let rest: Vec<String> = lines.iter().collect();
    assert!(rest.is_empty(), "{rest:?}");
    let stderr: Vec<String> = errors.iter().collect();
    assert_eq!(
        stderr
            .iter()
            .filter(|l| l.starts_with("instagraph: refused a delivery"))
            .count(),
        2,
        "{stderr:?}"
    );
    assert!(!stderr.concat().contains("Forged comment"), "{stderr:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_with_the_reason_and_insights_roll_up_by_month() {
    let world = World::start().await;
    world.connect();
    let account = world.account_with_media();

    // An account the company does not have: exit 1, named.
    for command in ["comments", "messages"] {
        let output = world
            .cli()
            .args(["--json", command, "17841499999999999"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{command}");
        let error: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(error["error"]["code"], "NOT_FOUND", "{command}: {error}");
        assert_eq!(
            error["error"]["message"], "account 17841499999999999 not found",
            "{command}"
        );
        world
            .cli()
            .args([command, "17841499999999999"])
            .assert()
            .code(1)
            .stderr("instagraph: account 17841499999999999 not found\n");
        world
            .cli()
            .args([command, " @"])
            .assert()
            .code(1)
            .stderr(contains("the account id is empty"));
    }

    // A processing time out of range: refused before the sandbox starts.
    let home = tempfile::tempdir().unwrap();
    for seconds in ["3601", "-1", "NaN"] {
        common::bare(home.path())
            .arg("sandbox")
            .arg(format!("--video-processing={seconds}"))
            .assert()
            .code(1)
            .stderr("instagraph: --video-processing must be between 0 and 3600 seconds\n");
    }
    common::bare(home.path())
        .args(["sandbox", "--video-processing", "soon"])
        .assert()
        .code(2)
        .stderr(contains("invalid value 'soon'"));

    // By month: calendar months, oldest first, each from its 1st to its last day, together
    // covering the range.
    let doc = world.json(&[
        "insights", &account, "--metric", "reach", "--days", "90", "--by", "month",
    ]);
    let points = doc["metrics"][0]["points"].as_array().unwrap();
    assert!((3..=4).contains(&points.len()), "{doc}");
    let date =
        |v: &Value| chrono::NaiveDate::parse_from_str(v.as_str().unwrap(), "%Y-%m-%d").unwrap();
    use chrono::Datelike;
    let mut days = 0;
    for (i, p) in points.iter().enumerate() {
        let (start, end) = (date(&p["start"]), date(&p["end"]));
        assert_eq!(start.day(), 1, "{p}");
        assert_eq!(end.succ_opt().unwrap().day(), 1, "{p}");
        assert_eq!(start.month(), end.month(), "{p}");
        if i > 0 {
            assert_eq!(date(&points[i - 1]["end"]).succ_opt().unwrap(), start);
        }
        assert!(p["value"].as_f64().unwrap() >= 0.0, "{p}");
        days += p["days"].as_u64().unwrap();
    }
    assert!((89..=91).contains(&days), "{days} days: {doc}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn publish_comments_messages_insights_and_schedule_never_print_a_secret() {
    let world = World::start().await;
    world.connect();
    let account = world.account_with_media();
    let video = common::video_file(world.dir.path(), 100_000);
    let later = (chrono::Utc::now() + chrono::TimeDelta::days(1)).to_rfc3339();
    let mut printed = String::new();
    for args in [
        &[
            "publish",
            "image",
            "https://cdn.example.com/a.jpg",
            "-a",
            &account,
        ][..],
        &["publish", "reel", video.to_str().unwrap(), "-a", &account],
        &[
            "publish",
            "image",
            "https://cdn.example.com/b.jpg",
            "-a",
            &account,
            "--at",
            &later,
        ],
        &["comments", &account, "--media", "3"],
        &["comments", &account, "--unanswered"],
        &["messages", &account, "--last", "3"],
        &[
            "insights",
            &account,
            "--metric",
            "reach,views",
            "--days",
            "30",
        ],
        &["insights", &account, "--metric", "reach", "--csv"],
        &["schedule", "list"],
        &["schedule", "run", "--once"],
        &["schedule", "run", "--passes", "1"],
    ] {
        printed.push_str(&world.printed_by(args));
    }
    // And their failures.
    for args in [
        &[
            "publish",
            "image",
            "https://cdn.example.com/a.jpg",
            "-a",
            "17841499999999999",
        ][..],
        &["comments", "17841499999999999"],
        &["insights", &account, "--metric", "impressions"],
    ] {
        for json in [false, true] {
            let mut cmd = world.cli();
            if json {
                cmd.arg("--json");
            }
            let output = cmd.args(args).output().unwrap();
            assert_eq!(output.status.code(), Some(1), "{args:?}");
            printed.push_str(&String::from_utf8_lossy(&output.stdout));
            printed.push_str(&String::from_utf8_lossy(&output.stderr));
        }
    }
    // What was printed is what the commands say (the check looks at real output).
    for expected in [
        "Published: https://",
        "\"media_id\"",
        "Conversation ",
        "reach (",
        "Scheduled job",
        "Pass 1 at ",
    ] {
        assert!(
            printed.contains(expected),
            "{expected} is not in the output"
        );
    }
    world.assert_no_secrets(&printed).await;
}
