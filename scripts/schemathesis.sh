#!/usr/bin/env bash
# Property-based tests of the API against its own OpenAPI document (schemathesis, from PyPI):
# the debug API binary on a fresh database ocpizza_schemathesis (migrated, seeded, every shop open
# all week), every operation fuzzed three times: anonymously, as the demo customer and as the demo
# manager. Checks: no 5xx (not_a_server_error), no status the document does not declare
# (status_code_conformance), no undeclared content type (content_type_conformance). Stops what it
# started and drops the database.
#
# Knobs: SCHEMATHESIS_MAX_EXAMPLES (per operation and run, default 50), SCHEMATHESIS_SEED
# (default 1; "random" for a new one each run), SCHEMATHESIS_WORKERS (default 1: with
# more, Python 3.11 and hypothesis sometimes fail with "AST constructor recursion depth mismatch"),
# SCHEMATHESIS_VENV (where schemathesis is installed, default .data/schemathesis-venv),
# SCHEMATHESIS_REPORT_DIR (keep the reports there). schemathesis is installed with pip, pinned.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

SCHEMATHESIS_VERSION=4.32.5
for tool in psql curl python3; do
    command -v "$tool" >/dev/null || { echo "schemathesis: $tool is needed" >&2; exit 1; }
done

# In a virtual environment of its own; where python3 has no venv module (Debian without
# python3-venv), in a folder on PYTHONPATH.
VENV=${SCHEMATHESIS_VENV:-$(pwd)/.data/schemathesis-venv}
schemathesis_cli() {
    if [ -x "$VENV/bin/python" ]; then
        "$VENV/bin/python" -c 'from schemathesis.cli import schemathesis; schemathesis()' "$@"
    else
        PYTHONPATH="$VENV/site${PYTHONPATH:+:$PYTHONPATH}" python3 -c 'from schemathesis.cli import schemathesis; schemathesis()' "$@"
    fi
}
if ! schemathesis_cli --version 2>/dev/null | grep -qF "$SCHEMATHESIS_VERSION"; then
    log "installing schemathesis $SCHEMATHESIS_VERSION (pip) in $VENV"
    rm -rf "$VENV"
    if python3 -m venv "$VENV" 2>/dev/null; then
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
    else
        rm -rf "$VENV"
        python3 -m pip install --quiet --disable-pip-version-check --target "$VENV/site" "schemathesis==$SCHEMATHESIS_VERSION"
    fi
fi

ensure_postgres
DB_NAME=${SCHEMATHESIS_DB_NAME:-ocpizza_schemathesis}
WORK=$(mktemp -d /tmp/ocpizza-schemathesis.XXXXXX)
API_PID=

cleanup() {
    local rc=$?
    if [ -n "$API_PID" ]; then kill "$API_PID" 2>/dev/null && wait "$API_PID" 2>/dev/null || true; fi
    psql "$PG_SERVER_URL/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
    if [ "$rc" -ne 0 ]; then
        echo "schemathesis: failed; last lines of the API's log:" >&2
        tail -n 30 "$WORK/api.log" >&2 2>/dev/null || true
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT INT TERM

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

[ -x target/debug/ocpizza ] || { log "building the API (debug)"; cargo build --bin ocpizza; }

log "database $DB_NAME"
psql "$PG_SERVER_URL/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null
psql "$PG_SERVER_URL/postgres" -qc "CREATE DATABASE $DB_NAME" >/dev/null
API_PORT=$(free_port)
export APP_ENV=development
export DATABASE_URL=$PG_SERVER_URL/$DB_NAME
export DB_SSLMODE=disable
export BIND_ADDR=127.0.0.1:$API_PORT
export PUBLIC_URL=http://127.0.0.1:$API_PORT
export RUST_LOG=${RUST_LOG:-warn}
unset STATIC_DIR STRIPE_SECRET_KEY STRIPE_PUBLISHABLE_KEY STRIPE_WEBHOOK_SECRET STRIPE_API_BASE
target/debug/ocpizza migrate >"$WORK/migrate.log" 2>&1
target/debug/ocpizza seed >"$WORK/seed.log" 2>&1
psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -qc "DELETE FROM shop_hours; INSERT INTO shop_hours (shop_id, weekday, opens_at, closes_at) SELECT s.id, d, '00:00', '23:59' FROM shops s, generate_series(1,7) d;" >/dev/null

log "API on $BIND_ADDR"
target/debug/ocpizza serve >"$WORK/api.log" 2>&1 &
API_PID=$!
wait_for "http://$BIND_ADDR/readyz" "the API"
BASE=http://$BIND_ADDR

token() {
    curl -fsS "$BASE/api/v1/auth/login" -H 'Content-Type: application/json' \
        -d "{\"email\":\"$1\",\"password\":\"$2\"}" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
CUSTOMER_TOKEN=$(token client@ocpizza.fr client-demo-2026)
MANAGER_TOKEN=$(token manager@ocpizza.fr manager-demo-2026)

SEED=${SCHEMATHESIS_SEED:-1}
REPORT_DIR=${SCHEMATHESIS_REPORT_DIR:-$WORK/reports}
mkdir -p "$REPORT_DIR"
# The spec the server serves is the one under test (a test checks it is the committed one).
curl -fsS "$BASE/api/openapi.json" -o "$WORK/openapi.json"

# Anonymous means anonymous: schemathesis would otherwise sign up through /auth/register and use
# that account's token everywhere.
cat >"$WORK/schemathesis.toml" <<'TOML'
[auth]
auto-signup = false
TOML

# One run of schemathesis as $1 (anonymous, customer, manager), extra arguments after it.
run() {
    local who=$1
    shift
    local args=(
        run "$WORK/openapi.json" --url "$BASE"
        --checks not_a_server_error,status_code_conformance,content_type_conformance
        --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-50}"
        --workers "${SCHEMATHESIS_WORKERS:-1}"
        --phases examples,coverage,fuzzing
        --generation-database none
        --request-timeout 20
        --suppress-health-check all
        --no-color
        --report junit --report-junit-path "$REPORT_DIR/$who.xml"
    )
    [ "$SEED" = random ] || args+=(--seed "$SEED")
    log "schemathesis as $who"
    # From $WORK: schemathesis keeps its cache (.schemathesis, .hypothesis) in the current folder.
    (cd "$WORK" && schemathesis_cli --config-file "$WORK/schemathesis.toml" "${args[@]}" "$@")
}

STATUS=0
run anonymous || STATUS=1
# DELETE /me would delete the token's own account halfway through: it runs last, alone.
run customer -H "Authorization: Bearer $CUSTOMER_TOKEN" --exclude-operation-id delete_me || STATUS=1
# The manager may open its shop's live feed, an event stream that never ends: it is fuzzed
# anonymously and as the customer (401, 403, 404), not here.
run manager -H "Authorization: Bearer $MANAGER_TOKEN" --exclude-operation-id delete_me \
    --exclude-path '/api/v1/shops/{shop_id}/events' || STATUS=1
run customer-delete-me -H "Authorization: Bearer $CUSTOMER_TOKEN" --include-operation-id delete_me || STATUS=1

if [ "$STATUS" -ne 0 ]; then
    echo "schemathesis: findings above (reports in $REPORT_DIR)" >&2
    [ -n "${SCHEMATHESIS_REPORT_DIR:-}" ] || cp -r "$REPORT_DIR" "$(pwd)/.data/schemathesis-reports" 2>/dev/null || true
    exit 1
fi
log "schemathesis: no server error, no undocumented status or content type"
