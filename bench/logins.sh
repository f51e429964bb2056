#!/usr/bin/env bash
# Memory under concurrent logins: a release API on a fresh seeded database, COUNT (500)
# concurrent correct logins of 100 customers, ROUNDS (3) times, the server's resident memory
# sampled from /proc every 10 ms. Prints the peak RSS and the status counts of each round; fails
# on a 5xx other than 503 (hashing queue full, with Retry-After) or a peak over BUDGET_MB (256).
#   bash bench/logins.sh            (results and machine go in bench/LOGINS_RESULTS.md by hand)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

COUNT=${COUNT:-500}
ROUNDS=${ROUNDS:-3}
BUDGET_MB=${BUDGET_MB:-256}
PORT=${BENCH_PORT:-8391}
DB=ocpizza_bench_logins
ensure_postgres
log "building the release binary"
cargo build --release --bin ocpizza
BIN=${CARGO_TARGET_DIR:-$(pwd)/target}/release/ocpizza

psql "$PG_SERVER_URL/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null
export DATABASE_URL=$PG_SERVER_URL/$DB DB_SSLMODE=disable APP_ENV=development RUST_LOG=error \
       BIND_ADDR=127.0.0.1:$PORT DB_POOL_SIZE=${DB_POOL_SIZE:-16}
$BIN migrate >/dev/null
$BIN seed >/dev/null
# 100 customers with the demo customer's password (its argon2 hash copied: no hashing here).
psql "$DATABASE_URL" -q <<'SQL'
INSERT INTO users (email, password_hash, full_name, role)
  SELECT format('bench-%s@ocpizza.fr', n), u.password_hash, format('Client %s', n), 'customer'
  FROM users u, generate_series(0, 99) n WHERE u.email = 'client@ocpizza.fr';
SQL
$BIN serve > /tmp/ocpizza-bench-logins.log 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; psql "$PG_SERVER_URL/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done

log "$COUNT concurrent logins, $ROUNDS rounds (machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB)"
python3 bench/logins.py --url "http://127.0.0.1:$PORT" --pid "$SERVER" \
  --accounts 'bench-%d@ocpizza.fr' --password client-demo-2026 \
  --count "$COUNT" --rounds "$ROUNDS" --budget-mb "$BUDGET_MB"
