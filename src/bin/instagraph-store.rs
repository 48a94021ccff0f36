//! `instagraph-store`: maintenance of an instagraph store.
//!
//! ```text
//! instagraph-store migrate [URL]          apply pending migrations, list the applied ones
//! instagraph-store reseal  [URL] [--batch N]
//!                                         reseal every token sealed with an older key
//! instagraph-store generate-key           print a new random sealing key (base64)
//! ```
//!
//! `URL` is `sqlite:PATH` or `postgres://user:password@host/db` (default: the
//! `INSTAGRAPH_STORE_URL` environment variable). Keys come from the environment:
//! `INSTAGRAPH_SEALING_KEY` (the current key: new writes use it) and
//! `INSTAGRAPH_PREVIOUS_SEALING_KEYS` (older keys, comma-separated, still read).
//!
//! Rotating the key: generate a new key; set it as `INSTAGRAPH_SEALING_KEY` and move the old one
//! to `INSTAGRAPH_PREVIOUS_SEALING_KEYS` everywhere the store is used (reads keep working with
//! either); run `instagraph-store reseal`; once it reports no unreadable row, the old key can be
//! dropped. Exit status: 0 done, 1 error, 2 usage, 3 some rows open with none of the keys.

use std::process::ExitCode;

use instagraph::store::{Sealer, SealingKey, Store, StoreError, StoreUrl};

const USAGE: &str = "usage: instagraph-store migrate [URL]
       instagraph-store reseal [URL] [--batch N]
       instagraph-store generate-key
URL: sqlite:PATH or postgres://user:password@host/db (default: $INSTAGRAPH_STORE_URL)
keys: $INSTAGRAPH_SEALING_KEY (current), $INSTAGRAPH_PREVIOUS_SEALING_KEYS (older, comma-separated)";

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args).await {
        Ok(code) => code,
        Err(Failure::Usage(message)) => {
            eprintln!("instagraph-store: {message}\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Store(e)) => {
            eprintln!("instagraph-store: {e}");
            ExitCode::from(1)
        }
    }
}

enum Failure {
    Usage(String),
    Store(StoreError),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

/// The URL argument, or the environment's; it may hold a password, so it is never printed.
fn store_url(positional: Option<&String>) -> Result<String, Failure> {
    positional
        .cloned()
        .or_else(|| std::env::var("INSTAGRAPH_STORE_URL").ok())
        .filter(|u| !u.is_empty())
        .ok_or_else(|| Failure::Usage("no store URL (argument or INSTAGRAPH_STORE_URL)".into()))
}

async fn run(args: &[String]) -> Result<ExitCode, Failure> {
    let Some((command, rest)) = args.split_first() else {
        return Err(Failure::Usage("missing command".into()));
    };
    match command.as_str() {
        "generate-key" => {
            println!("{}", SealingKey::generate().to_base64());
            Ok(ExitCode::SUCCESS)
        }
        "migrate" => {
            let url = store_url(rest.first())?;
            for (version, name) in applied_migrations(&url).await? {
                println!("{version:04} {name}");
            }
            Ok(ExitCode::SUCCESS)
        }
        "reseal" => {
            let (mut url, mut batch) = (None, 100u64);
            let mut it = rest.iter();
            while let Some(arg) = it.next() {
                if arg == "--batch" {
                    batch = it
                        .next()
                        .and_then(|n| n.parse().ok())
                        .filter(|n| (1..=500).contains(n))
                        .ok_or_else(|| Failure::Usage("--batch takes 1 to 500".into()))?;
                } else if url.is_none() && !arg.starts_with("--") {
                    url = Some(arg);
                } else {
                    return Err(Failure::Usage(format!("unexpected argument {arg:?}")));
                }
            }
            let url = store_url(url)?;
            let sealer = Sealer::from_env()?;
            let ids = sealer.key_ids().join(", ");
            let store = Store::open_url(&url, sealer).await?;
            let report = store.reseal_tokens(batch).await?;
            println!(
                "keys {ids}: {} found under older keys, {} resealed, {} changed meanwhile, {} unreadable",
                report.found, report.resealed, report.changed, report.unreadable
            );
            if report.unreadable > 0 {
                eprintln!(
                    "instagraph-store: {} tokens open with none of the keys; keep the key that sealed them",
                    report.unreadable
                );
                return Ok(ExitCode::from(3));
            }
            Ok(ExitCode::SUCCESS)
        }
        other => Err(Failure::Usage(format!("unknown command {other:?}"))),
    }
}

async fn applied_migrations(url: &str) -> Result<Vec<(i64, String)>, Failure> {
    Ok(StoreUrl::parse(url)?.applied_migrations().await?)
}
