#!/usr/bin/env bash
# Benchmark: GET /api/v1/search (PostgreSQL engine) on the seeded catalog, then with 10,000 more
# products generated in SQL, with wrk on the same machine. Two instances on the same database:
# one keeping result pages (the default), one without (SEARCH_CACHE_ENTRIES=0: the ranking
# query at every request). Writes bench/SEARCH_RESULTS.md.
#   bash bench/search.sh                (release build into target/bench; DURATION=10s per row)
#   BUILD=debug bash bench/search.sh    (the debug build: no release compile, slower JSON)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

DURATION=${DURATION:-10s}
PORT=${BENCH_PORT:-8391}
BUILD=${BUILD:-release}
GENERATED=${GENERATED:-10000}
DB=ocpizza_bench_search
command -v wrk >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -q wrk >/dev/null; }
ensure_postgres
if [ "$BUILD" = release ]; then
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$(pwd)/target/bench}
  log "building the release binary"
  cargo build --release --bin ocpizza
  BIN=$CARGO_TARGET_DIR/release/ocpizza
else
  log "building the debug binary"
  cargo build --bin ocpizza
  BIN=${CARGO_TARGET_DIR:-$(pwd)/target}/debug/ocpizza
fi

psql "$PG_SERVER_URL/postgres" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB" >/dev/null
# The PostgreSQL engine: no Algolia settings, whatever the caller's environment holds.
unset ALGOLIA_APP_ID ALGOLIA_API_KEY ALGOLIA_BASE_URL
export DATABASE_URL=$PG_SERVER_URL/$DB DB_SSLMODE=disable APP_ENV=development RUST_LOG=warn \
       BIND_ADDR=127.0.0.1:$PORT DB_POOL_SIZE=${DB_POOL_SIZE:-16}
$BIN migrate >/dev/null
$BIN seed >/dev/null
$BIN serve > /tmp/ocpizza-bench-search-server.log 2>&1 &
SERVER=$!
BIND_ADDR=127.0.0.1:$((PORT + 1)) SEARCH_CACHE_ENTRIES=0 $BIN serve > /tmp/ocpizza-bench-search-uncached.log 2>&1 &
UNCACHED_SERVER=$!
trap 'kill $SERVER $UNCACHED_SERVER 2>/dev/null || true' EXIT
for port in $PORT $((PORT + 1)); do
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
done

URL=http://127.0.0.1:$PORT
UNCACHED=http://127.0.0.1:$((PORT + 1))
SHOP=$(psql "$DATABASE_URL" -tAc "SELECT id FROM shops WHERE slug = 'lyon-presquile'")
S=/api/v1/search?limit=20
# What customers type: names, accents left out, plurals, typos, ingredients, filters, a shop.
MIX="$S&q=reine|$S&q=quatre%20fromage|$S&q=chevre%20miel|$S&q=vegetarien|$S&q=margarita|$S&q=calzonne"
MIX="$MIX|$S&q=mozzarella&shop_id=$SHOP|$S&q=jambon%20cru&vegetarian=false|$S&q=chocolat"
MIX="$MIX|$S&q=pizza&category=pizzas-speciales|$S&q=toscana|$S&q=piquante&shop_id=$SHOP"

summarise() {
  awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$5}
       END {printf "%s|%s|%s|%s\n", rps, p50, p99, (bad==""?0:bad)}'
}
load1() { cut -d' ' -f1 /proc/loadavg; }
run() { # catalog name clients paths url cache
  local catalog=$1 name=$2 clients=$3 paths=$4 url=$5 cache=$6
  local threads=$(( clients < 2 ? 1 : 2 ))
  local out load
  load=$(load1)
  out=$(SEARCH_PATHS=$paths wrk -t"$threads" -c"$clients" -d"$DURATION" --latency -s bench/search.lua "$url")
  echo "$out" >&2
  echo "| $catalog | $name | $cache | $clients | $(echo "$out" | summarise | tr '|' ' ' | awk '{printf "%s | %s | %s | %s", $1, $2, $3, $4}') | $load |"
}
rows() { # catalog
  run "$1" "mix of 12 queries" 1 "$MIX" "$URL" kept
  run "$1" "mix of 12 queries" 16 "$MIX" "$URL" kept
  run "$1" "q=reine (one hit)" 16 "$S&q=reine" "$URL" kept
  run "$1" "q=pizza (every pizza matches)" 16 "$S&q=pizza" "$URL" kept
  run "$1" "mix of 12 queries" 1 "$MIX" "$UNCACHED" none
  run "$1" "mix of 12 queries" 16 "$MIX" "$UNCACHED" none
  run "$1" "q=pizza (every pizza matches)" 16 "$S&q=pizza" "$UNCACHED" none
}

