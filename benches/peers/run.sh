#!/usr/bin/env bash
# The peer-comparison harness (issue 14): one 12 KB page of 25 media served by nginx on loopback,
# GET N times one after another and N times 16 at a time by every client, fully decoded, the
# clients alternating round by round; prints a markdown table (also target/peers/results.md).
# See benches/peers/README.md.
#
#   bash benches/peers/run.sh                      # ROUNDS=7, everything
#   ROUNDS=3 ONLY=rust,node-fetch,node-instagraph bash benches/peers/run.sh
#
# Knobs: ROUNDS (7), N (2000: the Node clients), N_RUST (10000), N_PYTHON (500),
# WARMUP (50 requests before measuring), ONLY (comma-separated client names or prefixes:
# rust-bare rust-instagraph rust-stream node-fetch node-instagraph node-fb-sdk node-fb-sdk-typed
# python-requests python-pyfacebook python-pyfacebook-typed python-instagraph), PORT (nginx's,
# default a free one), PACKAGES (the instagraph packages, default target/packages: built with
# bindings/package.sh when missing).
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/benches/peers"
cache="$root/target/peers"
packages="${PACKAGES:-$root/target/packages}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
ROUNDS="${ROUNDS:-7}"
N="${N:-2000}"
N_RUST="${N_RUST:-10000}"
N_PYTHON="${N_PYTHON:-500}"
WARMUP="${WARMUP:-50}"
ONLY="${ONLY:-}"

# Pinned peers.
FB_SDK_VERSION=24.0.1
PYFACEBOOK_VERSION=0.24.0
REQUESTS_VERSION=2.34.2

ALL_CLIENTS=(rust-bare rust-instagraph node-fetch node-instagraph node-fb-sdk node-fb-sdk-typed
  python-requests python-pyfacebook python-pyfacebook-typed python-instagraph)

selected() { # selected NAME: whether ONLY names it (or a prefix of it)
  [ -z "$ONLY" ] && return 0
  local want
  IFS=',' read -ra want <<<"$ONLY"
  for w in "${want[@]}"; do [[ "$1" == "$w"* ]] && return 0; done
  return 1
}
clients=()
for c in "${ALL_CLIENTS[@]}"; do selected "$c" && clients+=("$c"); done
with_stream=0
selected rust-stream && with_stream=1
[ "${#clients[@]}" -gt 0 ] || [ "$with_stream" = 1 ] || { echo "ONLY=$ONLY selects no client" >&2; exit 2; }
uses() { # uses PREFIX: whether a selected client starts with PREFIX
  for c in "${clients[@]}"; do [[ "$c" == "$1"* ]] && return 0; done
  return 1
}

mkdir -p "$cache"
say() { echo "==> $*" >&2; }
sha() { sha256sum "$@" | awk '{print $1}' | sha256sum | cut -c1-16; }

# ---- the instagraph packages -------------------------------------------------------------
version="$(sed -n 's/^version = "\(.*\)"/\1/p' "$root/Cargo.toml" | head -1)"
npm_loader="$packages/instagraph-$version.tgz"
npm_addon="$packages/instagraph-linux-x64-gnu-$version.tgz"
wheel="$(compgen -G "$packages/instagraph-$version-*.whl" | head -1 || true)"
if (uses node-instagraph || uses python-instagraph) && { [ ! -f "$npm_loader" ] || [ ! -f "$npm_addon" ] || [ -z "$wheel" ]; }; then
  say "building the instagraph packages into $packages (bindings/package.sh; ~15 min cold)"
  bash "$root/bindings/package.sh" "$packages" >&2
  wheel="$(compgen -G "$packages/instagraph-$version-*.whl" | head -1)"
fi

# ---- the Node peers (a project in the cache) ---------------------------------------------
# The instagraph packages go in when they are there (always when an instagraph client is
# selected: built above); the peers alone otherwise.
have_npm=0; [ -f "$npm_loader" ] && [ -f "$npm_addon" ] && have_npm=1
if uses node; then
  stamp="fb-sdk $FB_SDK_VERSION; instagraph $([ "$have_npm" = 1 ] && sha "$npm_loader" "$npm_addon" || echo none)"
  if [ "$(cat "$cache/node/.installed" 2>/dev/null)" != "$stamp" ]; then
    say "installing the Node peers into $cache/node"
    rm -rf "$cache/node" && mkdir -p "$cache/node"
    ours=""
    if [ "$have_npm" = 1 ]; then
      cp "$npm_loader" "$npm_addon" "$cache/node/"
      ours=",
    \"instagraph\": \"file:instagraph-$version.tgz\",
    \"instagraph-linux-x64-gnu\": \"file:instagraph-linux-x64-gnu-$version.tgz\""
    fi
    cat >"$cache/node/package.json" <<EOF
{
  "name": "instagraph-peers-node",
  "private": true,
  "dependencies": {
    "facebook-nodejs-business-sdk": "$FB_SDK_VERSION"$ours
  }
}
EOF
    (cd "$cache/node" && npm install --no-audit --no-fund --loglevel=error >&2)
    echo "$stamp" >"$cache/node/.installed"
  fi
