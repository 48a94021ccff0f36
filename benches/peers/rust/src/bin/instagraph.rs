//! `peers-instagraph MODE N`: instagraph's `Client` (hosts at nginx) and
//! `client.facebook(&token).ig_user(id).media().list().fields(..).limit(25).send()`, the whole
//! pipeline (URL and query building, `appsecret_proof` per call, the request timeout, usage
//! headers, tracing span, retry policy, the typed `Page`).
//!
//! `peers-instagraph stream`: `into_stream()` over the 1,000 pages of 100 media that nginx
//! serves for the stream account, counting the media; reports the process's peak RSS.

use std::process::ExitCode;
use std::time::Instant;

use futures::TryStreamExt;
use instagraph::{AccessToken, Client, Hosts};
use instagraph_peers::measure::{base_url, exit_with, run, usage, Args, Fetch, Report};
use instagraph_peers::pages::stream_like_sum;
use instagraph_peers::{
    APP_ID, APP_SECRET, FIELDS, IG_USER_ID, ITEMS, STREAM_IG_USER_ID, STREAM_PAGES,
    STREAM_PAGE_ITEMS, TOKEN,
};

/// The SDK's client and the account's token, as a service keeps them.
struct Sdk {
    client: Client,
    token: AccessToken,
}

impl Sdk {
    fn new(base_url: &str) -> Result<Self, String> {
        let client = Client::builder()
            .app(APP_ID, APP_SECRET)
            .hosts(Hosts::sandbox(base_url))
            .build()
            .map_err(|e| format!("instagraph client: {e}"))?;
        Ok(Self {
            client,
            token: AccessToken::new(TOKEN),
        })
    }
}

impl Fetch for Sdk {
    async fn one(&self) -> Result<u64, String> {
        let page = self
            .client
            .facebook(&self.token)
            .ig_user(IG_USER_ID)
            .media()
            .list()
            .fields(FIELDS)
            .limit(ITEMS as u32)
            .send()
            .await
            .map_err(|e| format!("media list: {e}"))?;
        if page.items.len() != ITEMS {
            return Err(format!("{} media instead of {ITEMS}", page.items.len()));
        }
        Ok(page.items.iter().filter_map(|m| m.like_count).sum())
    }
}

/// Streams every media of the stream account, one page in memory at a time.
fn stream() -> Result<Report, String> {
    let base = base_url()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    runtime.block_on(async {
        let sdk = Sdk::new(&base)?;
        let before = usage();
        let started = Instant::now();
        let first = sdk
            .client
            .facebook(&sdk.token)
            .ig_user(STREAM_IG_USER_ID)
            .media()
            .list()
            .fields(FIELDS)
            .limit(STREAM_PAGE_ITEMS as u32)
            .send()
            .await
            .map_err(|e| format!("first stream page: {e}"))?;
        let mut media = first.into_stream();
        let (mut items, mut checksum) = (0u64, 0u64);
        while let Some(m) = media.try_next().await.map_err(|e| format!("stream: {e}"))? {
            items += 1;
            checksum += m.like_count.unwrap_or(0);
        }
        let wall_s = started.elapsed().as_secs_f64();
        let after = usage();
        let expected = (STREAM_PAGES * STREAM_PAGE_ITEMS) as u64;
        if items != expected || checksum != stream_like_sum() {
            return Err(format!(
                "streamed {items} media (checksum {checksum}), expected {expected} ({})",
                stream_like_sum()
            ));
        }
        Ok(Report {
            client: "rust-instagraph".into(),
            mode: "stream".into(),
            requests: STREAM_PAGES,
            wall_s,
            cpu_s: after.cpu_s - before.cpu_s,
            max_rss_kb: after.max_rss_kb,
            checksum,
            items: Some(items),
        })
    })
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.first().map(String::as_str) == Some("stream") {
        return exit_with(stream());
    }
    exit_with(Args::from_env(&argv).and_then(|args| run("rust-instagraph", &args, Sdk::new)))
}
