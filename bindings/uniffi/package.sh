#!/usr/bin/env bash
# Builds the installable packages of the uniffi bindings into <out-dir>:
#   instagraph-<v>-py3-none-<platform>.whl  the Python package (`pip install`, `import instagraph`)
#   instagraph-<v>.tar.gz                   its sdist (building from it needs a Rust toolchain)
#   instagraph-<v>.jar                      the Kotlin classes + the native library (JNA resource)
# The Swift package (swift/Package.swift) is made on a Mac, from libraries built for Apple's
# targets: README.md, "XCFramework".
#
#   bash bindings/uniffi/package.sh target/packages
#
# One build of the library, in the workspace's release profile with the `testing` feature (the
# sandbox and the conformance runner ride in both packages; their flows run against them):
# maturin compiles it for the wheel (`cargo rustc --crate-type cdylib`, a build of its own that a
# `cargo build` of the crate would not share), and the jar takes the very library that the wheel
# holds.
set -euo pipefail
[ $# = 1 ] || { echo "usage: package.sh <out-dir>" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
mkdir -p "$1"
out="$(cd "$1" && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$here/Cargo.toml" | head -n 1)"
staging="$target/uniffi-packages"

# maturin in a venv of its own in the target directory (kept between runs).
tools="$target/uniffi-packaging-venv"
if [ ! -x "$tools/bin/maturin" ]; then
  python3 -m venv "$tools"
  "$tools/bin/pip" install -q --disable-pip-version-check 'maturin>=1.9,<2'
fi

rm -rf "$staging" "$out/instagraph-$version"-*.whl "$out/instagraph-$version.tar.gz" "$out/instagraph-$version.jar"
mkdir -p "$staging"

# The wheel: the features and the module name are in pyproject.toml. maturin runs the
# workspace's uniffi-bindgen (bindgen/) on the library and packs every module it generates.
(cd "$here" && "$tools/bin/maturin" build --release --out "$out")
(cd "$here" && "$tools/bin/maturin" sdist --out "$out")
wheel="$(ls "$out/instagraph-$version"-*.whl)"

# The library as the wheel holds it, for the jar.
python3 - "$wheel" "$staging/libinstagraph_uniffi.so" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel, wheel.open("instagraph/libinstagraph_uniffi.so") as lib:
    with open(sys.argv[2], "wb") as out:
        shutil.copyfileobj(lib, out)
PY

# Kotlin from that library, with the workspace's uniffi-bindgen (the dev build that maturin ran).
cargo build -q -p instagraph-uniffi-bindgen
"$target/debug/uniffi-bindgen" generate --library "$staging/libinstagraph_uniffi.so" \
  --language kotlin --out-dir "$staging/kotlin" --no-format

bash "$here/kotlin/jar.sh" "$staging/kotlin" "$staging/libinstagraph_uniffi.so" "$version" "$out/instagraph-$version.jar"

ls -l "$out"
