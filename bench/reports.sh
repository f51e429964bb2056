#!/usr/bin/env bash
# Benchmark: the four reports on a year of generated history (PER_SHOP orders for each of the 5
# seeded shops, 200,000 by default: 1,000,000 orders with their lines, history and stock
# movements, generated in SQL by bench/reports_history.sql). Times 20 calls of each report for one
# shop over a month and for the chain over the year on a release build, p50 and p99, and writes
# bench/REPORTS_RESULTS.md.
#   bash bench/reports.sh              (release build into target/bench)
#   PER_SHOP=20000 bash bench/reports.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

PORT=${BENCH_PORT:-8392}
PER_SHOP=${PER_SHOP:-200000}
CALLS=${CALLS:-20}
DB=ocpizza_bench_reports
ensure_postgres
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$(pwd)/target/bench}
log "building the release binary"
cargo build --release --bin ocpizza
BIN=$CARGO_TARGET_DIR/release/ocpizza

psql "$PG_SERVER_URL/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null
export DATABASE_URL=$PG_SERVER_URL/$DB DB_SSLMODE=disable APP_ENV=development RUST_LOG=warn \
       BIND_ADDR=127.0.0.1:$PORT
$BIN migrate >/dev/null
$BIN seed >/dev/null
log "generating $PER_SHOP orders per shop"
started=$(date +%s)
psql "$DATABASE_URL" -q -v per_shop="$PER_SHOP" -f bench/reports_history.sql
generated_in=$(( $(date +%s) - started ))
counts=$(psql "$DATABASE_URL" -tAc "SELECT (SELECT count(*) FROM orders) || ' orders, ' ||
  (SELECT count(*) FROM order_lines) || ' lines, ' || (SELECT count(*) FROM order_status_history) ||
  ' history entries, ' || (SELECT count(*) FROM stock_movements) || ' stock movements'")

$BIN serve > /tmp/ocpizza-bench-reports-server.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
URL=http://127.0.0.1:$PORT
TOKEN=$(curl -sf "$URL/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"email":"admin@ocpizza.fr","password":"admin-demo-2026"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
SHOP=$(psql "$DATABASE_URL" -tAc "SELECT id FROM shops WHERE slug = 'lyon-presquile'")

time_calls() { # path → "p50 p99" in ms over CALLS calls (after one warm-up)
  local path=$1
  curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" "$URL$path"
  for _ in $(seq "$CALLS"); do
    curl -sf -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" "$URL$path"
  done | sort -n | awk '{t[NR]=$1*1000} END {p50=t[int((NR+1)/2)]; i=int(NR*0.99+0.999); printf "%.1f %.1f", p50, t[i]}'
}

rows=""
for report in sales products times stock; do
  read -r p50 p99 <<<"$(time_calls "/api/v1/reports/$report?from=2026-06-01&to=2026-06-30&shop_id=$SHOP")"
  rows+="| $report | one shop, June (day) | $p50 | $p99 | 100 |"$'\n'
  read -r p50 p99 <<<"$(time_calls "/api/v1/reports/$report?from=2026-01-01&to=2026-12-31&granularity=month")"
  rows+="| $report | chain, 2026 (month) | $p50 | $p99 | 500 |"$'\n'
done
echo "$rows"

cat > bench/REPORTS_RESULTS.md <<MD
# Reports benchmark

- Date: $(date -u +%Y-%m-%d)
- Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo), $(uname -sr); PostgreSQL $(psql "$DATABASE_URL" -tAc 'SHOW server_version')
- Command: \`PER_SHOP=$PER_SHOP CALLS=$CALLS bash bench/reports.sh\` (release build, curl on the same machine, one call at a time)
- Data: $counts, generated in ${generated_in} s

| Report | Scope | p50 (ms) | p99 (ms) | Goal (ms) |
|---|---|---|---|---|
$rows
MD
log "wrote bench/REPORTS_RESULTS.md"
