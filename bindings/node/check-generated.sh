#!/usr/bin/env bash
# Builds the package and fails when the generated files differ from the ones in the checkout:
# index.d.ts (types from the Rust declarations, after dts-header.d.ts) and binding.js (the
# loader) are written by `napi build` and committed, so that users get them without building.
# CI runs this from a plain copy of the checkout (no .git): it compares files, not commits.
#   INSTAGRAPH_NODE_BUILD=build:debug bash check-generated.sh   # a faster debug build
set -euo pipefail
cd "$(dirname "$0")"
saved="$(mktemp -d)"
trap 'rm -rf "$saved"' EXIT
cp index.d.ts binding.js "$saved/"
npm run "${INSTAGRAPH_NODE_BUILD:-build}"
status=0
for file in index.d.ts binding.js; do
  if ! diff -u "$saved/$file" "$file"; then
    echo "bindings/node/$file is not what \`npm run build\` generates from the Rust declarations" \
      "(diff above): run \`npm run build\` in bindings/node and commit $file" >&2
    status=1
  fi
done
exit "$status"