fi

# ---- the Python peers (a venv in the cache) ----------------------------------------------
python="$cache/venv/bin/python"
if uses python; then
  stamp="requests $REQUESTS_VERSION; python-facebook-api $PYFACEBOOK_VERSION; instagraph $([ -n "$wheel" ] && sha "$wheel" || echo none)"
  if [ ! -x "$python" ] || [ "$(cat "$cache/venv/.installed" 2>/dev/null)" != "$stamp" ]; then
    say "installing the Python peers into $cache/venv"
    rm -rf "$cache/venv"
    python3 -m venv "$cache/venv"
    "$python" -m pip install --quiet --disable-pip-version-check \
      "requests==$REQUESTS_VERSION" "python-facebook-api==$PYFACEBOOK_VERSION" ${wheel:+"$wheel"} >&2
    echo "$stamp" >"$cache/venv/.installed"
  fi
fi

# ---- the Rust clients --------------------------------------------------------------------
say "building the Rust clients (cargo build --profile bench-peers -p instagraph-peers)"
(cd "$root" && cargo build --quiet --profile bench-peers -p instagraph-peers >&2)
bin="$CARGO_TARGET_DIR/bench-peers"

# ---- nginx -------------------------------------------------------------------------------
if ! command -v nginx >/dev/null; then
  say "installing nginx (apt-get)"
  apt-get install -y nginx >&2 || { apt-get update >&2 && apt-get install -y nginx >&2; }
fi
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port="${PORT:-$(free_port)}"
check_port="$(free_port)"
base="http://127.0.0.1:$port"
check_base="http://127.0.0.1:$check_port"
ngx="$cache/nginx"
rm -rf "$ngx" "$cache/pages"
mkdir -p "$ngx/tmp"
say "writing the pages (peers-page)"
"$bin/peers-page" "$cache/pages" "$base" >&2
# The routes: the stream account's listing answers the stream's first page, `…/stream/{n}`
# page n, and any other path ending in /media the one 25-media page (whatever the query).
cat >"$ngx/routes.conf" <<EOF
location ~ ^/graph\.facebook\.com/[^/]+/17841400000000002/media\$ { try_files /stream/0 =404; }
location ~ /stream/([0-9]+)\$ { try_files /stream/\$1 =404; }
location ~ /media\$ { try_files /media.json =404; }
location / { return 404; }
EOF
cat >"$ngx/nginx.conf" <<EOF
user $(id -un) $(id -gn);
worker_processes 1;
daemon off;
pid $ngx/nginx.pid;
error_log $ngx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nodelay on;
  keepalive_timeout 120s;
  keepalive_requests 10000000;
  open_file_cache max=2048 inactive=120s;
  etag off;
  server_tokens off;
  types { }
  default_type "application/json; charset=UTF-8";
  add_header X-App-Usage '{"call_count":1,"total_cputime":1,"total_time":1}';
  client_body_temp_path $ngx/tmp/body;
  proxy_temp_path $ngx/tmp/proxy;
  fastcgi_temp_path $ngx/tmp/fastcgi;
  uwsgi_temp_path $ngx/tmp/uwsgi;
  scgi_temp_path $ngx/tmp/scgi;
  root $cache/pages;
  # Measured: no access log.
  server {
    listen 127.0.0.1:$port;
    include $ngx/routes.conf;
  }
  # The check before measuring: the same routes, every request logged and counted.
  server {
    listen 127.0.0.1:$check_port;
    access_log $ngx/check.log;
    include $ngx/routes.conf;
  }
}
EOF
nginx -p "$ngx" -c "$ngx/nginx.conf" -e "$ngx/error.log" &
nginx_pid=$!
stop_nginx() { kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true; }
trap stop_nginx EXIT
trap 'exit 130' INT TERM
for _ in $(seq 100); do
  curl -fsS -o /dev/null "$base/graph.facebook.com/v26.0/1/media" 2>/dev/null && break
  kill -0 "$nginx_pid" 2>/dev/null || { cat "$ngx/error.log" >&2; exit 1; }
  sleep 0.1
done
headers="$(curl -fsS -D - -o "$ngx/page.check" "$base/graph.facebook.com/v26.0/1/media?fields=id")"
grep -qi '^content-type: application/json; charset=UTF-8' <<<"$headers" || { echo "bad Content-Type: $headers" >&2; exit 1; }
grep -qi '^x-app-usage: ' <<<"$headers" || { echo "no X-App-Usage: $headers" >&2; exit 1; }
say "nginx $(nginx -v 2>&1 | sed 's/.*\///') at $base (pid $nginx_pid): page of $(wc -c <"$ngx/page.check") bytes"

