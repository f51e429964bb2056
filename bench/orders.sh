#!/usr/bin/env bash
# Benchmark of order placement (issue 15), all in one run on one machine: the API's
# POST /api/v1/orders (release build, wrk + bench/order.lua) at 64 connections across the 5 shops
# and at 16 connections on one shop, against two references on the same PostgreSQL in the same run:
# pgbench's TPC-B (scale 5, 16 clients) and pgbench replaying the API's own order SQL
# (bench/order_sql.pgbench: the statements one order runs, 5 shops and one shop). Prints p50/p99,
# errors, the ratios, the API's resident memory after the run, and checks after it that no stock is
# negative and every stock line equals the sum of its movements.
#
#   bash bench/orders.sh                 (DURATION=10s per row; called by bench/run.sh too)
#   BIN=path/to/ocpizza bash bench/orders.sh   (a binary already built: no cargo build)
#   ORDER_SQL=bench/order_sql_before.pgbench   (the replay of the code before the placement function)
#   BENCH_SQL='CREATE INDEX …'           (run on the database before the load: a variant to compare)
#   DB_POOL_SIZE=16                      (the API's pool; 6 by default here: on 2 cores shared with
#                                        PostgreSQL, 4 to 8 connections place the most orders, 16
#                                        about 20 % fewer, 32 a third fewer; see bench/RESULTS.md)
# Writes the table to artifacts/bench/orders.md (and stdout). Databases orders_bench and
# orders_bench_tpcb are created and dropped; the API listens on BENCH_ORDERS_PORT (8600).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

DURATION=${DURATION:-10s}
PORT=${BENCH_ORDERS_PORT:-8600}
DB=orders_bench
TPCB=orders_bench_tpcb
ORDER_SQL=$(realpath "${ORDER_SQL:-bench/order_sql.pgbench}")
OUT=${OUT:-artifacts/bench/orders.md}
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -q wrk >/dev/null; }
command -v pgbench >/dev/null || { echo "pgbench is needed (apt-get install postgresql-contrib or postgresql-client)" >&2; exit 1; }
ensure_postgres
if [ -z "${BIN:-}" ]; then
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$(pwd)/target/bench}
  log "building the release binary"
  nice cargo build --release --bin ocpizza
  BIN=$CARGO_TARGET_DIR/release/ocpizza
fi
SECS=${DURATION%s}

ADMIN="$PG_SERVER_URL/postgres"
psql "$ADMIN" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" \
  -c "DROP DATABASE IF EXISTS $TPCB WITH (FORCE)" -c "CREATE DATABASE $TPCB" >/dev/null
export DATABASE_URL=$PG_SERVER_URL/$DB DB_SSLMODE=disable APP_ENV=development RUST_LOG=warn \
       BIND_ADDR=127.0.0.1:$PORT ACCESS_TOKEN_TTL_SECONDS=3600 DB_POOL_SIZE=${DB_POOL_SIZE:-6}
SERVER=
TMP=$(mktemp -d)
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null
  psql "$ADMIN" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "DROP DATABASE IF EXISTS $TPCB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
