//! What the CLI tests share: a sandbox in the test process, a private store and data directory,
//! and the binary run against them with a clean environment.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use instagraph::store::{LoginKind, NewToken, SealingKey, Store};
use instagraph::{AccessToken, Client, CompanyId};
use instagraph_sandbox::{Login, Sandbox, TokenRequest};
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

    /// Moves the `issued_at` of the company's stored Instagram Login tokens `age` back (the
    /// same sealed token, as if the connection had been made then): Instagram Login tokens can
    /// only be refreshed once they are a day old.
    pub async fn backdate_instagram_tokens(&self, age: chrono::TimeDelta) -> usize {
        let key = SealingKey::from_base64(&self.key).expect("key");
        let store = Store::sqlite(self.store_path(), key).await.expect("store");
        let company = CompanyId::new(COMPANY);
        let mut moved = 0;
        for record in store.backend().list_tokens(&company).await.expect("tokens") {
            if record.login != LoginKind::Instagram {
                continue;
            }
            let token = store.open_token(&record).expect("open");
            let token = NewToken {
                kind: record.kind,
                login: record.login,
                subject_id: record.subject_id.clone(),
                token,
                scopes: record.scopes.clone(),
                expires_at: record.expires_at,
                issued_at: record.issued_at - age,
            };
            let id = store.save_token(&company, token).await.expect("save");
            assert_eq!(id, record.id, "the token row is updated in place");
            moved += 1;
        }
        moved
    }

    /// Runs the binary with `args`, in text and then in `--json`, expects success both times,
    /// and returns everything both printed (stdout and stderr).
    pub fn printed_by(&self, args: &[&str]) -> String {
        let mut printed = String::new();
        for json in [false, true] {
            let mut cmd = self.cli();
            if json {
                cmd.arg("--json");
            }
            let output = cmd.args(args).output().expect("run");
            assert!(
                output.status.success(),
                "{args:?} (json: {json}) failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            printed.push_str(&String::from_utf8_lossy(&output.stdout));
            printed.push_str(&String::from_utf8_lossy(&output.stderr));
        }
        printed
    }

    /// Asserts that `printed` holds no secret: none of the stored tokens, nothing shaped like
    /// a Meta token (`EAA…` of Facebook Login, `IGAA…` of Instagram Login), not the app secret.
    pub async fn assert_no_secrets(&self, printed: &str) {
        let tokens = self.stored_tokens().await;
        assert!(!tokens.is_empty(), "no stored token to look for");
        for token in tokens {
            assert!(!printed.contains(&token), "a stored token was printed");
        }
        if let Some(at) = token_like(printed) {
            let shown: String = printed[at..].chars().take(6).collect();
            panic!("a token-like string ({shown}…) was printed");
        }
        assert!(
            !printed.contains(self.sandbox.app_secret()),
            "the app secret was printed"
        );
    }

    /// The SDK client of this sandbox and a Facebook Login token of Alice (the seeded user the
    /// CLI connects as), to read back what the CLI did.
    pub fn graph_token(&self) -> (Client, AccessToken) {
        let alice = self.sandbox.seed().user("Alice").expect("Alice").id.clone();
        let issued = self
            .sandbox
            .issue_token(&TokenRequest {
                user_id: alice,
                login: Login::Facebook,
                long_lived: true,
                scopes: None,
                page_id: None,
            })
            .expect("token");
        let client = Client::builder()
            .app(self.sandbox.app_id(), self.sandbox.app_secret())
            .sandbox(self.sandbox.base_url())
            .build()
            .expect("client");
        (client, AccessToken::new(issued.access_token))
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

/// Where `text` holds something shaped like a Meta access token: `EAA` or `IGAA` at the start
/// of a word, followed by at least 20 letters and digits.
pub fn token_like(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    ["EAA", "IGAA"].iter().find_map(|prefix| {
        text.match_indices(prefix).map(|(i, _)| i).find(|&i| {
            let starts_word = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
            let tail = bytes[i + prefix.len()..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            starts_word && tail >= 20
        })
    })
}

/// A spawned command, killed (and reaped) if the test ends before it has exited.
pub struct Running(pub std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The lines of a child's output as they come, read on a thread (so that a test can wait for
/// the next one with a timeout).
pub fn lines_of(out: impl std::io::Read + Send + 'static) -> std::sync::mpsc::Receiver<String> {
    use std::io::BufRead;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
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
