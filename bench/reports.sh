#!/usr/bin/env bash
# Benchmark: the four reports on a year of generated history (PER_SHOP orders for each of the 5
# seeded shops, 200,000 by default: 1,000,000 orders with their lines, history and stock
# movements, generated in SQL by bench/reports_history.sql, over the 365 days to yesterday), fills
# the reports' daily roll-ups (`ocpizza reports rebuild`, timed), then times 20 calls of each
# report for one shop over a month and for the chain over the year on a release build, p50 and
# p99, and writes bench/REPORTS_RESULTS.md (RESULTS=path to write elsewhere).
#   bash bench/reports.sh              (release build into target/bench, API on port 8500)
#   PER_SHOP=20000 bash bench/reports.sh
#   REUSE=1 bash bench/reports.sh      (time again on the database of the last run, no regeneration)
#   SKIP_BUILD=1 ...                   (use the release binary already in target/bench)
# BENCH_DB (default reports_bench) and BENCH_PORT (default 8500) choose the database and the port.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

PORT=${BENCH_PORT:-8500}
PER_SHOP=${PER_SHOP:-200000}
CALLS=${CALLS:-20}
DB=${BENCH_DB:-reports_bench}
REUSE=${REUSE:-0}
# The year generated and reported: the 365 days to yesterday (a past that the roll-ups hold).
START=$(date -u -d '365 days ago' +%F)
[ "$REUSE" = 1 ] && [ -f "/tmp/$DB.start" ] && START=$(cat "/tmp/$DB.start")
LAST=$(date -u -d "$START + 364 days" +%F)
MONTH_FROM=$(date -u -d "$START + 6 months" +%Y-%m-01)
MONTH_TO=$(date -u -d "$MONTH_FROM + 1 month - 1 day" +%F)
ensure_postgres
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$(pwd)/target/bench}
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  log "building the release binary"
  nice cargo build --release --bin ocpizza
fi
BIN=$CARGO_TARGET_DIR/release/ocpizza

export DATABASE_URL=$PG_SERVER_URL/$DB DB_SSLMODE=disable APP_ENV=development RUST_LOG=warn \
       BIND_ADDR=127.0.0.1:$PORT DB_POOL_SIZE=${DB_POOL_SIZE:-4} ACCESS_TOKEN_TTL_SECONDS=21600
if [ "$REUSE" = 1 ]; then
  log "reusing the database $DB"
  $BIN migrate >/dev/null
  generated_in=$(cat "/tmp/$DB.generated_in" 2>/dev/null || echo "?")
else
  psql "$PG_SERVER_URL/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null
  $BIN migrate >/dev/null
  $BIN seed >/dev/null
  log "generating $PER_SHOP orders per shop (each step is printed with its time)"
  started=$(date +%s)
  psql "$DATABASE_URL" -q -v per_shop="$PER_SHOP" -v start="$START" -f bench/reports_history.sql
  echo "$START" > "/tmp/$DB.start"
  generated_in=$(( $(date +%s) - started ))
  echo "$generated_in" > "/tmp/$DB.generated_in"
  # The generator skipped the foreign-key triggers: check every reference once.
  dangling=$(psql "$DATABASE_URL" -tAc "SELECT
    (SELECT count(*) FROM order_lines l WHERE NOT EXISTS (SELECT FROM orders o WHERE o.id = l.order_id)) +
    (SELECT count(*) FROM order_line_modifications m WHERE NOT EXISTS (SELECT FROM order_lines l WHERE l.id = m.order_line_id)) +
    (SELECT count(*) FROM order_status_history h WHERE NOT EXISTS (SELECT FROM orders o WHERE o.id = h.order_id)) +
    (SELECT count(*) FROM payments p WHERE NOT EXISTS (SELECT FROM orders o WHERE o.id = p.order_id)) +
    (SELECT count(*) FROM stock_movements m WHERE NOT EXISTS (SELECT FROM stock s WHERE s.shop_id = m.shop_id AND s.ingredient_id = m.ingredient_id))
      + (SELECT count(*) FROM stock_movements m WHERE m.order_id IS NOT NULL AND NOT EXISTS (SELECT FROM orders o WHERE o.id = m.order_id))")
  [ "$dangling" = 0 ] || { echo "the generated history has $dangling dangling references" >&2; exit 1; }
fi
# The daily roll-ups of the reports, filled from the whole history (what the server's refresher
# does on its first run), timed.
log "filling the reports' daily roll-ups"
started=$(date +%s)
$BIN reports rebuild
rebuilt_in=$(( $(date +%s) - started ))
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

# path → "p50 p99 calls" in ms over CALLS calls after one warm-up call; a row stops early once
# its calls have taken BUDGET seconds (default 120), and says how many it made.
BUDGET=${BUDGET:-120}
time_calls() {
  local path=$1 started times=()
  curl -sf -o /dev/null --max-time 600 -H "Authorization: Bearer $TOKEN" "$URL$path"
  started=$(date +%s)
  for _ in $(seq "$CALLS"); do
    local answer
    answer=$(curl -s -o /dev/null --max-time 600 -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOKEN" "$URL$path")
    [ "${answer%% *}" = 200 ] || { echo "$path answered $answer" >&2; exit 1; }
    times+=("${answer#* }")
    [ $(( $(date +%s) - started )) -ge "$BUDGET" ] && break
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{t[NR]=$1*1000} END {p50=t[int((NR+1)/2)]; i=int(NR*0.99+0.999); printf "%.1f %.1f %d", p50, t[i], NR}'
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rows=""
for report in sales products times stock; do
  log "timing $report"
  read -r p50 p99 n <<<"$(time_calls "/api/v1/reports/$report?from=$MONTH_FROM&to=$MONTH_TO&shop_id=$SHOP")"
  rows+="| $report | one shop, $MONTH_FROM to $MONTH_TO (by day) | $n | $p50 | $p99 | 100 |"$'\n'
  read -r p50 p99 n <<<"$(time_calls "/api/v1/reports/$report?from=$START&to=$LAST&granularity=month")"
  rows+="| $report | chain, $START to $LAST (by month) | $n | $p50 | $p99 | 500 |"$'\n'
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
echo "$rows"

# The figures only; bench/REPORTS_RESULTS.md adds the reading of them by hand.
cat > "${RESULTS:-bench/REPORTS_RESULTS.md}" <<MD
# Reports benchmark

- Date: $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)
- Machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -n1)), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr); PostgreSQL $(psql "$DATABASE_URL" -tAc 'SHOW server_version') on the same machine (shared_buffers $(psql "$DATABASE_URL" -tAc 'SHOW shared_buffers'), work_mem $(psql "$DATABASE_URL" -tAc 'SHOW work_mem')); load average $load_before before the timings, $load_after after
- Command: \`PER_SHOP=$PER_SHOP CALLS=$CALLS bash bench/reports.sh\` (release build, DB_POOL_SIZE=$DB_POOL_SIZE, curl on the same machine, one call at a time after one warm-up call, JSON; a row stops after ${BUDGET} s of calls)
- Data: $counts; generated in ${generated_in} s; roll-ups filled (\`ocpizza reports rebuild\`) in ${rebuilt_in} s

| Report | Scope | calls | p50 (ms) | p99 (ms) | Goal (ms) |
|---|---|---|---|---|---|
$rows
MD
log "wrote ${RESULTS:-bench/REPORTS_RESULTS.md}"