$BIN migrate >/dev/null
$BIN seed >/dev/null
# Open all week, and enough stock for any run (bench/prepare.sql).
psql "$DATABASE_URL" -q -v ON_ERROR_STOP=1 -f bench/prepare.sql
# A variant of the schema to compare, e.g. an index the migrations no longer have.
[ -n "${BENCH_SQL:-}" ] && psql "$DATABASE_URL" -q -c "$BENCH_SQL"
$BIN serve > "$TMP/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
URL=http://127.0.0.1:$PORT
TOKEN=$(curl -sf "$URL/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"client@ocpizza.fr","password":"client-demo-2026"}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["access_token"])')

# What the benchmark orders: a large Margherita and a Coca-Cola, pickup, cash.
q() { psql "$DATABASE_URL" -tAq -c "$1"; }
SHOP=$(q "SELECT id FROM shops WHERE slug='lyon-presquile'")
MARGHERITA=$(q "SELECT id FROM products WHERE slug='margherita'")
COCA=$(q "SELECT id FROM products WHERE slug='coca-cola'")
USER_ID=$(q "SELECT id FROM users WHERE email='client@ocpizza.fr'")
ALL_SHOPS=$(q "SELECT string_agg(id::text, ',' ORDER BY slug) FROM shops")
NEEDS=$(q "SELECT '{' || string_agg(ingredient_id::text, ',' ORDER BY ingredient_id) || '}', '{' || string_agg(q::text, ',' ORDER BY ingredient_id) || '}', '{' || string_agg((-q)::text, ',' ORDER BY ingredient_id) || '}'
           FROM (SELECT r.ingredient_id, sum(r.quantity) q FROM recipe_items r JOIN product_sizes ps ON ps.id = r.product_size_id
                  WHERE (ps.product_id, ps.code) IN (('$MARGHERITA', 'large'), ('$COCA', '33cl')) GROUP BY 1) n" | tr '|' ' ')
read -r NEEDS_IDS NEEDS_QTY NEEDS_NEG <<<"$(echo "$NEEDS" | sed 's/|/ /g')"
BODIES=$(q "SELECT string_agg(format('{\"shop_id\":\"%s\",\"fulfilment\":\"pickup\",\"payment_method\":\"cash\",\"items\":[{\"product_id\":\"$MARGHERITA\",\"size\":\"large\",\"quantity\":1},{\"product_id\":\"$COCA\",\"size\":\"33cl\",\"quantity\":1}]}', id), '|') FROM shops")
ONE_SHOP=$(echo "$BODIES" | tr '|' '\n' | grep "$SHOP")

ROWS=()
declare -A RATE P99
# wrk's summary → "req/s|p50|p99|errors" (errors: non-2xx answers + socket errors)
summarise_wrk() {
  awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$5}
       /Socket errors/ {gsub(",", ""); sock=$4+$6+$8+$10}
       END {printf "%s|%s|%s|%d\n", rps, p50, p99, bad+sock}'
}
api() { # key label clients bodies
  local key=$1 label=$2 clients=$3 bodies=$4 out
  log "$label, $clients connections"
  out=$(ORDER_BODIES=$bodies TOKEN=$TOKEN wrk -t2 -c"$clients" -d"$DURATION" --latency -s bench/order.lua "$URL")
  echo "$out" >&2
  IFS='|' read -r rps p50 p99 errors <<<"$(echo "$out" | summarise_wrk)"
  RATE[$key]=$rps; P99[$key]=$p99
  ROWS+=("| $label | $clients | ${rps%.*} | $p50 | $p99 | $errors |")
}
# pgbench with per-transaction logs → "tps|p50|p99|failed"
pg() { # key label clients db pgbench-args...
  local key=$1 label=$2 clients=$3 db=$4 out stats; shift 4
  log "$label, $clients clients"
  rm -f "$TMP"/pgb.*
  out=$(cd "$TMP" && pgbench -n -M prepared -c "$clients" -j 2 -T "$SECS" -l --log-prefix=pgb "$@" "$PG_SERVER_URL/$db" 2>&1) || { echo "$out" >&2; echo "pgbench failed" >&2; exit 1; }
  echo "$out" >&2
  stats=$(cat "$TMP"/pgb.* | python3 -c '
import sys
lat = sorted(int(l.split()[2]) for l in sys.stdin if l.strip())
pick = lambda p: lat[min(len(lat) - 1, int(len(lat) * p))] / 1000
print("%.2fms|%.2fms" % (pick(0.50), pick(0.99)))')
  local tps failed
  tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -n1)
  failed=$(echo "$out" | sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p')
  IFS='|' read -r p50 p99 <<<"$stats"
  RATE[$key]=$tps; P99[$key]=$p99
  ROWS+=("| $label | $clients | ${tps%.*} | $p50 | $p99 | ${failed:-0} |")
}

log "pgbench -i -s 5 (TPC-B tables)"
pgbench -i -s 5 -q "$PG_SERVER_URL/$TPCB" >/dev/null 2>&1
PGVARS=(-D "user=$USER_ID" -D "product_ids={$MARGHERITA,$COCA}" -D "needs_ids=$NEEDS_IDS" -D "needs_qty=$NEEDS_QTY" -D "needs_neg=$NEEDS_NEG")

api api64 "API POST /orders (5 shops)" 64 "$BODIES"
api api16 "API POST /orders (5 shops)" 16 "$BODIES"
api one16 "API POST /orders (1 shop)" 16 "$ONE_SHOP"
pg tpcb "pgbench TPC-B (scale 5)" 16 "$TPCB"
pg sql16 "pgbench replaying the order SQL (5 shops)" 16 "$DB" -f "$ORDER_SQL" "${PGVARS[@]}" -D "shop_ids=$ALL_SHOPS" -D shop_count=5
pg one_sql16 "pgbench replaying the order SQL (1 shop)" 16 "$DB" -f "$ORDER_SQL" "${PGVARS[@]}" -D "shop_ids=$SHOP" -D shop_count=1

RSS_MB=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER/status")
NEGATIVE=$(q "SELECT count(*) FROM stock WHERE quantity < 0")
BROKEN=$(q "SELECT count(*) FROM stock s WHERE s.quantity <> (SELECT COALESCE(sum(delta), 0) FROM stock_ledger m WHERE m.shop_id = s.shop_id AND m.ingredient_id = s.ingredient_id)")
ORDERS=$(q "SELECT count(*) FROM orders")
ratio() { python3 -c "import sys; a, b = float(sys.argv[1] or 0), float(sys.argv[2] or 0); print('%.2f' % (a / b if b else 0))" "$1" "$2"; }

mkdir -p "$(dirname "$OUT")"
{
  echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- api migrations || echo ' + uncommitted changes')"
  echo "- Machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -n1)), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, PostgreSQL $(psql "$ADMIN" -tAc 'SHOW server_version'), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- Command: \`bash bench/orders.sh\` (binary $BIN, DB_POOL_SIZE=$DB_POOL_SIZE, $DURATION per row, replay script $ORDER_SQL; wrk, pgbench, PostgreSQL and the API on the same cores)"
  echo
  echo "| what | connections | per second | p50 | p99 | errors |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "- API at 64 connections / TPC-B: **$(ratio "${RATE[api64]}" "${RATE[tpcb]}")** (goal ≥ 0.30); API / its own SQL replayed, 16 connections, 5 shops: **$(ratio "${RATE[api16]}" "${RATE[sql16]}")**, one shop: **$(ratio "${RATE[one16]}" "${RATE[one_sql16]}")**"
  echo "- After the run: API resident memory $RSS_MB MB (goal < 100 MB); $ORDERS orders; $NEGATIVE negative stock lines; $BROKEN stock lines differing from the sum of their movements."
} > "$OUT"
cat "$OUT"
[ "$NEGATIVE" = 0 ] && [ "$BROKEN" = 0 ] || { echo "stock invariant broken" >&2; exit 1; }
