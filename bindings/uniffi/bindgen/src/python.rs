//! Faster glue for the Python that uniffi 0.29.5 generates, swapped in after generation.
//!
//! Measured with the peer harness (`benches/peers`, `python-instagraph`): lifting a page of 25
//! media records spent most of its time in uniffi's `_UniffiRustBufferStream` (a ctypes pointer
//! slice and a `struct` format parse per value), and every async call went once through the
//! event loop's self-pipe, even when the Rust future was ready at its first poll. Writing
//! (`_UniffiRustBufferBuilder`) copied byte by byte in Python. Each replacement keeps the
//! generated code's interface; the pytest suite runs on the patched modules.
//!
//! A patch names the exact text it replaces by its SHA-256, so a uniffi upgrade that changes
//! that text stops the build with a message instead of mixing two versions of the glue.

use sha2::{Digest, Sha256};

/// One replacement: the generated text from `start` up to (not including) `end`.
pub struct Patch {
    /// What it is, for error messages.
    pub name: &'static str,
    /// The first line of the replaced text; a module without it does not need the patch.
    pub start: &'static str,
    /// The text that follows the replaced text.
    pub end: &'static str,
    /// SHA-256 (hex) of the replaced text as uniffi 0.29.5 generates it.
    pub sha256: &'static str,
    /// The text put in its place.
    pub replacement: &'static str,
}

/// The patches for uniffi 0.29.5.
pub const PATCHES: &[Patch] = &[
    Patch {
        name: "RustBufferStream",
        start: "class _UniffiRustBufferStream:",
        end: "class _UniffiRustBufferBuilder:",
        sha256: "820e7bceca7ad8427762defa6d3722b2f7802eaf2ef9593520342b8fd05a607c",
        replacement: include_str!("python/stream.py"),
    },
    Patch {
        name: "RustBufferBuilder writes",
        start: "    def _pack_into(self, size, format, value):",
        end: "    def write_i8(self, v):",
        sha256: "8f39eb9042249c0bbba8e47ab4713b4536dfc0bfd4633ca6aab10c2d45e2105b",
        replacement: include_str!("python/writes.py"),
    },
    Patch {
        name: "async continuation callback",
        start: "@_UNIFFI_RUST_FUTURE_CONTINUATION_CALLBACK\ndef _uniffi_continuation_callback(",
        end: "def _uniffi_set_future_result(",
        sha256: "9dc637024d52ed211107fca338249667fbe2afc8c3af943624efca6869e656ef",
        replacement: include_str!("python/continuation.py"),
    },
];

/// `source` with every patch that applies to it applied.
pub fn apply(source: &str, patches: &[Patch]) -> Result<String, String> {
    let mut out = source.to_owned();
    for patch in patches {
        let Some(start) = out.find(patch.start) else {
            continue;
        };
        if out[start + 1..].contains(patch.start) {
            return Err(format!("{}: its text appears twice", patch.name));
        }
        let end = out[start..]
            .find(patch.end)
            .map(|at| start + at)
            .ok_or_else(|| format!("{}: `{}` does not follow it", patch.name, patch.end))?;
        let found = hex::encode(Sha256::digest(&out[start..end]));
        if found != patch.sha256 {
            return Err(format!(
                "{}: the generated text is not the one this patch replaces (sha256 {found}); \
                 a uniffi upgrade? Review bindings/uniffi/bindgen/src/python.rs",
                patch.name
            ));
        }
        out.replace_range(start..end, patch.replacement);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "def slow():\n    pass\n\n";

    fn patch(sha256: &'static str) -> Patch {
        Patch {
            name: "slow",
            start: "def slow():",
            end: "def after():",
            sha256,
            replacement: "def fast():\n    pass\n\n",
        }
    }

    fn digest(text: &str) -> &'static str {
        Box::leak(hex::encode(Sha256::digest(text)).into_boxed_str())
    }

    #[test]
    fn the_known_text_is_replaced() {
        let source = format!("import x\n{OLD}def after():\n    pass\n");
        let out = apply(&source, &[patch(digest(OLD))]).expect("applies");
        assert_eq!(out, "import x\ndef fast():\n    pass\n\ndef after():\n    pass\n");
    }

    #[test]
    fn a_module_without_the_text_is_left_alone() {
        let source = "import x\n";
        assert_eq!(apply(source, &[patch(digest(OLD))]).expect("nothing to do"), source);
    }

    #[test]
    fn changed_text_stops_the_build() {
        let source = "def slow():\n    return 1\n\ndef after():\n    pass\n";
        let err = apply(source, &[patch(digest(OLD))]).expect_err("refused");
        assert!(err.contains("slow") && err.contains("uniffi upgrade"), "{err}");
        let twice = format!("{OLD}def after():\n{OLD}def after():\n");
        assert!(apply(&twice, &[patch(digest(OLD))]).is_err());
        let unended = OLD.to_owned();
        assert!(apply(&unended, &[patch(digest(OLD))]).is_err());
    }
}
