//! What the CLI tests share: a sandbox in the test process, a private store and data directory,
//! and the binary run against them with a clean environment.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use instagraph::store::{SealingKey, Store};
use instagraph::CompanyId;
use instagraph_sandbox::Sandbox;
use serde_json::Value;
use tempfile::TempDir;

/// The company every test uses.
pub const COMPANY: &str = "acme";

/// A sandbox and a SQLite store of the test's own.
pub struct World {
    pub sandbox: Sandbox,
    pub dir: TempDir,
    pub key: String,
}

impl World {
    pub async fn start() -> Self {
        let sandbox = Sandbox::start().await.expect("sandbox");
        Self {
            sandbox,
            dir: tempfile::tempdir().expect("temp dir"),
            key: SealingKey::generate().to_base64(),
        }
    }

    pub fn store_path(&self) -> PathBuf {
        self.dir.path().join("store.db")
    }

    pub fn store_url(&self) -> String {
        format!("sqlite:{}", self.store_path().display())
    }

    /// The binary with a clean environment: this test's sandbox, store, key and company.
    pub fn cli(&self) -> Command {
        Command::from_std(self.cli_std())
    }

    /// [`World::cli`] as a `std::process::Command` (to spawn and read as it runs).
    pub fn cli_std(&self) -> std::process::Command {
        let mut cmd = bare_std(self.dir.path());
        cmd.env("INSTAGRAPH_SEALING_KEY", &self.key)
            .args(["--sandbox-url", self.sandbox.base_url()])
            .args(["--store", &self.store_url()])
            .args(["--company", COMPANY]);
        cmd
    }

    /// Runs the binary with `args` and `--json`, expects success, parses stdout.
    pub fn json(&self, args: &[&str]) -> Value {
        let output = self.cli().arg("--json").args(args).output().expect("run");
        parse_success(args, &output)
    }

    /// Connects the sandbox's first user and adds every account; returns the connect answer.
    pub fn connect(&self) -> Value {
        self.json(&["connect", "--add-all"])
    }

    /// The plaintext of every stored token (to check that none is ever printed).
    pub async fn stored_tokens(&self) -> Vec<String> {
        let key = SealingKey::from_base64(&self.key).expect("key");
        let store = Store::sqlite(self.store_path(), key).await.expect("store");
        let company = CompanyId::new(COMPANY);
        let mut tokens = Vec::new();
        for record in store.backend().list_tokens(&company).await.expect("tokens") {
            let token = store.open_token(&record).expect("open");
            tokens.push(token.expose().to_owned());
        }
        tokens
    }

    /// The first seeded account with media.
    pub fn account_with_media(&self) -> String {
        self.sandbox
            .seed()
            .instagram_accounts
            .iter()
            .find(|a| !a.media.is_empty())
            .expect("an account with media")
            .id
            .clone()
    }
}

/// The binary with no inherited configuration, its data directory under `home`.
pub fn bare(home: &Path) -> Command {
    Command::from_std(bare_std(home))
}

/// [`bare`] as a `std::process::Command` (to spawn and read as it runs).
pub fn bare_std(home: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("instagraph"));
    for var in [
        "INSTAGRAM_MODE",
        "INSTAGRAM_SANDBOX_URL",
        "INSTAGRAPH_STORE_URL",
        "INSTAGRAPH_SEALING_KEY",
        "INSTAGRAPH_PREVIOUS_SEALING_KEYS",
        "INSTAGRAPH_COMPANY",
        "INSTAGRAM_APP_ID",
        "INSTAGRAM_APP_SECRET",
        "FACEBOOK_APP_ID",
        "FACEBOOK_APP_SECRET",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("NO_COLOR", "1");
    cmd
}

/// Stdout parsed as JSON, after checking the exit status.
pub fn parse_success(args: &[&str], output: &Output) -> Value {
    assert!(
        output.status.success(),
        "{args:?} failed: {}\n{}",
        String::from_utf8_lossy(&output.stderr),
        String::from_utf8_lossy(&output.stdout)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// A local "video" file of `len` bytes.
pub fn video_file(dir: &Path, len: usize) -> PathBuf {
    let path = dir.join("clip.mp4");
    let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, bytes).expect("write video");
    path
}
