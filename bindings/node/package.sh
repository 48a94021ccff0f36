#!/usr/bin/env bash
# Packs the npm packages as they are published, napi-rs style, into <out-dir>:
#   instagraph-<v>.tgz             the JS package (loader, index.d.ts, no addon), with an optional
#                                  dependency on each instagraph-<platform> package
#   instagraph-<platform>-<v>.tgz  the addon of this machine's platform (npm/<platform>/), built
#                                  with the release profile (stripped, LTO, one codegen unit)
# The other platforms of package.json's napi.targets are declared (npm/<platform>/); their addons
# are built on those platforms. installed.sh installs the two tarballs and tests them.
#   bash bindings/node/package.sh target/packages
set -euo pipefail
out="${1:?usage: package.sh <out-dir>}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
cd "$(dirname "$0")"

[ -x node_modules/.bin/napi ] || npm install --no-audit --no-fund
# The release build, which also regenerates binding.js and index.d.ts: the tarball ships them,
# so they must be what the build generates (check-generated.sh fails otherwise).
INSTAGRAPH_NODE_BUILD=build bash check-generated.sh

addons=(instagraph.*.node)
if [ "${#addons[@]}" -ne 1 ] || [ ! -f "${addons[0]}" ]; then
  echo "expected one addon (instagraph.<platform>.node) after the build, found: ${addons[*]}" >&2
  exit 1
fi
addon="${addons[0]}"
platform="${addon#instagraph.}"
platform="${platform%.node}"
platform_dir="npm/$platform"
if [ ! -f "$platform_dir/package.json" ]; then
  echo "$platform is not one of package.json's napi.targets (no $platform_dir/package.json)" >&2
  exit 1
fi

version="$(node -p 'require("./package.json").version')"
node -e '
  const main = require("./package.json")
  const platform = require(process.argv[1])
  const want = main.optionalDependencies && main.optionalDependencies[platform.name]
  if (want !== main.version || platform.version !== main.version) {
    console.error(`${platform.name}@${platform.version} is not the optional dependency ${want} of instagraph@${main.version}`)
    process.exit(1)
  }
' "./$platform_dir/package.json"

# A copy, not a move: the source checkout's loader keeps using the addon beside binding.js.
cp "$addon" "$platform_dir/$addon"
trap 'rm -f "$platform_dir/$addon"' EXIT
rm -f "$out/instagraph-$version.tgz" "$out/instagraph-$platform-$version.tgz"
(cd "$platform_dir" && npm pack --silent --pack-destination "$out" >/dev/null)
npm pack --silent --pack-destination "$out" >/dev/null

main_tgz="$out/instagraph-$version.tgz"
platform_tgz="$out/instagraph-$platform-$version.tgz"
main_files="$(tar -tzf "$main_tgz")"
if grep -E '\.node$' <<<"$main_files"; then
  echo "$main_tgz holds the addon above: the JS package must not (it is in $platform_tgz)" >&2
  exit 1
fi
for file in package/index.js package/binding.js package/native.js package/index.d.ts; do
  grep -qx "$file" <<<"$main_files" || { echo "$main_tgz lacks $file" >&2; exit 1; }
done
if [ "$(tar -tzf "$platform_tgz" | grep -c '\.node$')" -ne 1 ] \
  || ! tar -tzf "$platform_tgz" | grep -qx "package/$addon"; then
  echo "$platform_tgz must hold exactly package/$addon" >&2
  exit 1
fi

echo "packed (bytes):"
wc -c "$main_tgz" "$platform_tgz" | sed '$d'
echo "addon $addon: $(wc -c <"$addon") bytes unpacked"
