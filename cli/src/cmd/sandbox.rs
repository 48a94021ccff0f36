//! `instagraph sandbox`: a sandbox of the Graph API until Ctrl-C.

use instagraph_sandbox::{remote, Sandbox, SandboxConfig};
use serde_json::{json, Value};

use crate::args::{Global, SandboxArgs};
use crate::output::{self, Failure};

/// Starts the sandbox, prints its URL and seeded users, serves until Ctrl-C or SIGTERM.
pub async fn run(global: &Global, args: SandboxArgs) -> Result<(), Failure> {
    let mut config = SandboxConfig::default();
    if let Some(seconds) = args.video_processing {
        if !(0.0..=3600.0).contains(&seconds) {
            return Err(Failure::message(
                "--video-processing must be between 0 and 3600 seconds",
            ));
        }
        let ms = (seconds * 1000.0).round() as u64;
        config.reel_processing_ms = ms;
        config.video_processing_ms = ms;
        config.story_processing_ms = ms;
    }
    let sandbox = Sandbox::builder()
        .port(args.port)
        .config(config)
        .start()
        .await?;
    let description = remote::describe(sandbox.base_url()).await?;
    let users = description["users"].clone();
    let doc = json!({
        "base_url": sandbox.base_url(),
        "app_id": sandbox.app_id(),
        "users": users,
        "instagram_accounts": description["instagram_accounts"],
    });
    output::emit(global.json, &doc, || {
        human(sandbox.base_url(), &description)
    });
    super::shutdown_signal().await;
    sandbox.shutdown().await;
    Ok(())
}

fn human(base_url: &str, description: &Value) -> String {
    let text = |v: &Value| v.as_str().unwrap_or("-").to_owned();
    let users = description["users"].as_array().cloned().unwrap_or_default();
    let rows = users
        .iter()
        .map(|u| {
            [
                text(&u["kind"]),
                text(&u["id"]),
                text(&u["name"]),
                text(&u["username"]),
            ]
        })
        .collect();
    let accounts = description["instagram_accounts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let account_rows = accounts
        .iter()
        .map(|a| {
            [
                text(&a["id"]),
                format!("@{}", text(&a["username"])),
                text(&a["account_type"]),
                a["media_count"].to_string(),
            ]
        })
        .collect();
    format!(
        "instagraph sandbox listening on {base_url}\n\
         Use it with --sandbox-url {base_url} (or INSTAGRAM_SANDBOX_URL). Ctrl-C stops it.\n\
         Seeded users (approve with --sandbox-user):\n{}\nInstagram accounts:\n{}",
        output::table(["login", "id", "name", "username"], rows),
        output::table(["id", "username", "type", "media"], account_rows),
    )
}
