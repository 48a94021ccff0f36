//! `peers-bare MODE N`: the floor, bare reqwest + serde_json exactly as `Bare` in
//! benches/client_overhead.rs: one `reqwest::Client::new()`, the query (`fields`,
//! `access_token`, `appsecret_proof` computed once up front; plus `limit=25`, which the
//! instagraph client sends too) added per call, the body read as
//! bytes and decoded with `serde_json::from_slice::<ListResponse<Media>>`.

use std::process::ExitCode;

use instagraph::api::models::{ListResponse, Media};
use instagraph::appsecret_proof;
use instagraph::config::DEFAULT_API_VERSION;
use instagraph_peers::measure::{exit_with, run, Args, Fetch};
use instagraph_peers::{APP_SECRET, FIELDS, IG_USER_ID, ITEMS, TOKEN};

/// What hand-written code keeps between calls.
struct Bare {
    http: reqwest::Client,
    url: String,
    fields: String,
    proof: String,
}

impl Bare {
    fn new(base_url: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            url: format!("{base_url}/graph.facebook.com/{DEFAULT_API_VERSION}/{IG_USER_ID}/media"),
            fields: FIELDS.join(","),
            proof: appsecret_proof(APP_SECRET, TOKEN),
        }
    }
}

impl Fetch for Bare {
    async fn one(&self) -> Result<u64, String> {
        let bytes = self
            .http
            .get(&self.url)
            .query(&[
                ("fields", self.fields.as_str()),
                ("limit", "25"),
                ("access_token", TOKEN),
                ("appsecret_proof", self.proof.as_str()),
            ])
            .send()
            .await
            .map_err(|e| format!("request: {e}"))?
            .bytes()
            .await
            .map_err(|e| format!("body: {e}"))?;
        let list = serde_json::from_slice::<ListResponse<Media>>(&bytes)
            .map_err(|e| format!("decode: {e}"))?;
        if list.data.len() != ITEMS {
            return Err(format!("{} media instead of {ITEMS}", list.data.len()));
        }
        Ok(list.data.iter().filter_map(|m| m.like_count).sum())
    }
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    exit_with(
        Args::from_env(&argv).and_then(|args| run("rust-bare", &args, |base| Ok(Bare::new(base)))),
    )
}
