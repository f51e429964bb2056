#!/usr/bin/env bash
# PostgreSQL's work per order, counted in CPU instructions (issue 15): a figure that does not move
# with the machine's load, where the rates of bench/orders.sh move ±25 % between runs ten minutes
# apart on a shared 2-core machine.
#
# A private PostgreSQL cluster (initdb in a temporary folder) gets one database per variant:
# migrated and seeded by the ocpizza binary, prepared like bench/orders.sh (open all week, stock
# for any run), then the variant's SQL. Each database is then run in single-user mode
# (`postgres --single`: one backend, no server, no client) under `valgrind --tool=callgrind`,
# fed what one POST /api/v1/orders runs (the bearer token's account, then place_order() as its own
# transaction, as bench/order_sql.pgbench replays it), for FEW and then MANY orders across the 5
# shops. The instructions per order are the difference of the two totals over the difference of
# the counts: start-up, the first plans and the caches' filling cancel out.
#
# The tables have their statistics (VACUUM ANALYZE after the preparation: a running server's
# autovacuum analyzes a database this size within a minute, and the plans change with them: small
# tables are read sequentially). Single-user mode runs no autovacuum: the dead versions the
# orders leave in their counter's and stock's pages are pruned as those pages are read, as on a
# server between two vacuums.
#
#   bash bench/order_instructions.sh
#   VARIANTS="no_fk=path/to/variant.sql other=…" bash bench/order_instructions.sh
#   BIN=path/to/ocpizza FEW=40 MANY=240 bash bench/order_instructions.sh
#   PROFILES=/tmp/p bash bench/order_instructions.sh   (keeps callgrind's profiles there, for
#                                        callgrind_annotate --inclusive=yes)
#
# What it does not see: waiting (locks, the WAL flush at commit, the network) and what
# concurrency costs (multixacts when many transactions lock the same shop row, contention on
# the same stock rows): those are for bench/orders.sh. What it sees: every statement's parse,
# plan, execution, triggers, foreign-key checks, index and heap writes, WAL records.
# Writes the table to artifacts/bench/order_instructions.md (and stdout).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

FEW=${FEW:-40}
MANY=${MANY:-240}
PORT=${BENCH_INSTRUCTIONS_PORT:-55499}
OUT=${OUT:-artifacts/bench/order_instructions.md}
command -v valgrind >/dev/null || { [ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -q valgrind >/dev/null; }
PGBIN=$(pg_bin_dir) || { echo "PostgreSQL's server binaries are needed (apt-get install postgresql)" >&2; exit 1; }
if [ -z "${BIN:-}" ]; then
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$(pwd)/target/bench}
  log "building the release binary"
  nice cargo build --release --bin ocpizza
  BIN=$CARGO_TARGET_DIR/release/ocpizza
fi
BIN=$(realpath "$BIN")
[ -n "${PROFILES:-}" ] && { mkdir -p "$PROFILES"; PROFILES=$(realpath "$PROFILES"); chmod 777 "$PROFILES"; }

WORK=$(mktemp -d)
chmod 755 "$WORK"
# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$WORK"
DATA=$WORK/data
cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

log "a private cluster in $WORK"
as_pg "$PGBIN/initdb" -D "$DATA" -A trust -U postgres --no-sync >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$DATA" -l "$WORK/server.log" -w \
  -o "-p $PORT -c listen_addresses=127.0.0.1 -k $WORK -c fsync=off" start >/dev/null
URL="postgres://postgres@127.0.0.1:$PORT"

