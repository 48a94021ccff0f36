//! `instagraph-sandbox`: serves the local Graph API sandbox until Ctrl-C or SIGTERM.
//!
//! Prints exactly one line on stdout, `instagraph-sandbox listening on http://127.0.0.1:PORT`,
//! so scripts can wait for it and read the port.

use std::io::Write;
use std::process::ExitCode;

use instagraph::sandbox::{Sandbox, SandboxConfig};

const USAGE: &str = "\
instagraph-sandbox: a local, stateful imitation of the Instagram Graph API

USAGE:
    instagraph-sandbox [--port N] [--app-secret SECRET]

OPTIONS:
    --port N             Port to listen on at 127.0.0.1 (0, the default, picks a free one)
    --app-secret SECRET  Use this app secret instead of a random one
    -h, --help           Print this help

GET /__sandbox/config on the printed URL describes hosts, app credentials and seeded users.";

struct Args {
    port: u16,
    app_secret: Option<String>,
}

fn parse_args() -> Result<Option<Args>, String> {
    let mut args = Args {
        port: 0,
        app_secret: None,
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
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok(Some(args))
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
    let config = SandboxConfig {
        app_secret: args.app_secret,
        ..SandboxConfig::default()
    };
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
