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

    // reach comes day by day (13 ISO weeks over 90 days, give or take the edges); views only
    // as a total over the range.
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
    assert_eq!(doc["totals"][0]["name"], "views", "{doc}");
    assert!(doc["totals"][0]["value"].as_f64().unwrap() > 0.0);

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
    assert_eq!(rows.iter().filter(|r| r[2] == "views").count(), 1, "{csv}");

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
