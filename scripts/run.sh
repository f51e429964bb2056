#!/usr/bin/env bash
# Runs the whole system on local defaults: PostgreSQL (found or started), the database migrated
# and seeded with demo data, the API on http://localhost:${PORT:-8080} serving the SPA, /docs and
# /api/v1. Ctrl-C stops it.
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
log "OC Pizza on $PUBLIC_URL  (API docs: $PUBLIC_URL/docs/, readiness: $PUBLIC_URL/readyz)"
exec target/debug/ocpizza serve
