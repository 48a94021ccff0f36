#!/usr/bin/env bash
# Makes the instagraph jar: the generated Kotlin bindings (packages uniffi.instagraph and
# uniffi.instagraph_core) compiled to classes, and the native library as the JNA resource
# linux-x86-64/libinstagraph_uniffi.so, which JNA extracts and loads from the classpath. No
# kotlin-stdlib inside: a program brings its own; the jar, JNA and kotlinx-coroutines are what it
# adds to its classpath.
#
#   kotlin/jar.sh <generated-kotlin-dir> <libinstagraph_uniffi.so> <version> <out.jar> <work-dir>
#
# The work dir keeps the compiled classes between runs (kotlinc takes a while): they are
# recompiled only when the generated sources change.
#
# Used by ../package.sh (the release jar) and run.sh (the dev flow's jar from build-bindings.sh).
set -euo pipefail
[ $# = 5 ] || { echo "usage: jar.sh <generated-kotlin-dir> <library.so> <version> <out.jar> <work-dir>" >&2; exit 2; }
generated="$1" library="$2" version="$3" out="$4" work="$5"
source "$(dirname "$0")/tools.sh"
command -v jar >/dev/null || { echo "no jar tool (a JDK: apt-get install default-jdk-headless)" >&2; exit 1; }
sources=("$generated"/uniffi/instagraph/*.kt "$generated"/uniffi/instagraph_core/*.kt)
[ -f "${sources[0]}" ] && [ -f "${sources[1]}" ] || { echo "no generated Kotlin in $generated" >&2; exit 1; }
[ -f "$library" ] || { echo "no library at $library" >&2; exit 1; }

mkdir -p "$work/classes" "$work/native/linux-x86-64"
sum="$(cat "${sources[@]}" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$work/sources.sha256" 2>/dev/null)" != "$sum" ]; then
  rm -rf "$work/classes" && mkdir -p "$work/classes"
  "$kotlinc" -nowarn -cp "$jna:$coroutines" -d "$work/classes" "${sources[@]}"
  echo "$sum" > "$work/sources.sha256"
fi
cp -L "$library" "$work/native/linux-x86-64/libinstagraph_uniffi.so"
cat > "$work/MANIFEST.MF" <<MF
Implementation-Title: instagraph
Implementation-Version: $version
MF
rm -f "$out"
jar --create --file "$out" --manifest "$work/MANIFEST.MF" -C "$work/classes" . -C "$work/native" .
