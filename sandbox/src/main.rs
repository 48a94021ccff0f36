//! `instagraph-sandbox`: serves the local Graph API sandbox until Ctrl-C or SIGTERM.
//!
//! Prints exactly one line on stdout, `instagraph-sandbox listening on http://127.0.0.1:PORT`,
//! so scripts can wait for it and read the port.

use std::io::Write;
use std::process::ExitCode;

use instagraph_sandbox::{Sandbox, SandboxConfig};

const USAGE: &str = "\
instagraph-sandbox: a local, stateful imitation of the Instagram Graph API

USAGE:
    instagraph-sandbox [--port N] [--app-secret SECRET] [--config FILE] [--extra-accounts N]

OPTIONS:
    --port N             Port to listen on at 127.0.0.1 (0, the default, picks a free one)
    --app-secret SECRET  Use this app secret instead of a random one
    --config FILE        A JSON object of SandboxConfig fields (the others keep their
                         defaults), e.g. {\"reel_processing_ms\": 0, \"publishing_quota\": 50}
    --extra-accounts N   Seed N more IG accounts (@load.01 ...) on Pages Alice manages
    -h, --help           Print this help

GET /__sandbox/config on the printed URL describes hosts, app credentials and seeded users.";

struct Args {
    port: u16,
    app_secret: Option<String>,
    config: Option<String>,
    extra_accounts: Option<u32>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        port: 0,
        app_secret: None,
        config: None,
        extra_accounts: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_owned(), Some(v.to_owned())),
            None => (arg.clone(), None),
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" => {
                let v = inline.or_else(|| it.next()).ok_or("--port needs a value")?;
                args.port = v.parse().map_err(|_| format!("invalid port: {v}"))?;
            }
            "--app-secret" => {
                let v = inline
                    .or_else(|| it.next())
                    .ok_or("--app-secret needs a value")?;
                args.app_secret = Some(v);
            }
            "--config" => {
                let v = inline
                    .or_else(|| it.next())
                    .ok_or("--config needs a file")?;
                args.config = Some(v);
            }
            "--extra-accounts" => {
                let v = inline
                    .or_else(|| it.next())
                    .ok_or("--extra-accounts needs a value")?;
                args.extra_accounts = Some(
                    v.parse()
                        .map_err(|_| format!("invalid account count: {v}"))?,
                );
            }
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok(Some(args))
}

/// Reads a partial `SandboxConfig` from a JSON file.
fn load_config(path: &str) -> Result<SandboxConfig, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("--config {path}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("--config {path}: {e}"))
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("instagraph-sandbox: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut config = match args.config.as_deref().map(load_config).transpose() {
        Ok(c) => c.unwrap_or_default(),
        Err(e) => {
            eprintln!("instagraph-sandbox: {e}");
            return ExitCode::from(2);
        }
    };
    if args.app_secret.is_some() {
        config.app_secret = args.app_secret;
    }
    if let Some(n) = args.extra_accounts {
        config.extra_instagram_accounts = n;
    }
    let sandbox = match Sandbox::builder()
        .port(args.port)
        .config(config)
        .start()
        .await
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("instagraph-sandbox: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "instagraph-sandbox listening on {}",
        sandbox.base_url()
    );
    let _ = out.flush();
    drop(out);
    stop_signal().await;
    sandbox.shutdown().await;
    ExitCode::SUCCESS
}
