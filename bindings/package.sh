#!/usr/bin/env bash
# Builds every package a user installs into target/packages/ (or $1):
#   instagraph-<v>.crate, instagraph-sandbox-<v>.crate   the crates (cargo publish --dry-run)
#   instagraph-<v>.tgz, instagraph-linux-x64-gnu-<v>.tgz  npm: the loader and this machine's addon
#   instagraph-<v>-*.whl                                 Python (maturin, uniffi)
#   instagraph-<v>.jar                                   JVM: Kotlin classes + the native library
# The addon and the mobile library are release builds (stripped, LTO): a few minutes each.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/target/packages}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
version="$(cd "$root" && cargo metadata --no-deps --format-version 1 \
  | python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "instagraph"))')"
rm -f "$out"/instagraph*

echo "==> the crates (cargo publish --dry-run: packaged, then built from the package alone)"
(cd "$root" && cargo publish --dry-run --allow-dirty -p instagraph -p instagraph-sandbox 2>&1 \
  | grep -v '^warning: ignoring \(test\|benchmark\) ')
# The dry run keeps its packages in a scratch folder of cargo's; pack them again where
# `cargo package` puts them (no second verification build).
(cd "$root" && cargo package --no-verify --allow-dirty -p instagraph -p instagraph-sandbox 2>&1 \
  | grep -v '^warning: ignoring \(test\|benchmark\) ')
target="${CARGO_TARGET_DIR:-$root/target}"
cp "$target/package/instagraph-$version.crate" "$target/package/instagraph-sandbox-$version.crate" "$out/"

echo "==> npm"
bash "$root/bindings/node/package.sh" "$out"

echo "==> Python wheel and JVM jar"
bash "$root/bindings/uniffi/package.sh" "$out"

echo "==> written to $out"
missing=0
for file in "instagraph-$version.crate" "instagraph-sandbox-$version.crate" "instagraph-$version.tgz" \
  "instagraph-linux-x64-gnu-$version.tgz" "instagraph-$version.jar"; do
  [ -f "$out/$file" ] || { echo "missing: $file" >&2; missing=1; }
done
compgen -G "$out/instagraph-$version-*.whl" >/dev/null || { echo "missing: instagraph-$version-*.whl" >&2; missing=1; }
ls -l "$out"
exit "$missing"
