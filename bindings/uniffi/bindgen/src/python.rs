//! Faster glue for the Python that uniffi 0.29.5 generates, swapped in after generation.
//!
//! Measured with the peer harness (`benches/peers`, `python-instagraph`): lifting a page of 25
//! media records spent most of its time in uniffi's `_UniffiRustBufferStream` (a ctypes pointer
//! slice and a `struct` format parse per value), and every async call went once through the
//! event loop's self-pipe, even when the Rust future was ready at its first poll. Writing
//! (`_UniffiRustBufferBuilder`) allocated a Rust buffer, grew it with a call per overflow and
//! copied byte by byte in Python, each value through a context manager; a string argument took
//! three calls into Rust. Each replacement keeps the generated code's interface; the pytest
//! suite runs on the patched modules. Records are then read in place (`record_readers.rs`).
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
        replacement: STREAM,
    },
    Patch {
        name: "RustBufferBuilder",
        start: "class _UniffiRustBufferBuilder:",
        end: "# A handful of classes and functions to support the generated data structures.",
        sha256: "a64e20b65ffa65e45d63c3633f2faa7c439a323efba5b36f01f77aaeba95a8a0",
        replacement: include_str!("python/builder.py"),
    },
    Patch {
        name: "Rust call status",
        start: "def _uniffi_rust_call_with_error(",
        end: "def _uniffi_check_call_status(",
        sha256: "8176f49b54cd03e91f57dc3fa4c061601658b0a9c807403a239ae028b93c30c9",
        replacement: include_str!("python/call.py"),
    },
    Patch {
        name: "RustBuffer converter",
        start: "class _UniffiConverterRustBuffer:",
        end: "# Contains loading, initialization code, and the FFI Function declarations.",
        sha256: "010100bd93e79f86b2441d99fd0bf2636ccd5cb9fd728389f605528e18458ee8",
        replacement: include_str!("python/rust_buffer_converter.py"),
    },
    Patch {
        name: "String lowering",
        start: "    @staticmethod\n    def lower(value):\n        with _UniffiRustBuffer.alloc_with_builder() as builder:\n            builder.write(value.encode(\"utf-8\"))\n",
        end: "\n\n",
        sha256: "a7546a0c946f7924c8d97a0e55c31aebededc047315f7db8294bc2ded6b041cf",
        replacement: include_str!("python/string_lower.py"),
    },
    Patch {
        name: "async continuation callback",
        start: "@_UNIFFI_RUST_FUTURE_CONTINUATION_CALLBACK\ndef _uniffi_continuation_callback(",
        end: "def _uniffi_set_future_result(",
        sha256: "9dc637024d52ed211107fca338249667fbe2afc8c3af943624efca6869e656ef",
        replacement: include_str!("python/continuation.py"),
    },
];

/// The patched stream: the straight-line record readers read its `data` and `offset`.
const STREAM: &str = include_str!("python/stream.py");

/// What the builder's replacement calls `rustbuffer_from_bytes` by: each module's own symbol
/// (the library's crate name is in it) is put in its place.
const FROM_BYTES_PLACEHOLDER: &str = "_UniffiLib.__RUSTBUFFER_FROM_BYTES__";

/// A converter's calls replaced by one method of the patched stream: `call` becomes `with`
/// wherever it appears, once the converter is checked to be the one the method reads like.
pub struct Inline {
    /// The converter class's first line; the class runs to the next line that is not indented.
    pub class: &'static str,
    /// SHA-256 (hex) of the class as uniffi 0.29.5 generates it.
    pub sha256: &'static str,
    /// The call that reads one value.
    pub call: &'static str,
    /// The stream method that reads the same value.
    pub with: &'static str,
}

/// The converters inlined for uniffi 0.29.5 (`read_str` and friends in `python/stream.py`).
pub const INLINES: &[Inline] = &[
    Inline {
        class: "class _UniffiConverterString:",
        sha256: "ab2c112bf0950cb71a64b6cf41e12a5aec3fa61f6d20767343af86d749383069",
        call: "_UniffiConverterString.read(buf)",
        with: "buf.read_str()",
    },
    Inline {
        class: "class _UniffiConverterOptionalString(_UniffiConverterRustBuffer):",
        sha256: "878577da283dc00831e0d3b7a29e6918ed68233947015319255d409abffa16a4",
        call: "_UniffiConverterOptionalString.read(buf)",
        with: "buf.read_opt_str()",
    },
    Inline {
        class: "class _UniffiConverterOptionalUInt64(_UniffiConverterRustBuffer):",
        sha256: "15cfa8cdd16e0ef3dd9bbb83f5dcb84a13b93a7bb96ff2da599a00395bec5536",
        call: "_UniffiConverterOptionalUInt64.read(buf)",
        with: "buf.read_opt_u64()",
    },
];

/// `source` with the inlined converters, the patches and the straight-line record readers
/// that apply to it. Converters are checked and inlined first: a patch may change a converter's
/// class (String's `lower`).
pub fn speed_up(source: &str) -> Result<String, String> {
    let inlined = inline(source, INLINES)?;
    let patched = with_from_bytes_symbol(apply(&inlined, PATCHES)?)?;
    if !patched.contains(STREAM) {
        return Ok(patched);
    }
    Ok(crate::record_readers::straight_line(&patched))
}