# The API beside its own SQL, in the same run: pgbench calling `search_products` (the ranking
# function alone, as issue 17 measured it) and `search_page` (the one statement the API now runs
# per search, highlights included) with the same arguments, 16 clients, then the API at 16
# connections.
SQL_ROWS=()
pgbench_tps() { # sql
  local script
  script=$(mktemp)
  echo "$1" > "$script"
  pgbench -n -M extended -c 16 -j 2 -T "${DURATION%s}" -f "$script" "$DATABASE_URL" 2>/dev/null \
    | awk '/^tps = / {printf "%.0f", $3}'
  rm -f "$script"
}
api_run() { # text url → "rps|p99"
  local out
  out=$(SEARCH_PATHS="$S&q=${1// /%20}" wrk -t2 -c16 -d"$DURATION" --latency -s bench/search.lua "$2")
  echo "$out" >&2
  echo "$out" | summarise | cut -d'|' -f1,3
}
beside() { # catalog text
  local catalog=$1 text=$2 quoted ranking page kept none load
  quoted=${text//\'/\'\'}
  load=$(load1)
  ranking=$(pgbench_tps "SELECT * FROM search_products('$quoted', NULL, NULL, '{}', 20, 0);")
  page=$(pgbench_tps "SELECT * FROM search_page('$quoted', NULL, NULL, '{}', 20, 0, NULL);")
  kept=$(api_run "$text" "$URL")
  none=$(api_run "$text" "$UNCACHED")
  SQL_ROWS+=("| $catalog | q=$text | $(printf '%.0f' "${kept%|*}") | ${kept#*|} | $(printf '%.0f' "${none%|*}") | ${none#*|} | $ranking | $page | $(echo "scale=2; ${kept%|*} / $ranking" | bc) | $(echo "scale=2; ${none%|*} / $ranking" | bc) | $(echo "scale=2; ${none%|*} / $page" | bc) | $load |")
}

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
ROWS=()
SEEDED=$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM products")
log "seeded catalog ($SEEDED products)"
while IFS= read -r row; do ROWS+=("$row"); done < <(rows "seeded ($SEEDED)")
for text in reine margarita pizza; do beside "seeded ($SEEDED)" "$text"; done

log "generating $GENERATED products (3 sizes, 8 to 9 ingredients each)"
START=$(date +%s.%N)
psql "$DATABASE_URL" -q -v ON_ERROR_STOP=1 -v n="$GENERATED" <<'SQL'
BEGIN;
CREATE TEMP TABLE food AS
  SELECT row_number() OVER (ORDER BY slug) AS k, id, name, unit FROM ingredients
  WHERE slug NOT IN ('pate-a-pizza', 'sauce-tomate', 'mozzarella')
    AND slug !~ '^(canette|bouteille|portion|pot|cookie)-';
SELECT count(*) AS nf FROM food \gset
CREATE TEMP TABLE gen AS
  SELECT i, 'gen-' || i AS slug,
         (ARRAY['Toscana', 'Rustica', 'Siciliana', 'Romana', 'Fiorentina', 'Calabrese', 'Napoletana',
                'Veneziana', 'Montagnarde', 'Provençale', 'Bretonne', 'Lyonnaise', 'Normande',
                'Alsacienne', 'Corse', 'Basquaise'])[1 + i % 16]
         || ' ' || (ARRAY['du chef', 'piquante', 'gourmande', 'fermière', 'du marché', 'd''été',
                          'd''hiver', 'royale', 'express', 'maison'])[1 + (i / 16) % 10]
         || ' n°' || i AS name,
         CASE WHEN i % 2 = 0 THEN 'pizzas-classiques' ELSE 'pizzas-speciales' END AS category
  FROM generate_series(1, :n) AS i;
INSERT INTO products (category_id, slug, name, description, kind, position)
  SELECT c.id, g.slug, g.name,
         'Sauce tomate, mozzarella, ' || lower(f1.name) || ', ' || lower(f2.name) || ' et ' || lower(f3.name) || '.',
         'pizza', 1000 + g.i
  FROM gen g JOIN categories c ON c.slug = g.category
  JOIN food f1 ON f1.k = 1 + (g.i * 7) % :nf
  JOIN food f2 ON f2.k = 1 + (g.i * 11 + 3) % :nf
  JOIN food f3 ON f3.k = 1 + (g.i * 13 + 5) % :nf;
INSERT INTO product_sizes (product_id, code, label, price_cents, position)
  SELECT p.id, s.code, s.label, s.price + (g.i % 7) * 50, s.position
  FROM gen g JOIN products p ON p.slug = g.slug
  CROSS JOIN (VALUES ('small', 'Petite (26 cm)', 950, 0), ('medium', 'Moyenne (30 cm)', 1250, 1),
                     ('large', 'Grande (40 cm)', 1590, 2)) AS s(code, label, price, position);
INSERT INTO recipe_items (product_size_id, ingredient_id, quantity)
  SELECT ps.id, f.id, CASE WHEN f.unit = 'piece' THEN 1 ELSE 20 + 20 * ps.position END
  FROM gen g JOIN products p ON p.slug = g.slug JOIN product_sizes ps ON ps.product_id = p.id
  CROSS JOIN generate_series(0, 5) AS j
  JOIN food f ON f.k = 1 + (g.i * (j + 3) + j * 17) % :nf
  UNION ALL
  SELECT ps.id, i.id, CASE i.slug WHEN 'pate-a-pizza' THEN 1 ELSE 80 + 30 * ps.position END
  FROM gen g JOIN products p ON p.slug = g.slug JOIN product_sizes ps ON ps.product_id = p.id
  JOIN ingredients i ON i.slug IN ('pate-a-pizza', 'sauce-tomate', 'mozzarella')
  ON CONFLICT DO NOTHING;
UPDATE products p SET vegetarian = NOT EXISTS (
    SELECT 1 FROM product_sizes s JOIN recipe_items r ON r.product_size_id = s.id
    JOIN ingredients i ON i.id = r.ingredient_id WHERE s.product_id = p.id AND NOT i.vegetarian)
  WHERE p.slug LIKE 'gen-%';
COMMIT;
ANALYZE;
SQL
GENERATION=$(printf '%.1f' "$(echo "$(date +%s.%N) - $START" | bc)")
TOTAL=$(psql "$DATABASE_URL" -tAc "SELECT count(*) FROM products")
read -r DOCS WORDS ITEMS < <(psql "$DATABASE_URL" -tA -F' ' -c \
  "SELECT (SELECT count(*) FROM search_documents), (SELECT count(*) FROM search_words), (SELECT count(*) FROM recipe_items)")
TOSCANA=$(curl -sf "$URL/api/v1/search?q=toscana&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
log "generated: $TOTAL products, $DOCS search documents, in ${GENERATION}s; q=toscana finds $TOSCANA"
while IFS= read -r row; do ROWS+=("$row"); done < <(rows "generated ($TOTAL)")
for text in reine margarita pizza; do beside "generated ($TOTAL)" "$text"; done

{
  echo "# Search benchmark results"
  echo
  echo "- Date: $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)"
  echo "- Machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -n1)), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, PostgreSQL $(psql "$PG_SERVER_URL/postgres" -tAc 'SHOW server_version'); load average before the run: $LOAD"
  echo "- Command: \`${CARGO_TARGET_DIR:+CARGO_TARGET_DIR=$CARGO_TARGET_DIR }BUILD=$BUILD bash bench/search.sh\` ($BUILD build, DB_POOL_SIZE=$DB_POOL_SIZE, wrk ${DURATION} per row, wrk and PostgreSQL on the same cores as the API)"
  echo "- Engine: PostgreSQL (no Algolia settings). Every request asks for 20 results (\`limit=20\`) with facets and highlights."
  echo "- Mix of 12 queries, in turn: \`reine\`, \`quatre fromage\`, \`chevre miel\`, \`vegetarien\`, \`margarita\`, \`calzonne\`, \`mozzarella\` with a shop, \`jambon cru\` with \`vegetarian=false\`, \`chocolat\`, \`pizza\` in one category, \`toscana\`, \`piquante\` with a shop."
  echo "- Generated catalog: $GENERATED pizzas added in one transaction of 5 statements (3 sizes, 8 to 9 ingredients each: $ITEMS recipe lines in all), search documents kept by the triggers: ${GENERATION}s including the triggers; $DOCS documents, $WORDS words in the typo vocabulary; \`q=toscana\` matches $TOSCANA."
  echo
  echo "Pages kept: \`kept\` is the default instance (result pages kept, SEARCH_CACHE_ENTRIES=1000), \`none\` the instance with SEARCH_CACHE_ENTRIES=0 (the ranking query at every request). The last column is the 1-minute load average just before the row."
  echo
  echo "| catalog | query | pages | clients | requests/s | p50 | p99 | non-2xx | load |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "The API beside its own SQL in the same run, 16 clients each: pgbench calling \`search_products\` (the ranking alone) and \`search_page\` (the one statement the API runs on a miss: filters, ranking, facets and highlights), then wrk on the API keeping pages, then on the API without; the ratios are the API's rate as a share of the SQL's."
  echo
  echo "| catalog | query | API requests/s | API p99 | API no pages kept req/s | its p99 | search_products calls/s | search_page calls/s | API / search_products | no pages / search_products | no pages / search_page | load |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${SQL_ROWS[@]}"
} > bench/SEARCH_RESULTS.md
cat bench/SEARCH_RESULTS.md
