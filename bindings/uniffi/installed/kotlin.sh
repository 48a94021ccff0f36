#!/usr/bin/env bash
# The Kotlin program (kotlin/src: the full flow against the sandbox in the library, the store
# conformance suite on a Kotlin store, garbage arguments) compiled and run against an instagraph
# jar as a user's project has it: on the classpath only that jar, JNA and kotlinx-coroutines (and
# the kotlin-stdlib that kotlinc brings). No -Djna.library.path, no generated sources, and a PATH
# without cargo or rustc: the library is the one inside the jar.
#
#   installed/kotlin.sh <instagraph-VERSION.jar>
set -euo pipefail
[ $# = 1 ] && [ -f "$1" ] || { echo "usage: installed/kotlin.sh <instagraph jar>" >&2; exit 2; }
jar_path="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../kotlin/tools.sh"
program="$(mktemp -d "${TMPDIR:-/tmp}/instagraph-kotlin.XXXXXX")"
trap 'rm -rf "$program"' EXIT
cp "$here"/../kotlin/src/*.kt "$program/"

# A user's machine: no Rust toolchain on the PATH (java and kotlinc's script need only /usr/bin).
clean_path=/usr/bin:/bin
if env PATH="$clean_path" bash -c 'command -v cargo || command -v rustc' >/dev/null; then
  echo "cargo or rustc is on $clean_path: the flow would not show that the jar stands alone" >&2
  exit 1
fi
cd "$program"
env -u LD_LIBRARY_PATH PATH="$clean_path" \
  "$kotlinc" -nowarn -cp "$jar_path:$jna:$coroutines" -d "$program/classes" "$program"/*.kt
env -u LD_LIBRARY_PATH PATH="$clean_path" \
  java -cp "$program/classes:$jar_path:$jna:$coroutines:$kotlin_stdlib" MainKt