/// `source` with the builder's placeholder replaced by the module's `rustbuffer_from_bytes`.
fn with_from_bytes_symbol(source: String) -> Result<String, String> {
    if !source.contains(FROM_BYTES_PLACEHOLDER) {
        return Ok(source);
    }
    let declaration = "_rustbuffer_from_bytes.argtypes = (";
    let symbol = source
        .find(declaration)
        .and_then(|at| {
            let line_start = source[..at].rfind('\n').map_or(0, |n| n + 1);
            let symbol = &source[line_start..at + "_rustbuffer_from_bytes".len()];
            symbol.starts_with("_UniffiLib.ffi_").then_some(symbol)
        })
        .ok_or("the module declares no `rustbuffer_from_bytes`, which the builder's patch calls")?;
    Ok(source.replace(FROM_BYTES_PLACEHOLDER, symbol))
}

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

/// `source` with the calls of every converter of `inlines` that it defines replaced. Every
/// definition is checked before any call is replaced (one converter's class holds another's
/// call).
pub fn inline(source: &str, inlines: &[Inline]) -> Result<String, String> {
    let mut present = Vec::new();
    for converter in inlines {
        let Some(start) = source.find(converter.class) else {
            continue;
        };
        let found = hex::encode(Sha256::digest(class_block(&source[start..])));
        if found != converter.sha256 {
            return Err(format!(
                "`{}`: the generated converter is not the one its stream method reads like \
                 (sha256 {found}); a uniffi upgrade? Review bindings/uniffi/bindgen/src/python.rs",
                converter.class
            ));
        }
        present.push(converter);
    }
    Ok(present
        .iter()
        .fold(source.to_owned(), |out, c| out.replace(c.call, c.with)))
}

/// The class that `text` starts with: its first line and the indented lines after it, up to
/// (not including) the first line that is not indented; blank lines at its end left out.
fn class_block(text: &str) -> &str {
    let mut end = 0;
    for (at, line) in line_starts(text) {
        if at > 0 && !line.trim().is_empty() && !line.starts_with([' ', '\t']) {
            break;
        }
        if !line.trim().is_empty() {
            end = at + line.len();
        }
    }
    &text[..end]
}

/// Each line of `text` with its byte offset.
fn line_starts(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_inclusive('\n').scan(0, |at, line| {
        let start = *at;
        *at += line.len();
        Some((start, line.trim_end_matches('\n')))
    })
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
        assert_eq!(
            out,
            "import x\ndef fast():\n    pass\n\ndef after():\n    pass\n"
        );
    }

    #[test]
    fn a_module_without_the_text_is_left_alone() {
        let source = "import x\n";
        assert_eq!(
            apply(source, &[patch(digest(OLD))]).expect("nothing to do"),
            source
        );
    }

    #[test]
    fn a_checked_converter_is_inlined_at_every_call() {
        let class = "class _Conv:\n    def read(buf):\n        return buf.read_i32()\n";
        let converter = Inline {
            class: "class _Conv:",
            sha256: digest(class.trim_end()),
            call: "_Conv.read(buf)",
            with: "buf.read_i32()",
        };
        let source =
            format!("{class}\nclass _Rec:\n    a=_Conv.read(buf),\n    b=_Conv.read(buf),\n");
        let out = inline(&source, std::slice::from_ref(&converter)).expect("inlined");
        assert_eq!(out.matches("buf.read_i32()").count(), 3, "{out}");
        assert!(!out.contains("_Conv.read(buf)"));
        let changed = source.replace("read_i32", "read_i64");
        assert!(inline(&changed, &[converter]).is_err());
    }

    #[test]
    fn the_builder_calls_the_modules_own_from_bytes() {
        let module = format!(
            "def f(foreign):\n    return {FROM_BYTES_PLACEHOLDER}(foreign)\n\
             _UniffiLib.ffi_instagraph_core_rustbuffer_from_bytes.argtypes = (\n)\n"
        );
        let out = with_from_bytes_symbol(module).expect("declared");
        assert!(out.starts_with(
            "def f(foreign):\n    return _UniffiLib.ffi_instagraph_core_rustbuffer_from_bytes(foreign)\n"
        ));
        let undeclared = format!("x = {FROM_BYTES_PLACEHOLDER}\n");
        assert!(with_from_bytes_symbol(undeclared).is_err());
        assert_eq!(
            with_from_bytes_symbol("x = 1\n".into()).as_deref(),
            Ok("x = 1\n")
        );
    }

    #[test]
    fn changed_text_stops_the_build() {
        let source = "def slow():\n    return 1\n\ndef after():\n    pass\n";
        let err = apply(source, &[patch(digest(OLD))]).expect_err("refused");
        assert!(
            err.contains("slow") && err.contains("uniffi upgrade"),
            "{err}"
        );
        let twice = format!("{OLD}def after():\n{OLD}def after():\n");
        assert!(apply(&twice, &[patch(digest(OLD))]).is_err());
        let unended = OLD.to_owned();
        assert!(apply(&unended, &[patch(digest(OLD))]).is_err());
    }
}
