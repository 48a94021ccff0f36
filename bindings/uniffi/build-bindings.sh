#!/usr/bin/env bash
# Builds the instagraph-uniffi library and generates its Kotlin, Swift and Python bindings into
# bindings/uniffi/generated/ (git-ignored), with the workspace's own uniffi-bindgen (same uniffi
# version as the library, so the checksums match).
#
#   bash bindings/uniffi/build-bindings.sh --testing  # dev build with the test tools and the
#                                                     # Postgres store (CI, the tests)
#   PROFILE=release bash bindings/uniffi/build-bindings.sh   # an app's library: no sandbox, no test code
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
profile="${PROFILE:-dev}"
dir=$([ "$profile" = dev ] && echo debug || echo "$profile")
target="${CARGO_TARGET_DIR:-$root/target}"
out="$here/generated"

features=()
case "${1:-}" in
  --testing) features=(--features testing,postgres) ;;
  "") ;;
  *) echo "usage: build-bindings.sh [--testing]" >&2; exit 2 ;;
esac

cd "$root"
# Two invocations: built together, cargo would unify uniffi's features and link the bindgen
# (the `cli` feature) into the app's library.
cargo build --profile "$profile" -p instagraph-uniffi "${features[@]}"
cargo build --profile "$profile" -p instagraph-uniffi-bindgen

lib="$target/$dir/libinstagraph_uniffi.so"
[ -f "$lib" ] || lib="$target/$dir/libinstagraph_uniffi.dylib"
bindgen="$target/$dir/uniffi-bindgen"

rm -rf "$out"
mkdir -p "$out/python" "$out/kotlin" "$out/swift"
for language in python kotlin swift; do
  "$bindgen" generate --library "$lib" --language "$language" --out-dir "$out/$language" --no-format
done
# Python: one package `instagraph` (the generated modules import each other relatively), with
# the native library inside it (ctypes looks beside the module). Kotlin: the library beside the
# sources (the JNA path of kotlin/run.sh).
pkg="$out/python/instagraph"
mkdir -p "$pkg"
mv "$out/python/instagraph.py" "$out/python/instagraph_core.py" "$pkg/"
cat > "$pkg/__init__.py" <<'PY'
"""instagraph: the Instagram Graph API SDK (Rust), generated bindings. See bindings/uniffi."""
from .instagraph_core import *  # noqa: F401,F403  the core's domain types (LoginKind, ...)
from .instagraph import *  # noqa: F401,F403
PY
ln -sf "$lib" "$pkg/"
ln -sf "$lib" "$out/kotlin/"
echo "generated: $(cd "$out" && find . -type f -name '*.py' -o -name '*.kt' -o -name '*.swift' | sort | tr '\n' ' ')"
