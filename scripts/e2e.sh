#!/usr/bin/env bash
# End-to-end tests of the customer SPA in Debian's chromium (playwright-core), through a private
# nginx (nginx/local.conf.template) in front of two instances of the debug API binary (one
# upstream, round-robin: a login answered by one, the order and its live tracking by either, as
# with API_INSTANCES=2 in run.sh; checked at the end on each instance's /metrics), on a fresh
# database ocpizza_e2e (migrated, seeded, every shop open all week), plus another API and nginx on the same
# database configured with Stripe keys against a fake Stripe (frontend/e2e/fake-stripe.mjs), then
# the budgets (initial JS gzipped, menu first-contentful-paint). Stops everything it started and
# drops the database.
# Screenshots: artifacts/screenshots/ (SCREENSHOT_DIR to change).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
source scripts/lib.sh

for tool in nginx envsubst psql node; do
    command -v "$tool" >/dev/null || { echo "e2e: $tool is needed" >&2; exit 1; }
done
CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
[ -x "$CHROMIUM_PATH" ] || { echo "e2e: chromium is needed (apt-get install -y chromium)" >&2; exit 1; }
export CHROMIUM_PATH

ensure_postgres
DB_NAME=${E2E_DB_NAME:-ocpizza_e2e}
WORK=$(mktemp -d /tmp/ocpizza-e2e.XXXXXX)
# nginx's workers (nobody, when run as root) write the product pictures' cache under it.
chmod 755 "$WORK"
PIDS=() # what we started, stopped in reverse order