declare -a NAMES=(current) FILES=("")
for v in ${VARIANTS:-}; do NAMES+=("${v%%=*}"); FILES+=("$(realpath "${v#*=}")"); done

# The orders, as statements for single-user mode (-j: a statement ends with ';' and a blank line),
# written for each database (the seed gives every database its own ids).
orders_sql() { # database count
  local db=$1 MARGHERITA COCA USER_ID SHOPS NEEDS_IDS NEEDS_QTY
  q() { psql "$URL/$db" -tAq -c "$1"; }
  MARGHERITA=$(q "SELECT id FROM products WHERE slug='margherita'")
  COCA=$(q "SELECT id FROM products WHERE slug='coca-cola'")
  USER_ID=$(q "SELECT id FROM users WHERE email='client@ocpizza.fr'")
  SHOPS=$(q "SELECT string_agg(id::text, ' ' ORDER BY slug) FROM shops")
  read -r NEEDS_IDS NEEDS_QTY <<<"$(q "SELECT '{' || string_agg(ingredient_id::text, ',' ORDER BY ingredient_id) || '}', '{' || string_agg(q::text, ',' ORDER BY ingredient_id) || '}'
    FROM (SELECT r.ingredient_id, sum(r.quantity) q FROM recipe_items r JOIN product_sizes ps ON ps.id = r.product_size_id
           WHERE (ps.product_id, ps.code) IN (('$MARGHERITA', 'large'), ('$COCA', '33cl')) GROUP BY 1) n" | tr '|' ' ')"
  python3 - "$2" "$USER_ID" "$MARGHERITA" "$COCA" "$NEEDS_IDS" "$NEEDS_QTY" $SHOPS <<'PY'
import sys
n, user, margherita, coca, needs_ids, needs_qty, *shops = sys.argv[1:]
for k in range(int(n)):
    shop = shops[k % len(shops)]
    print(f"SELECT role, shop_id, active, full_name, phone, email FROM users WHERE id = '{user}';\n")
    print(f"""SELECT outcome, number, created_at, shortages FROM place_order(
    (SELECT version FROM catalog_version),
    (SELECT version FROM shop_menu_versions WHERE shop_id = '{shop}'),
    jsonb_build_object('id', gen_random_uuid(), 'shop_id', '{shop}'::uuid, 'customer_id', '{user}'::uuid,
        'created_by', '{user}'::uuid, 'status', 'placed', 'fulfilment', 'pickup', 'payment_method', 'cash',
        'customer_name', 'Bench', 'subtotal_cents', 1640, 'delivery_fee_cents', 0, 'total_cents', 1640, 'currency', 'EUR'),
    jsonb_build_array(
        jsonb_build_object('id', gen_random_uuid(), 'position', 1, 'product_id', '{margherita}'::uuid,
            'product_name', 'Margherita', 'size_code', 'large', 'size_label', 'Grande', 'quantity', 1,
            'unit_price_cents', 1290, 'line_total_cents', 1290, 'modifications', '[]'::jsonb),
        jsonb_build_object('id', gen_random_uuid(), 'position', 2, 'product_id', '{coca}'::uuid,
            'product_name', 'Coca-Cola', 'size_code', '33cl', 'size_label', '33 cl', 'quantity', 1,
            'unit_price_cents', 350, 'line_total_cents', 350, 'modifications', '[]'::jsonb)),
    '{needs_ids}'::uuid[], '{needs_qty}'::bigint[]);
""")
PY
}

for i in "${!NAMES[@]}"; do
  db=orders_${NAMES[$i]}
  log "database $db: migrate, seed, prepare${FILES[$i]:+, ${FILES[$i]}}"
  psql "$URL/postgres" -qc "CREATE DATABASE $db"
  DATABASE_URL=$URL/$db DB_SSLMODE=disable APP_ENV=development RUST_LOG=warn "$BIN" migrate >/dev/null
  DATABASE_URL=$URL/$db DB_SSLMODE=disable APP_ENV=development RUST_LOG=warn "$BIN" seed >/dev/null
  # Open all week, and enough stock for any run (bench/prepare.sql).
  psql "$URL/$db" -q -v ON_ERROR_STOP=1 -f bench/prepare.sql
  [ -n "${FILES[$i]}" ] && psql "$URL/$db" -q -v ON_ERROR_STOP=1 -f "${FILES[$i]}"
  psql "$URL/$db" -qc "VACUUM ANALYZE"
  orders_sql "$db" "$FEW" > "$WORK/$db.few.sql"
  orders_sql "$db" "$MANY" > "$WORK/$db.many.sql"
done
chmod 644 "$WORK"/*.sql
as_pg "$PGBIN/pg_ctl" -D "$DATA" -w stop >/dev/null

# Instructions of one single-user run of a database over a file of orders; every order placed.
count() { # db file expected-orders
  local log=$WORK/callgrind.log placed out=/dev/null
  [ -n "${PROFILES:-}" ] && out=$PROFILES/callgrind.$(basename "$2" .sql)
  as_pg valgrind --tool=callgrind --callgrind-out-file="$out" --log-file="$log" \
    "$PGBIN/postgres" --single -j -D "$DATA" -c fsync=off "$1" < "$2" > "$WORK/single.out" 2>&1
  placed=$(grep -c '"placed"' "$WORK/single.out" || true)
  [ "$placed" = "$3" ] || { echo "$1: $placed of $3 orders placed" >&2; grep -m3 -B2 -A8 "ERROR" "$WORK/single.out" >&2; exit 1; }
  sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$log"
}

declare -A PER
ROWS=()
for name in "${NAMES[@]}"; do
  db=orders_$name
  log "$db: $FEW then $MANY orders under callgrind"
  few=$(count "$db" "$WORK/$db.few.sql" "$FEW")
  many=$(count "$db" "$WORK/$db.many.sql" "$MANY")
  PER[$name]=$(( (many - few) / (MANY - FEW) ))
  ROWS+=("$name|$few|$many|${PER[$name]}")
done

mkdir -p "$(dirname "$OUT")"
{
  echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- api migrations || echo ' + uncommitted changes')"
  echo "- Command: \`bash bench/order_instructions.sh\` (binary $BIN, PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'), single-user backend under callgrind, $FEW then $MANY orders)"
  echo
  echo "| schema | instructions, $FEW orders | instructions, $MANY orders | per order | vs current |"
  echo "|---|---|---|---|---|"
  for row in "${ROWS[@]}"; do
    IFS='|' read -r name few many per <<<"$row"
    python3 -c "import sys; n, f, m, p, b = sys.argv[1:]; print('| %s | %s | %s | %s | %.3f |' % (n, f'{int(f):,}', f'{int(m):,}', f'{int(p):,}', int(p) / int(b)))" \
      "$name" "$few" "$many" "$per" "${PER[current]}"
  done
} > "$OUT"
cat "$OUT"
