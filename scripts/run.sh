#!/usr/bin/env bash
# Runs the whole system on local defaults: PostgreSQL (found or started), the database migrated
# and seeded with demo data, the SPA, /docs and /api/v1 on http://localhost:${PORT:-8080}: through
# nginx in front of the API when nginx is installed, else from the API alone. Ctrl-C stops it.
# API_INSTANCES=N (default 1) starts N API processes on consecutive ports from API_PORT, all on
# the same database, behind the same nginx (one upstream with every instance): needs nginx.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

PORT=${PORT:-8080}
API_INSTANCES=${API_INSTANCES:-1}
if ! [[ $API_INSTANCES =~ ^[1-9][0-9]*$ ]]; then
    echo "run.sh: API_INSTANCES must be a whole number of instances, 1 or more (got '$API_INSTANCES')" >&2
    exit 1
fi
# Several instances need nginx in front: say so before building anything.
if [ "$API_INSTANCES" -gt 1 ] && { [ -n "${NO_NGINX:-}" ] || ! command -v nginx >/dev/null || ! command -v envsubst >/dev/null; }; then
    echo "run.sh: API_INSTANCES=$API_INSTANCES needs nginx in front of them (apt-get install nginx gettext-base; and no NO_NGINX)" >&2
    exit 1
fi
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
# and the probes to the API instances on API_PORT, API_PORT+1, … (default PORT+1), as in
# production. NO_NGINX=1, or no nginx, serves everything from one API alone (its static file
# fallback).
if [ -z "${NO_NGINX:-}" ] && command -v nginx >/dev/null && command -v envsubst >/dev/null && [ -f frontend/dist/index.html ]; then
    API_PORT=${API_PORT:-$((PORT + 1))}
    ADDRS=()
    for ((i = 0; i < API_INSTANCES; i++)); do ADDRS+=("127.0.0.1:$((API_PORT + i))"); done
    if [ "$API_INSTANCES" -eq 1 ]; then
        log "nginx takes port $PORT (open that one); the API itself listens on $API_PORT (API_PORT to change it)"
    else
        log "nginx takes port $PORT (open that one); $API_INSTANCES API instances listen on ports $API_PORT to $((API_PORT + API_INSTANCES - 1)) (API_PORT to change the first)"
    fi
    # nginx on this machine is the proxy: its X-Forwarded-For names the client (login throttling).
    export TRUSTED_PROXIES=${TRUSTED_PROXIES:-127.0.0.1}
    PREFIX=$(pwd)/.data/nginx
    render_nginx "$PREFIX" "127.0.0.1:$PORT" "${ADDRS[@]}"
    PIDS=()
    trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null' EXIT INT TERM
    for addr in "${ADDRS[@]}"; do
        BIND_ADDR=$addr target/debug/ocpizza serve &
        PIDS+=($!)
    done
    for addr in "${ADDRS[@]}"; do wait_for "http://$addr/readyz" "the API on $addr"; done
    nginx -p "$PREFIX" -c "$PREFIX/nginx.conf" -e stderr -g 'daemon off;' &
    PIDS+=($!)
    wait_for "http://127.0.0.1:$PORT/nginx-healthz" "nginx"
    log "OC Pizza on $PUBLIC_URL through nginx (API on ${ADDRS[*]}; docs: $PUBLIC_URL/docs/, readiness: $PUBLIC_URL/readyz)"
    # Any one stopping (an API instance or nginx) stops them all.
    wait -n "${PIDS[@]}"
    exit $?
fi
if [ "$API_INSTANCES" -gt 1 ]; then
    echo "run.sh: API_INSTANCES=$API_INSTANCES needs nginx and the built SPA (frontend/dist)" >&2
    exit 1
fi
log "OC Pizza on $PUBLIC_URL  (API docs: $PUBLIC_URL/docs/, readiness: $PUBLIC_URL/readyz)"
exec target/debug/ocpizza serve
