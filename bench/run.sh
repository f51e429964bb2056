#!/usr/bin/env bash
# Benchmark: order placement and menu reads against a release build on a seeded database, with
# wrk on the same machine. Writes the top table of bench/RESULTS.md (the sections below it stay).
#   bash bench/run.sh            (DURATION=10s by default)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

DURATION=${DURATION:-10s}
PORT=${BENCH_PORT:-8390}
DB=ocpizza_bench
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -q wrk >/dev/null; }
ensure_postgres
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$(pwd)/target/bench}
log "building the release binary"
cargo build --release --bin ocpizza
BIN=$CARGO_TARGET_DIR/release/ocpizza

psql "$PG_SERVER_URL/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null
export DATABASE_URL=$PG_SERVER_URL/$DB DB_SSLMODE=disable APP_ENV=development RUST_LOG=warn \
       BIND_ADDR=127.0.0.1:$PORT ACCESS_TOKEN_TTL_SECONDS=3600 DB_POOL_SIZE=${DB_POOL_SIZE:-16}
$BIN migrate >/dev/null
$BIN seed >/dev/null
# Open all week, and enough stock for any run (bench/prepare.sql).
psql "$DATABASE_URL" -q -v ON_ERROR_STOP=1 -f bench/prepare.sql
$BIN serve > /tmp/ocpizza-bench-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done

URL=http://127.0.0.1:$PORT
TOKEN=$(curl -sf "$URL/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"client@ocpizza.fr","password":"client-demo-2026"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["access_token"])')
read -r SHOP MARGHERITA COCA < <(psql "$DATABASE_URL" -tA -F' ' -c \
  "SELECT (SELECT id FROM shops WHERE slug='lyon-presquile'), (SELECT id FROM products WHERE slug='margherita'), (SELECT id FROM products WHERE slug='coca-cola')")
BODIES=$(psql "$DATABASE_URL" -tA -c "SELECT string_agg(format('{\"shop_id\":\"%s\",\"fulfilment\":\"pickup\",\"payment_method\":\"cash\",\"items\":[{\"product_id\":\"$MARGHERITA\",\"size\":\"large\",\"quantity\":1},{\"product_id\":\"$COCA\",\"size\":\"33cl\",\"quantity\":1}]}', id), '|') FROM shops")
ONE_SHOP=$(echo "$BODIES" | tr '|' '\n' | grep "$SHOP")

# wrk's summary → "req/s p50 p99 non2xx"
summarise() {
  awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$5} /Socket errors/ {err=$0}
       END {printf "%s|%s|%s|%s\n", rps, p50, p99, (bad==""?0:bad)}'
}
run() { # name clients wrk-args...
  local name=$1 clients=$2; shift 2
  local threads=$(( clients < 2 ? 1 : 2 ))
  local out
  out=$(wrk -t"$threads" -c"$clients" -d"$DURATION" --latency "$@")
  echo "$out" >&2
  echo "| $name | $clients | $(echo "$out" | summarise | tr '|' ' ' | awk '{printf "%s | %s | %s | %s", $1, $2, $3, $4}') |"
}

ROWS=()
for c in 1 16 64; do
  log "menu reads, $c clients"
  ROWS+=("$(run "GET /shops/{id}/menu" "$c" "$URL/api/v1/shops/$SHOP/menu")")
done
for c in 1 16 64; do
  log "orders across the 5 shops, $c clients"
  ROWS+=("$(ORDER_BODIES=$BODIES TOKEN=$TOKEN run "POST /orders (5 shops)" "$c" -s bench/order.lua "$URL")")
done
for c in 16 64; do
  log "orders in one shop, $c clients"
  ROWS+=("$(ORDER_BODIES=$ONE_SHOP TOKEN=$TOKEN run "POST /orders (1 shop)" "$c" -s bench/order.lua "$URL")")
done
BROKEN=$(psql "$DATABASE_URL" -tA -c "SELECT count(*) FROM stock s WHERE s.quantity <> (SELECT COALESCE(sum(delta),0) FROM stock_ledger m WHERE m.shop_id=s.shop_id AND m.ingredient_id=s.ingredient_id)")
ORDERS=$(psql "$DATABASE_URL" -tA -c "SELECT count(*) FROM orders")

mkdir -p artifacts/bench
{
  echo "# Benchmark results"
  echo
  echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)"
  echo "- Machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -n1)), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, PostgreSQL $(psql "$PG_SERVER_URL/postgres" -tAc 'SHOW server_version')"
  echo "- Command: \`bash bench/run.sh\` (release build, DB_POOL_SIZE=$DB_POOL_SIZE, wrk ${DURATION} per row, wrk and PostgreSQL on the same 2 cores as the API)"
  echo "- Orders: a large Margherita + a Coca-Cola, pickup, cash; each takes 6 ingredients from the shop's stock in one transaction."
  echo "- After the run: $ORDERS orders placed, $BROKEN stock lines differing from the sum of their movements."
  echo
  echo "| what | clients | requests/s | p50 | p99 | non-2xx |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
} > artifacts/bench/run.md
cat artifacts/bench/run.md
# The table replaces the top of bench/RESULTS.md (up to its first section); the sections below,
# each benchmark's results and their reading, stay.
python3 - artifacts/bench/run.md bench/RESULTS.md <<'PY'
import sys
table, results = sys.argv[1:]
new = open(table).read().rstrip("\n") + "\n\n"
old = open(results).read() if __import__("os").path.exists(results) else ""
rest = old[old.find("\n## ") + 1:] if "\n## " in old else ""
open(results, "w").write(new + rest)
PY

# The menu against nginx serving the same bytes (its own section of RESULTS.md).
bash bench/menu.sh
# Order placement against pgbench's references on the same server (issue 15): bench/orders.sh,
# its own database and port, its table in artifacts/bench/orders.md.
kill $SERVER 2>/dev/null || true
BIN=$BIN DURATION=$DURATION bash bench/orders.sh
# PostgreSQL's instructions per order (callgrind, single-user backend): artifacts/bench/order_instructions.md.
BIN=$BIN bash bench/order_instructions.sh
