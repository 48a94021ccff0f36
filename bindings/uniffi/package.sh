#!/usr/bin/env bash
# Builds the installable packages of the uniffi bindings into <out-dir>:
#   instagraph-<v>-py3-none-<platform>.whl  the Python package (`pip install`, `import instagraph`)
#   instagraph-<v>.jar                      the Kotlin classes + the native library (JNA resource)
# No sdist (README.md, "Install"). The Swift package (swift/Package.swift) is made on a Mac, from
# libraries built for Apple's targets: README.md, "XCFramework".
#
#   bash bindings/uniffi/package.sh target/packages
#
# One build of the library, in the workspace's `release-wheel` profile (release at opt-level 3)
# with the `testing` feature (the sandbox and the conformance runner ride in both packages; their
# flows run against them):
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
cd "$root"

# maturin in a venv of its own in the target directory (kept between runs), at the version whose
# calls the shim below was written for.
maturin_version=1.16.0
tools="$target/uniffi-packaging-venv"
if [ "$("$tools/bin/maturin" --version 2>/dev/null)" != "maturin $maturin_version" ] || [ ! -x "$tools/bin/wheel" ]; then
  python3 -m venv "$tools"
  "$tools/bin/pip" install -q --disable-pip-version-check "maturin==$maturin_version" wheel
fi

rm -rf "$staging/kotlin" "$staging/wheel" "$out/instagraph-$version"-*.whl "$out/instagraph-$version.jar"
mkdir -p "$staging"

# The workspace's uniffi-bindgen (bindgen/: the same uniffi version as the library), dev profile.
cargo build -q -p instagraph-uniffi-bindgen
bindgen="$target/debug/uniffi-bindgen"

# maturin generates the Python modules with `cargo run --bin uniffi-bindgen` at the workspace
# root, which cargo looks up in the root's default-members only, and the bindgen is not one of
# them (a root `cargo build` or `cargo test` has no use for it). This shim, first on maturin's
# PATH, answers that one command with the bindgen built above and hands every other cargo
# command to cargo.
shim="$staging/cargo-shim"
mkdir -p "$shim"
cat > "$shim/cargo" <<SHIM
#!/usr/bin/env bash
if [ "\${1:-} \${2:-} \${3:-}" = "run --bin uniffi-bindgen" ]; then shift 3; exec "$bindgen" "\$@"; fi
exec "$(command -v cargo)" "\$@"
SHIM
chmod +x "$shim/cargo"

# The wheel: the features and the module name are in pyproject.toml. maturin builds the library,
# runs the bindgen on it and packs every module it generates (instagraph, instagraph_core).
(cd "$here" && PATH="$shim:$PATH" "$tools/bin/maturin" build --out "$out")
wheel="$(ls "$out/instagraph-$version"-*.whl)"

# The library in the wheel still has its symbol table, which the bindgen reads (pyproject.toml).
# Kotlin is generated from it too; then it is stripped, as the release profile wants, and the
# wheel repacked with it (`wheel pack` rewrites RECORD). The jar takes that stripped library.
"$tools/bin/python" -m wheel unpack --dest "$staging/wheel" "$wheel" >/dev/null
library="$staging/wheel/instagraph-$version/instagraph/libinstagraph_uniffi.so"
"$bindgen" generate --library "$library" --language kotlin --out-dir "$staging/kotlin" --no-format
strip "$library"
rm "$wheel"
# Entries dated as maturin dates them (1980-01-01), not with the time of this run.
SOURCE_DATE_EPOCH=315532800 "$tools/bin/python" -m wheel pack --dest-dir "$out" "$staging/wheel/instagraph-$version" >/dev/null

bash "$here/kotlin/jar.sh" "$staging/kotlin" "$library" "$version" "$out/instagraph-$version.jar" \
  "$staging/jar"

ls -l "$out"
