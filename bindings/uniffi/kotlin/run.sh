#!/usr/bin/env bash
# Compiles the generated Kotlin bindings with the Kotlin program (src/) and runs it on the JVM.
# Needs: bindings generated (../build-bindings.sh), a JDK (java, default-jre-headless is
# enough to run; kotlinc brings its own compiler), JNA (Debian's libjna-java), and Kotlin's
# compiler from npm (`kotlin-compiler`, installed into ../.tools by .ci/run or by hand:
#   npm install --prefix bindings/uniffi/.tools kotlin-compiler).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tools="${KOTLIN_HOME:-$here/../.tools/node_modules/kotlin-compiler}"
generated="$here/../generated/kotlin"
jna="${JNA_JAR:-/usr/share/java/jna.jar}"
build="$here/build"

[ -f "$generated/uniffi/instagraph/instagraph.kt" ] || { echo "run ../build-bindings.sh first" >&2; exit 1; }
[ -x "$tools/bin/kotlinc" ] || { echo "no kotlinc at $tools (npm install kotlin-compiler)" >&2; exit 1; }
[ -f "$jna" ] || { echo "no JNA at $jna (apt-get install libjna-java)" >&2; exit 1; }
coroutines="$tools/lib/kotlinx-coroutines-core-jvm.jar"

mkdir -p "$build"
# Recompile only when a source changed (kotlinc takes a while to start).
stamp="$build/.sources"
sources=("$generated"/uniffi/*/*.kt "$here"/src/*.kt)
sum="$(cat "${sources[@]}" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$build/app.jar" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
  "$tools/bin/kotlinc" -nowarn -cp "$jna:$coroutines" -d "$build/app.jar" "${sources[@]}"
  echo "$sum" > "$stamp"
fi
java -Djna.library.path="$generated" -cp "$build/app.jar:$tools/lib/kotlin-stdlib.jar:$coroutines:$jna" MainKt
