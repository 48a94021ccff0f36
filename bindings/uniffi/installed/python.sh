#!/usr/bin/env bash
# The Python tests (tests/: the full flow, key rotation, store conformance, garbage arguments)
# run against an instagraph wheel installed as a user installs it: a new venv in a temporary
# directory, `pip install <wheel> pytest`, a PATH without cargo or rustc, and a copy of the tests
# outside the source tree, so that `import instagraph` can only find the installed package
# (conftest.py checks that it comes from inside the venv).
#
#   installed/python.sh <instagraph-VERSION-*.whl>
set -euo pipefail
[ $# = 1 ] && [ -f "$1" ] || { echo "usage: installed/python.sh <instagraph wheel>" >&2; exit 2; }
wheel="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "$0")" && pwd)"
# The interpreter itself, not a launcher (pyenv's shim) that needs a PATH of its own.
python="$("${PYTHON:-python3}" -c 'import sys; print(sys.executable)')"
project="$(mktemp -d "${TMPDIR:-/tmp}/instagraph-python.XXXXXX")"
trap 'rm -rf "$project"' EXIT

clean_path=/usr/bin:/bin
if env PATH="$clean_path" bash -c 'command -v cargo || command -v rustc' >/dev/null; then
  echo "cargo or rustc is on $clean_path: the flow would not show that the wheel stands alone" >&2
  exit 1
fi
run() { (cd "$project" && env -u PYTHONPATH PATH="$project/venv/bin:$clean_path" "$@"); }

run "$python" -m venv "$project/venv"
run "$project/venv/bin/python" -m pip install -q --disable-pip-version-check "$wheel" pytest
mkdir "$project/tests"
cp "$here"/../tests/*.py "$project/tests/"
run "$project/venv/bin/python" -c 'import instagraph; print("instagraph from", instagraph.__file__)'
INSTAGRAPH_EXPECT_INSTALLED_UNDER="$project/venv" \
  run "$project/venv/bin/python" -m pytest -q -p no:cacheprovider "$project/tests"
