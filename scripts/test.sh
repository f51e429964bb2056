#!/usr/bin/env bash
# Runs every test: the API's unit and integration tests (real server, one fresh PostgreSQL
# database per test, dropped afterwards), schemathesis over every operation of the OpenAPI
# document (scripts/schemathesis.sh), and the frontend's tests when the SPA is present: Vitest,
# then the browser tests and budgets (scripts/e2e.sh: chromium through nginx against the API).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

# Every prerequisite first, before anything is built.
ensure_test_tools
ensure_postgres
warn_first_build
export TEST_DATABASE_ADMIN_URL=${TEST_DATABASE_ADMIN_URL:-$PG_SERVER_URL/postgres}

log "API tests (cargo test)"
cargo test --workspace

log "the API against its OpenAPI document (scripts/schemathesis.sh)"
PG_SERVER_URL=$PG_SERVER_URL bash scripts/schemathesis.sh

if [ -f frontend/package.json ]; then
    log "frontend tests"
    (cd frontend && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && npm test)
    log "frontend end-to-end tests and budgets (scripts/e2e.sh)"
    PG_SERVER_URL=$PG_SERVER_URL bash scripts/e2e.sh
fi
log "all tests passed"
