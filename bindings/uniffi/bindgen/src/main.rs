//! `uniffi-bindgen`, built from the workspace so that it always matches the uniffi version the
//! library was compiled with (a mismatch fails at load time with a checksum error). After
//! generating Python it swaps in faster glue (`python.rs`).

mod python;
mod record_readers;

use std::path::{Path, PathBuf};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    uniffi::uniffi_bindgen_main();
    if let Some(out_dir) = python_out_dir(&args) {
        if let Err(e) = patch_modules(&out_dir) {
            eprintln!("uniffi-bindgen: {e}");
            std::process::exit(1);
        }
    }
}

/// The output folder of a `generate` run that includes Python.
fn python_out_dir(args: &[String]) -> Option<PathBuf> {
    if args.first().map(String::as_str) != Some("generate") {
        return None;
    }
    let (mut python, mut out_dir) = (false, None);
    let mut rest = args[1..].iter();
    while let Some(arg) = rest.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag, Some(value.to_owned())),
            None => (arg.as_str(), None),
        };
        let mut value = || inline.clone().or_else(|| rest.next().cloned());
        match flag {
            "--language" | "-l" => python |= value().as_deref() == Some("python"),
            "--out-dir" | "-o" => out_dir = value().map(PathBuf::from),
            _ => {}
        }
    }
    out_dir.filter(|_| python)
}

/// Patches every generated `.py` module in `dir`.
fn patch_modules(dir: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("py") {
            continue;
        }
        let source =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let patched = python::speed_up(&source).map_err(|e| format!("{}: {e}", path.display()))?;
        if patched != source {
            std::fs::write(&path, patched).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::python_out_dir;

    fn args(line: &str) -> Vec<String> {
        line.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn python_runs_are_recognised_in_every_spelling() {
        for line in [
            "generate --library lib.so --language python --out-dir out",
            "generate --no-format --library lib.so -l python -o out",
            "generate --library=lib.so --language=kotlin --language=python --out-dir=out",
        ] {
            assert_eq!(python_out_dir(&args(line)), Some("out".into()), "{line}");
        }
        for line in [
            "generate --library lib.so --language kotlin --out-dir out",
            "print-repr lib.so --language python --out-dir out",
        ] {
            assert_eq!(python_out_dir(&args(line)), None, "{line}");
        }
    }
}
