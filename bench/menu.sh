#!/usr/bin/env bash
# Benchmark: a shop's menu from the API (release build) against nginx serving the very same bytes
# from a file, in the same run, with wrk at 64 connections; plus the API's 304 (If-None-Match) and
# gzip answers, and the API's resident memory after. Writes the "Menu" section of bench/RESULTS.md.
#   bash bench/menu.sh            (DURATION=10s, CONNECTIONS=64 by default; bench/run.sh calls it)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
PORT=${MENU_BENCH_PORT:-8550}
NGINX_PORT=${MENU_BENCH_NGINX_PORT:-8551}
DB=${MENU_BENCH_DB:-menu_bench}
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -q wrk >/dev/null; }
command -v nginx >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -q nginx >/dev/null; }
ensure_postgres
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$(pwd)/target/bench}
log "building the release binary"
cargo build --release --bin ocpizza
BIN=$CARGO_TARGET_DIR/release/ocpizza

WORK=$(mktemp -d /tmp/menu-bench.XXXXXX)
SERVER=""
NGINX=""
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
  [ -n "$NGINX" ] && kill "$NGINX" 2>/dev/null || true
  wait 2>/dev/null || true
  psql "$PG_SERVER_URL/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

psql "$PG_SERVER_URL/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null
export DATABASE_URL=$PG_SERVER_URL/$DB DB_SSLMODE=disable APP_ENV=development RUST_LOG=warn \
       BIND_ADDR=127.0.0.1:$PORT DB_POOL_SIZE=${DB_POOL_SIZE:-4}
$BIN migrate >/dev/null
$BIN seed >/dev/null
$BIN serve > "$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done

URL=http://127.0.0.1:$PORT
SHOP=$(psql "$DATABASE_URL" -tAc "SELECT id FROM shops WHERE slug='lyon-presquile'")
MENU=$URL/api/v1/shops/$SHOP/menu
# The very same bytes for nginx, and the menu's ETag for the 304 row.
mkdir -p "$WORK/www" "$WORK/tmp"
curl -sf -D "$WORK/headers" -o "$WORK/www/menu.json" "$MENU"
ETAG=$(awk 'tolower($1)=="etag:" {print $2}' "$WORK/headers" | tr -d '\r')
BYTES=$(wc -c < "$WORK/www/menu.json")
GZIP_BYTES=$(curl -sf -H 'Accept-Encoding: gzip' "$MENU" | wc -c)
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $ETAG" "$MENU")" = 304 ] || { echo "no 304 for $ETAG" >&2; exit 1; }

cat > "$WORK/nginx.conf" <<EOF
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/tmp/body;
  proxy_temp_path $WORK/tmp/proxy;
  fastcgi_temp_path $WORK/tmp/fastcgi;
  uwsgi_temp_path $WORK/tmp/uwsgi;
  scgi_temp_path $WORK/tmp/scgi;
  types { application/json json; }
  sendfile on;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/www;
    location = /menu.json { }
    location = /menu.json.gz { alias $WORK/www/menu.json; default_type application/json; types { } gzip on; gzip_types application/json; gzip_min_length 0; }
  }
}
EOF
# nginx workers may run as another user (nobody when started by root): let them read the file.
chmod -R a+rX "$WORK"
nginx -c "$WORK/nginx.conf" -p "$WORK" -g 'daemon off;' &
NGINX=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$NGINX_PORT/menu.json" -o /dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$NGINX_PORT/menu.json" -o "$WORK/served.json" && cmp -s "$WORK/www/menu.json" "$WORK/served.json" || { echo "nginx serves other bytes" >&2; cat "$WORK/nginx-error.log" >&2; exit 1; }

# wrk's summary → "req/s p50 p99 errors"
summarise() {
  awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad+=$5}
       /Socket errors/ {gsub(",", ""); bad+=$4+$6+$8+$10}
       END {printf "%s %s %s %d\n", rps, p50, p99, bad}'
}
declare -A RPS
ROWS=()
run() { # key label wrk-args...
  local key=$1 label=$2; shift 2
  log "$label"
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$@")
  echo "$out" >&2
  read -r rps p50 p99 bad < <(echo "$out" | summarise)
  RPS[$key]=$rps
  ROWS+=("| $label | $rps | $p50 | $p99 | $bad |")
}
run api "API \`GET /shops/{id}/menu\` ($BYTES B)" "$MENU"
run nginx "nginx, the same bytes from a file" "http://127.0.0.1:$NGINX_PORT/menu.json"
run api304 "API, \`If-None-Match\` → 304" -H "If-None-Match: $ETAG" "$MENU"
run apigz "API, \`Accept-Encoding: gzip\` ($GZIP_BYTES B)" -H 'Accept-Encoding: gzip' "$MENU"
run nginxgz "nginx, gzip on the fly" -H 'Accept-Encoding: gzip' "http://127.0.0.1:$NGINX_PORT/menu.json.gz"
RSS_KB=$(awk '/VmRSS/ {print $2}' /proc/$SERVER/status)
RATIO=$(python3 -c "print(f'{float(\"${RPS[api]}\")/float(\"${RPS[nginx]}\"):.2f}')")
RATIO_GZ=$(python3 -c "print(f'{float(\"${RPS[apigz]}\")/float(\"${RPS[nginxgz]}\"):.2f}')")

SECTION=$(cat <<EOF
## Menu

- Date: $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)
- Machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -n1)), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, PostgreSQL $(psql "$PG_SERVER_URL/postgres" -tAc 'SHOW server_version'); load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) (shared with other builds)
- Command: \`bash bench/menu.sh\` (release build, DB_POOL_SIZE=$DB_POOL_SIZE, wrk -t2 -c$CONNECTIONS -d$DURATION per row; wrk, nginx, PostgreSQL and the API on the same cores)
- The seeded Lyon Presqu'île menu: $BYTES bytes, $GZIP_BYTES gzipped. nginx serves the bytes the API answered, from a file (sendfile, no access log).
- Ratio API / nginx: **$RATIO** plain, $RATIO_GZ gzip. API resident memory after the run: $((RSS_KB / 1024)) MB.

| what | requests/s | p50 | p99 | errors (status ≥ 400, socket errors) |
|---|---|---|---|---|
$(printf '%s\n' "${ROWS[@]}")
EOF
)
touch bench/RESULTS.md
python3 - "$SECTION" <<'PY'
import re, sys
section = sys.argv[1].rstrip() + "\n"
text = open("bench/RESULTS.md").read()
# Replace the previous Menu section (up to the next "## " heading), or append one.
pattern = re.compile(r"^## Menu\n.*?(?=^## |\Z)", re.S | re.M)
if pattern.search(text):
    text = pattern.sub(lambda _: section + "\n", text, count=1)
else:
    text = text.rstrip() + "\n\n" + section
open("bench/RESULTS.md", "w").write(text.rstrip() + "\n")
PY
echo "$SECTION"