cleanup() {
    local rc=$? i
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        kill "${PIDS[$i]}" 2>/dev/null && wait "${PIDS[$i]}" 2>/dev/null || true
    done
    psql "$PG_SERVER_URL/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
    if [ "$rc" -ne 0 ]; then
        echo "e2e: failed; last lines of the APIs', fake Stripe's and nginx's logs:" >&2
        tail -n 30 "$WORK/api.log" "$WORK/api-2.log" "$WORK/api-stripe.log" "$WORK/fake-stripe.log" "$WORK/nginx/error.log" "$WORK/nginx-stripe/error.log" 2>/dev/null >&2 || true
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT INT TERM

# E2E_PORT_BASE=N takes the ports from N on (N, N+1, …: six of them) instead of free ones the
# system picks, for machines where each user has a range of ports.
TAKEN_PORTS=0
take_port() { # $1 the variable to set
    if [[ -n ${E2E_PORT_BASE:-} ]]; then
        printf -v "$1" '%s' "$((E2E_PORT_BASE + TAKEN_PORTS))"
        TAKEN_PORTS=$((TAKEN_PORTS + 1))
    else
        printf -v "$1" '%s' "$(free_port)"
    fi
}
free_port() {
    node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# The API binary (debug; built only when missing).
[ -x target/debug/ocpizza ] || { log "building the API (debug)"; cargo build --bin ocpizza; }

# The SPA (built when missing or older than its sources).
if [ ! -d frontend/node_modules ]; then (cd frontend && npm ci --no-audit --no-fund --loglevel=error); fi
if [ ! -f frontend/dist/index.html ] || [ -n "$(find frontend/src frontend/index.html frontend/public -newer frontend/dist/index.html -print -quit 2>/dev/null)" ]; then
    log "building the SPA"
    (cd frontend && npm run build >/dev/null)
fi

# A fresh database, every shop open all week (the tests place orders at any hour).
log "database $DB_NAME"
psql "$PG_SERVER_URL/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null
psql "$PG_SERVER_URL/postgres" -qc "CREATE DATABASE $DB_NAME" >/dev/null
take_port API_PORT
take_port API2_PORT
take_port NGINX_PORT
export APP_ENV=development
export DATABASE_URL=$PG_SERVER_URL/$DB_NAME
export DB_SSLMODE=disable
export BIND_ADDR=127.0.0.1:$API_PORT
export PUBLIC_URL=http://127.0.0.1:$NGINX_PORT
unset STATIC_DIR
target/debug/ocpizza migrate >"$WORK/migrate.log" 2>&1
target/debug/ocpizza seed >"$WORK/seed.log" 2>&1
psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -qc "DELETE FROM shop_hours; INSERT INTO shop_hours (shop_id, weekday, opens_at, closes_at) SELECT s.id, d, '00:00', '23:59' FROM shops s, generate_series(1,7) d;" >/dev/null

# The system as on a laptop: no Stripe keys, so the offline test provider.
unset STRIPE_SECRET_KEY STRIPE_PUBLISHABLE_KEY STRIPE_WEBHOOK_SECRET STRIPE_API_BASE
# Two instances on the same database behind one nginx: what a login on one instance issued is
# honoured by the other, and an order changed through one is announced live by the other.
API2_ADDR=127.0.0.1:$API2_PORT
log "two APIs on $BIND_ADDR and $API2_ADDR (same database)"
target/debug/ocpizza serve >"$WORK/api.log" 2>&1 &
PIDS+=($!)
BIND_ADDR=$API2_ADDR target/debug/ocpizza serve >"$WORK/api-2.log" 2>&1 &
PIDS+=($!)
wait_for "http://$BIND_ADDR/readyz" "the API"
wait_for "http://$API2_ADDR/readyz" "the second API"

log "nginx on 127.0.0.1:$NGINX_PORT, in front of both"
render_nginx "$WORK/nginx" "127.0.0.1:$NGINX_PORT" "$BIND_ADDR" "$API2_ADDR"
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e stderr -g 'daemon off;' >"$WORK/nginx.log" 2>&1 &
PIDS+=($!)
wait_for "$PUBLIC_URL/nginx-healthz" "nginx"

# The same database behind a second API and nginx configured with Stripe keys, Stripe being the
# fake in frontend/e2e/fake-stripe.mjs (its REST API, Stripe.js and signed webhooks).
take_port FAKE_STRIPE_PORT
take_port STRIPE_API_PORT
take_port STRIPE_NGINX_PORT
STRIPE_BASE_URL=http://127.0.0.1:$STRIPE_NGINX_PORT
log "fake Stripe on 127.0.0.1:$FAKE_STRIPE_PORT, API with Stripe keys on 127.0.0.1:$STRIPE_API_PORT, nginx on 127.0.0.1:$STRIPE_NGINX_PORT"
(
    export STRIPE_SECRET_KEY=sk_test_e2e_secret STRIPE_PUBLISHABLE_KEY=pk_test_e2e_publishable
    export STRIPE_WEBHOOK_SECRET=whsec_e2e_webhook
    FAKE_STRIPE_PORT=$FAKE_STRIPE_PORT WEBHOOK_URL=$STRIPE_BASE_URL/api/v1/payments/stripe/webhook \
        exec node frontend/e2e/fake-stripe.mjs
) >"$WORK/fake-stripe.log" 2>&1 &
PIDS+=($!)
(
    export STRIPE_SECRET_KEY=sk_test_e2e_secret STRIPE_PUBLISHABLE_KEY=pk_test_e2e_publishable
    export STRIPE_WEBHOOK_SECRET=whsec_e2e_webhook STRIPE_API_BASE=http://127.0.0.1:$FAKE_STRIPE_PORT
    BIND_ADDR=127.0.0.1:$STRIPE_API_PORT PUBLIC_URL=$STRIPE_BASE_URL exec target/debug/ocpizza serve
) >"$WORK/api-stripe.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$STRIPE_API_PORT/readyz" "the API with Stripe keys"
STRIPE_PUBLISHABLE_KEY=pk_test_e2e_publishable render_nginx "$WORK/nginx-stripe" "127.0.0.1:$STRIPE_NGINX_PORT" "127.0.0.1:$STRIPE_API_PORT"
nginx -p "$WORK/nginx-stripe" -c "$WORK/nginx-stripe/nginx.conf" -e stderr -g 'daemon off;' >"$WORK/nginx-stripe.log" 2>&1 &
PIDS+=($!)
wait_for "$STRIPE_BASE_URL/nginx-healthz" "nginx (Stripe)"
export STRIPE_BASE_URL FAKE_STRIPE_URL=http://127.0.0.1:$FAKE_STRIPE_PORT

export BASE_URL=$PUBLIC_URL
# Screenshots of this run only (the folder CI keeps as artifacts).
export SCREENSHOT_DIR=${SCREENSHOT_DIR:-$ROOT/artifacts/screenshots}
mkdir -p "$SCREENSHOT_DIR"
[[ " ${E2E_SUITES:-customer staff reports pauses menu backoffice shops budgets} " == *" customer "* ]] && rm -f "$SCREENSHOT_DIR"/*.png
# E2E_SUITES picks what runs (default all): customer (e2e.mjs), staff (staff.mjs), reports
# (reports.mjs), pauses (pauses.mjs), menu (menu.mjs, the menu back office), backoffice
# (backoffice.mjs: stock, team, orders and refunds), shops (shops.mjs: the chain's shops and
# closures), budgets.
SUITES=" ${E2E_SUITES:-customer staff reports pauses menu backoffice shops budgets} "
if [[ $SUITES == *" customer "* ]]; then
    log "browser tests (frontend/e2e/e2e.mjs)"
    (cd frontend && node e2e/e2e.mjs)
fi
if [[ $SUITES == *" staff "* ]]; then
    log "shop floor browser tests (frontend/e2e/staff.mjs)"
    (cd frontend && node e2e/staff.mjs)
fi
if [[ $SUITES == *" reports "* ]]; then
    log "statistics dashboard browser tests (frontend/e2e/reports.mjs)"
    (cd frontend && node e2e/reports.mjs)
fi
if [[ $SUITES == *" pauses "* ]]; then
    log "a product paused in one shop (frontend/e2e/pauses.mjs)"
    (cd frontend && node e2e/pauses.mjs)
fi
if [[ $SUITES == *" menu "* ]]; then
    log "menu back office browser tests (frontend/e2e/menu.mjs)"
    (cd frontend && node e2e/menu.mjs)
fi
if [[ $SUITES == *" backoffice "* ]]; then
    log "back office browser tests (frontend/e2e/backoffice.mjs)"
    (cd frontend && node e2e/backoffice.mjs)
fi
if [[ $SUITES == *" shops "* ]]; then
    log "shops back office and closures browser tests (frontend/e2e/shops.mjs)"
    (cd frontend && node e2e/shops.mjs)
fi
if [[ $SUITES == *" budgets "* ]]; then
    log "budgets (frontend/scripts/budgets.mjs)"
    (cd frontend && node scripts/budgets.mjs)
fi
# Both instances took their share: logins, and with the customer suite orders placed and followed
# live, on each one (nginx alternates between them).
served() { # $1 the instance, $2 a metrics line prefix; true when its count is above 0
    curl -fsS "http://$1/metrics" | grep -F "$2" | awk '{ n += $NF } END { exit !(n > 0) }'
}
if [[ $SUITES == *" customer "* || $SUITES == *" staff "* || $SUITES == *" backoffice "* ]]; then
    checks=('ocpizza_http_requests_total{route="/api/v1/auth/login",method="POST",status="2xx"}')
    if [[ $SUITES == *" customer "* ]]; then
        checks+=('ocpizza_http_requests_total{route="/api/v1/orders",method="POST",status="2xx"}'
            'ocpizza_http_requests_total{route="/api/v1/orders/{order_id}/events",method="GET"')
    fi
    for addr in "$BIND_ADDR" "$API2_ADDR"; do
        for line in "${checks[@]}"; do
            served "$addr" "$line" || { echo "e2e: the API on $addr served no $line" >&2; exit 1; }
        done
    done
    what="logins"
    [[ $SUITES == *" customer "* ]] && what="logins, orders and live tracking"
    log "both API instances served $what"
fi
log "e2e: all passed"
