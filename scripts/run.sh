#!/usr/bin/env bash
# Runs the whole system on local defaults: PostgreSQL (found or started), the database migrated
# and seeded with demo data, the SPA, /docs and /api/v1 on http://localhost:${PORT:-8080}: through
# nginx in front of the API when nginx is installed, else from the API alone. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

PORT=${PORT:-8080}
ensure_postgres
DB_NAME=${DB_NAME:-ocpizza}
ensure_database "$DB_NAME"

export APP_ENV=${APP_ENV:-development}
export DATABASE_URL=${DATABASE_URL:-$PG_SERVER_URL/$DB_NAME}
export DB_SSLMODE=${DB_SSLMODE:-disable}
export BIND_ADDR=${BIND_ADDR:-127.0.0.1:$PORT}
export PUBLIC_URL=${PUBLIC_URL:-http://localhost:$PORT}

log "building the API"
warn_first_build
cargo build --bin ocpizza
if [ -f frontend/package.json ]; then
    if command -v npm >/dev/null; then
        log "building the SPA"
        (cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run build)
    else
        log "npm not found: the SPA is not built (install Node.js 20)"
    fi
fi
[ -f frontend/dist/index.html ] && export STATIC_DIR=${STATIC_DIR:-$(pwd)/frontend/dist}

target/debug/ocpizza migrate
target/debug/ocpizza seed

# With nginx installed (and the SPA built), nginx serves the SPA on $PORT and proxies /api, /docs
# and the probes to the API on API_PORT (default PORT+1), as in production. NO_NGINX=1, or no
# nginx, serves everything from the API alone (its static file fallback).
if [ -z "${NO_NGINX:-}" ] && command -v nginx >/dev/null && command -v envsubst >/dev/null && [ -f frontend/dist/index.html ]; then
    API_PORT=${API_PORT:-$((PORT + 1))}
    export BIND_ADDR=127.0.0.1:$API_PORT
    log "nginx takes port $PORT (open that one); the API itself listens on $API_PORT (API_PORT to change it)"
    # nginx on this machine is the proxy: its X-Forwarded-For names the client (login throttling).
    export TRUSTED_PROXIES=${TRUSTED_PROXIES:-127.0.0.1}
    PREFIX=$(pwd)/.data/nginx
    render_nginx "$PREFIX" "127.0.0.1:$PORT" "$BIND_ADDR"
    target/debug/ocpizza serve &
    API_PID=$!
    NGINX_PID=""
    trap 'kill $NGINX_PID $API_PID 2>/dev/null; wait 2>/dev/null' EXIT INT TERM
    wait_for "http://$BIND_ADDR/readyz" "the API"
    nginx -p "$PREFIX" -c "$PREFIX/nginx.conf" -e stderr -g 'daemon off;' &
    NGINX_PID=$!
    wait_for "http://127.0.0.1:$PORT/nginx-healthz" "nginx"
    log "OC Pizza on $PUBLIC_URL through nginx (API on $BIND_ADDR; docs: $PUBLIC_URL/docs/, readiness: $PUBLIC_URL/readyz)"
    # Either one stopping stops both.
    wait -n "$API_PID" "$NGINX_PID"
    exit $?
fi
log "OC Pizza on $PUBLIC_URL  (API docs: $PUBLIC_URL/docs/, readiness: $PUBLIC_URL/readyz)"
exec target/debug/ocpizza serve
