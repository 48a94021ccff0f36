#!/usr/bin/env bash
# Installs the packed packages as a user does and tests them there: a new empty project in a
# temporary directory, `npm install` of the two tarballs with neither cargo nor rustc on PATH
# (timed), then the package's own tests (__test__/, copied into the project) run against the
# installed `instagraph`, whose addon must come from node_modules/instagraph-<platform>; last,
# with that package removed, `require('instagraph')` must name it.
#   bash bindings/node/installed.sh target/packages/instagraph-0.1.0.tgz \
#     target/packages/instagraph-linux-x64-gnu-0.1.0.tgz
set -euo pipefail
usage="usage: installed.sh <instagraph-<v>.tgz> <instagraph-<platform>-<v>.tgz>"
main_tgz="$(realpath "${1:?$usage}")"
platform_tgz="$(realpath "${2:?$usage}")"
here="$(cd "$(dirname "$0")" && pwd)"

# The user's PATH: this one without the directories that hold cargo or rustc.
user_path=""
IFS=: read -ra path_dirs <<<"$PATH"
for dir in "${path_dirs[@]}"; do
  [ -n "$dir" ] && [ ! -e "$dir/cargo" ] && [ ! -e "$dir/rustc" ] || continue
  user_path="${user_path:+$user_path:}$dir"
done
as_user() { env -u CARGO -u CARGO_HOME -u RUSTUP_HOME -u CARGO_TARGET_DIR PATH="$user_path" "$@"; }
if as_user sh -c 'command -v cargo || command -v rustc'; then
  echo "cargo or rustc is still on the PATH above" >&2
  exit 1
fi
as_user sh -c 'command -v node >/dev/null && command -v npm >/dev/null' || {
  echo "node and npm share a directory with cargo or rustc: cannot drop the Rust toolchain from PATH" >&2
  exit 1
}

project="$(mktemp -d "${TMPDIR:-/tmp}/instagraph-installed.XXXXXX")"
trap 'rm -rf "$project"' EXIT
cd "$project"
printf '{ "name": "instagraph-installed-check", "version": "1.0.0", "private": true }\n' >package.json

echo "npm install of the two tarballs, without cargo or rustc on PATH:"
started="$(date +%s%N)"
as_user npm install --no-audit --no-fund "$main_tgz" "$platform_tgz"
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
printf 'npm install took %d.%03d s\n' $((elapsed_ms / 1000)) $((elapsed_ms % 1000))

platform_package="$(tar -xzOf "$platform_tgz" package/package.json | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).name')"
[ -d "node_modules/instagraph" ] && [ ! -L "node_modules/instagraph" ] \
  && [ -d "node_modules/$platform_package" ] && [ ! -L "node_modules/$platform_package" ] || {
  echo "node_modules/instagraph and node_modules/$platform_package are not installed directories" >&2
  exit 1
}
du -sh node_modules/instagraph "node_modules/$platform_package"

# The package's tests, resolving `instagraph` from this project (see __test__/package.mjs).
cp -r "$here/__test__" "$project/__test__"
as_user env INSTAGRAPH_TEST_INSTALLED=1 node --test __test__/

echo "without node_modules/$platform_package, require('instagraph') must name it:"
rm -rf "node_modules/$platform_package"
as_user node -e '
  const wanted = process.argv[1]
  try {
    require("instagraph")
  } catch (e) {
    console.log(e.message)
    if (e.code === "INSTAGRAPH_NATIVE_ADDON_MISSING" && e.message.includes(`npm install ${wanted}`)) process.exit(0)
    console.error(e)
  }
  console.error(`require("instagraph") did not fail naming ${wanted}`)
  process.exit(1)
' "$platform_package@$(node -p 'require("./node_modules/instagraph/package.json").version')"
echo "installed flow: ok"
