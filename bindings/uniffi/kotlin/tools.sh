# Sourced by the Kotlin scripts (jar.sh, run.sh, ../installed/kotlin.sh): where kotlinc, JNA,
# kotlinx-coroutines and the Kotlin standard library are. Kotlin's compiler comes from npm
# (`npm install --prefix bindings/uniffi/.tools kotlin-compiler@2.4.20`, as .ci/run does), which
# also ships the coroutines and stdlib jars; JNA is Debian's libjna-java. Override with
# KOTLIN_HOME and JNA_JAR.
kotlin_tools_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
kotlin_home="${KOTLIN_HOME:-$kotlin_tools_dir/../.tools/node_modules/kotlin-compiler}"
kotlinc="$kotlin_home/bin/kotlinc"
jna="${JNA_JAR:-/usr/share/java/jna.jar}"
coroutines="$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar"
kotlin_stdlib="$kotlin_home/lib/kotlin-stdlib.jar"
[ -x "$kotlinc" ] || { echo "no kotlinc at $kotlin_home (npm install --prefix bindings/uniffi/.tools kotlin-compiler@2.4.20)" >&2; exit 1; }
[ -f "$jna" ] || { echo "no JNA at $jna (apt-get install libjna-java)" >&2; exit 1; }
[ -f "$coroutines" ] && [ -f "$kotlin_stdlib" ] || { echo "no coroutines/stdlib jars in $kotlin_home/lib" >&2; exit 1; }
