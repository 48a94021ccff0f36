#!/usr/bin/env bash
# The dev flow of the Kotlin program: packs the bindings of the last build-bindings.sh (generated
# Kotlin + the dev library) into a jar (jar.sh, as package.sh packs the release jar), then runs
# the program against that jar alone, exactly as ../installed/kotlin.sh runs it on a packaged jar.
# Needs: ../build-bindings.sh run first, a JDK, JNA (Debian's libjna-java) and kotlinc from npm
# (see tools.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
generated="$here/../generated/kotlin"
[ -f "$generated/uniffi/instagraph/instagraph.kt" ] || { echo "run ../build-bindings.sh first" >&2; exit 1; }
mkdir -p "$here/build"
bash "$here/jar.sh" "$generated" "$generated/libinstagraph_uniffi.so" dev "$here/build/instagraph-dev.jar" \
  "$here/build/jar"
exec bash "$here/../installed/kotlin.sh" "$here/build/instagraph-dev.jar"