# ---- running one client ------------------------------------------------------------------
export PEERS_CACHE="$cache"
requests_for() {
  case "$1" in rust-*) echo "$N_RUST" ;; python-*) echo "$N_PYTHON" ;; *) echo "$N" ;; esac
}
command_for() { # command_for CLIENT: the command line, before MODE N
  case "$1" in
    rust-bare) echo "$bin/peers-bare" ;;
    rust-instagraph) echo "$bin/peers-instagraph" ;;
    node-*) echo "node $here/node/client.mjs ${1#node-}" ;;
    python-*) echo "$python $here/python/client.py ${1#python-}" ;;
  esac
}
expected_checksum() { echo $(( $1 * 8100 )); } # 25 media: sum of 120 + 17 i, i < 25
run_client() { # run_client CLIENT MODE N BASE WARMUP: its JSON line, checked
  local line
  # shellcheck disable=SC2046
  line="$(PEERS_BASE_URL="$4" PEERS_WARMUP="$5" $(command_for "$1") "$2" "$3")" || {
    echo "$1 $2 failed" >&2; return 1; }
  line="$(tail -1 <<<"$line")"
  python3 - "$line" "$1" "$2" "$3" "$(expected_checksum "$3")" <<'EOF' || return 1
import json, sys
line, client, mode, n, checksum = sys.argv[1:]
got = json.loads(line)
want = {"client": client, "mode": mode, "requests": int(n), "checksum": int(checksum)}
bad = {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}
if bad:
    sys.exit(f"{client} {mode}: wrong report {bad} in {line}")
EOF
  echo "$line"
}

# ---- the stores the instagraph packages read, connected once through their sandboxes -----
mkdir -p "$cache/stores"
if uses node-instagraph; then node "$here/node/client.mjs" setup; fi
if uses python-instagraph; then "$python" "$here/python/client.py" setup; fi

# ---- the check: every request of every client reaches nginx ------------------------------
say "checking every client against the logging server (10 sequential + 32 concurrent, 5 warm-up each)"
for c in "${clients[@]}"; do
  before="$(wc -l <"$ngx/check.log" 2>/dev/null || echo 0)"
  run_client "$c" seq 10 "$check_base" 5 >/dev/null
  run_client "$c" c16 32 "$check_base" 5 >/dev/null
  after="$(wc -l <"$ngx/check.log")"
  [ $((after - before)) = 52 ] || { echo "$c: nginx logged $((after - before)) requests, not 52" >&2; exit 1; }
  bad="$(tail -n 52 "$ngx/check.log" | grep -vc '" 200 ' || true)"
  [ "$bad" = 0 ] || { echo "$c: $bad requests not answered 200:" >&2; tail -n 52 "$ngx/check.log" | grep -v '" 200 ' | head -3 >&2; exit 1; }
done

# ---- the machine -------------------------------------------------------------------------
node_pkg_version() { node -p "require('$cache/node/node_modules/$1/package.json').version" 2>/dev/null || echo -; }
package_hash() { # a short hash of the instagraph packages measured (npm tarballs, wheel)
  local files=()
  for f in "$npm_loader" "$npm_addon" "$wheel"; do [ -f "$f" ] && files+=("$f"); done
  if [ "${#files[@]}" -gt 0 ]; then echo "sha256:$(sha "${files[@]}")"; else echo "not used"; fi
}
py_pkg_version() { "$python" -c "import importlib.metadata as m; print(m.version('$1'))" 2>/dev/null || echo -; }
{
  echo "Machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), Linux $(uname -r), load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "Versions: rustc $(rustc --version | cut -d' ' -f2), node $(node --version), $("$python" --version 2>/dev/null || python3 --version), nginx $(nginx -v 2>&1 | sed 's/.*\///'); facebook-nodejs-business-sdk $(node_pkg_version facebook-nodejs-business-sdk), python-facebook-api $(py_pkg_version python-facebook-api), requests $(py_pkg_version requests); instagraph packages $(package_hash)"
} >"$cache/machine.txt"

# ---- the rounds --------------------------------------------------------------------------
results="$cache/results.jsonl"
: >"$results"
count="${#clients[@]}"
for ((r = 1; r <= ROUNDS; r++)); do
  for mode in seq c16; do
    # Each round starts one client further down the list, so no client always runs first.
    for ((i = 0; i < count; i++)); do
      c="${clients[$(((i + r - 1) % count))]}"
      n="$(requests_for "$c")"
      line="$(run_client "$c" "$mode" "$n" "$base" "$WARMUP")"
      python3 - "$line" "$r" >>"$results" <<'EOF'
import json, sys
d = json.loads(sys.argv[1])
d["round"] = int(sys.argv[2])
print(json.dumps(d))
rps, cpu = d["requests"] / d["wall_s"], d["cpu_s"] / d["requests"] * 1000
print(f"round {d['round']}: {d['client']:<24} {d['mode']}  {rps:>8,.0f} req/s  {cpu:.3f} CPU s per 1,000", file=sys.stderr)
EOF
    done
  done
done

# ---- the stream --------------------------------------------------------------------------
if [ "$with_stream" = 1 ]; then
  say "streaming 100,000 media (peers-instagraph stream)"
  PEERS_BASE_URL="$base" "$bin/peers-instagraph" stream | tail -1 >>"$results"
fi

python3 "$here/table.py" "$results" "$cache/machine.txt" | tee "$cache/results.md"
