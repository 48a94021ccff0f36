//! `instagraph doctor`: checks the configuration, the sealing key, the store and each stored
//! token, and says what to fix.

use instagraph::store::Store;
use instagraph::Config;
use serde_json::{json, Value};

use crate::args::Global;
use crate::context::{self, sandbox_mode, Context};
use crate::output::{self, Failure};

struct Check {
    name: String,
    ok: bool,
    detail: String,
    fix: Option<String>,
}

impl Check {
    fn json(&self) -> Value {
        json!({ "check": self.name, "ok": self.ok, "detail": self.detail, "fix": self.fix })
    }
}

fn check(name: &str, ok: bool, detail: impl Into<String>, fix: Option<String>) -> Check {
    Check {
        name: name.into(),
        ok,
        detail: detail.into(),
        fix,
    }
}

/// Runs every check, prints them, and fails when one failed.
pub async fn run(global: &Global) -> Result<(), Failure> {
    let mut checks = Vec::new();
    let in_process = sandbox_mode(global) && global.sandbox_url.is_none();
    // 1. Where the calls go.
    if sandbox_mode(global) {
        match &global.sandbox_url {
            Some(url) => match instagraph_sandbox::remote::describe(url).await {
                Ok(_) => checks.push(check(
                    "configuration",
                    true,
                    format!("sandbox at {url}"),
                    None,
                )),
                Err(e) => checks.push(check(
                    "configuration",
                    false,
                    e.to_string(),
                    Some("start one with `instagraph sandbox` and pass its URL".into()),
                )),
            },
            None => checks.push(check(
                "configuration",
                true,
                "a sandbox in this process",
                None,
            )),
        }
    } else {
        match Config::from_env() {
            Ok(c) => checks.push(check(
                "configuration",
                c.app_secret.is_some(),
                format!("Meta app {} (API {})", c.app_id, c.api_version),
                c.app_secret
                    .is_none()
                    .then(|| "set INSTAGRAM_APP_SECRET (calls need the appsecret_proof)".into()),
            )),
            Err(e) => checks.push(check(
                "configuration",
                false,
                e.to_string(),
                Some(
                    "set INSTAGRAM_APP_ID and INSTAGRAM_APP_SECRET, or use --sandbox to try it"
                        .into(),
                ),
            )),
        }
    }
    // 2. The sealing key and the store (a throwaway sandbox uses a memory store and needs none).
    let mut store_ok = in_process && global.store.is_none();
    if !store_ok {
        let sealer = context::sealer();
        match &sealer {
            Ok(s) => checks.push(check(
                "sealing key",
                true,
                format!(
                    "key {} (and {} older)",
                    s.key_ids()[0],
                    s.key_ids().len() - 1
                ),
                None,
            )),
            Err(f) => checks.push(check(
                "sealing key",
                false,
                f.message.clone(),
                f.hint.clone(),
            )),
        }
        match (context::store_url(global), sealer) {
            (Ok(url), Ok(sealer)) => match Store::open_url(&url, sealer).await {
                Ok(_) => {
                    store_ok = true;
                    checks.push(check("store", true, redact(&url), None));
                }
                Err(e) => checks.push(check(
                    "store",
                    false,
                    format!("{}: {e}", redact(&url)),
                    Some("check --store / INSTAGRAPH_STORE_URL and that the key is the one the tokens were sealed with".into()),
                )),
            },
            (Err(f), _) => checks.push(check("store", false, f.message, f.hint)),
            (Ok(url), Err(_)) => checks.push(check(
                "store",
                false,
                format!("{} not opened: no sealing key", redact(&url)),
                None,
            )),
        }
    } else {
        checks.push(check(
            "store",
            true,
            "memory (the sandbox of this command)",
            None,
        ));
    }
    // 3. Each stored token, as Meta sees it.
    let config_ok = checks.iter().all(|c| c.ok || c.name != "configuration");
    if store_ok && config_ok {
        token_checks(global, &mut checks).await;
    }
    let failed = checks.iter().filter(|c| !c.ok).count();
    let failure = (failed > 0).then(|| Failure::message(format!("{failed} check(s) failed")));
    // One document: the report, with the failure inside it (no second error document).
    let mut doc =
        json!({ "ok": failed == 0, "checks": checks.iter().map(Check::json).collect::<Vec<_>>() });
    if let Some(failure) = &failure {
        doc["error"] = failure.json();
    }
    output::emit(global.json, &doc, || {
        let mut text = String::new();
        for c in &checks {
            text.push_str(&format!(
                "{} {}: {}\n",
                if c.ok { "ok  " } else { "FAIL" },
                c.name,
                c.detail
            ));
            if let Some(fix) = &c.fix {
                text.push_str(&format!("     fix: {fix}\n"));
            }
        }
        text
    });
    match failure {
        Some(failure) => Err(failure.in_json_output()),
        None => Ok(()),
    }
}

async fn token_checks(global: &Global, checks: &mut Vec<Check>) {
    let context = match Context::open(global).await {
        Ok(c) => c,
        Err(f) => {
            checks.push(check("tokens", false, f.message, f.hint));
            return;
        }
    };
    let tokens = match context
        .accounts
        .store()
        .backend()
        .list_tokens(&context.company)
        .await
    {
        Ok(t) => t,
        Err(e) => {
            checks.push(check("tokens", false, e.to_string(), None));
            return;
        }
    };
    if tokens.is_empty() {
        checks.push(check(
            "tokens",
            false,
            format!("company {} has no stored token", context.company),
            Some("run `instagraph connect`".into()),
        ));
    }
    for token in tokens {
        let name = format!("token #{}", token.id);
        match context
            .accounts
            .connection_status(&context.company, &token.id)
            .await
        {
            Ok(s) => {
                let fix = if !s.valid {
                    Some("reconnect: `instagraph connect`".to_owned())
                } else if !s.missing_scopes.is_empty() {
                    Some("reconnect to grant the missing scopes".to_owned())
                } else {
                    None
                };
                checks.push(check(
                    &name,
                    s.valid && s.missing_scopes.is_empty(),
                    super::accounts::status_text(&s),
                    fix,
                ));
            }
            Err(e) => checks.push(check(&name, false, e.to_string(), None)),
        }
    }
}

/// The store URL without what may be a password: the scheme and, for SQLite, the path.
fn redact(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) if scheme.starts_with("postgres") => {
            let host = rest.rsplit_once('@').map(|(_, h)| h).unwrap_or(rest);
            format!("{scheme}://…@{host}")
        }
        _ => url.to_owned(),
    }
}
