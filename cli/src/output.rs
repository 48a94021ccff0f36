//! Printing: text for people, JSON (`--json`) for scripts, and errors as the core words them.

use std::process::ExitCode;

use serde_json::{json, Value};

/// Why a command failed: the core's message (never a token), with its vocabulary code.
#[derive(Debug)]
pub struct Failure {
    /// What went wrong, as the core words it.
    pub message: String,
    /// The core's error code (`invalid_input`, `graph_api`, …) or the CLI's own.
    pub code: &'static str,
    /// The field the error names, when it names one.
    pub field: Option<&'static str>,
    /// What to do about it, when the CLI knows.
    pub hint: Option<String>,
    /// Whether the command already printed it inside its own `--json` document (then that
    /// document is the only one on stdout).
    pub in_json_output: bool,
}

impl Failure {
    /// A failure of the CLI itself (bad argument, I/O) with a message of its own.
    pub fn message(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: "cli",
            field: None,
            hint: None,
            in_json_output: false,
        }
    }

    /// Adds what to do about it.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Marks it as printed already inside the command's `--json` document: [`fail`] then
    /// prints no second document (text mode still says it on stderr).
    pub fn in_json_output(mut self) -> Self {
        self.in_json_output = true;
        self
    }

    /// The failure as the `error` object of a JSON document.
    pub fn json(&self) -> Value {
        json!({
            "message": self.message,
            "code": self.code,
            "field": self.field,
            "hint": self.hint,
        })
    }
}

impl From<instagraph::Error> for Failure {
    fn from(e: instagraph::Error) -> Self {
        Self {
            message: e.to_string(),
            code: e.code(),
            field: e.field(),
            hint: None,
            in_json_output: false,
        }
    }
}

impl From<instagraph::store::StoreError> for Failure {
    fn from(e: instagraph::store::StoreError) -> Self {
        instagraph::Error::from(e).into()
    }
}

impl From<instagraph_sandbox::SandboxError> for Failure {
    fn from(e: instagraph_sandbox::SandboxError) -> Self {
        Self {
            code: "sandbox",
            ..Self::message(e.to_string())
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Self {
            code: "io",
            ..Self::message(e.to_string())
        }
    }
}

/// Prints the failure (stderr for text; stdout for `--json`, the one document a script reads,
/// unless the command's own document already holds it) and returns the exit code: 1.
pub fn fail(json: bool, failure: &Failure) -> ExitCode {
    if json {
        if !failure.in_json_output {
            println!("{}", json!({ "error": failure.json() }));
        }
    } else {
        eprintln!("instagraph: {}", failure.message);
        if let Some(hint) = &failure.hint {
            eprintln!("  hint: {hint}");
        }
    }
    ExitCode::from(1)
}

/// Prints `doc` (with `--json`) or the text `human` builds.
pub fn emit(json: bool, doc: &Value, human: impl FnOnce() -> String) {
    if json {
        println!("{doc}");
    } else {
        let text = human();
        if text.ends_with('\n') {
            print!("{text}");
        } else {
            println!("{text}");
        }
    }
}

/// A table with a header row, for text output.
pub fn table<const N: usize>(header: [&str; N], rows: Vec<[String; N]>) -> String {
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::UTF8_BORDERS_ONLY)
        .set_header(header);
    for row in rows {
        t.add_row(row);
    }
    t.to_string()
}

/// `Some(x)` as text, `None` as a dash.
pub fn or_dash<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_else(|| "-".into())
}
