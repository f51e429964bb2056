# Shared by run.sh, test.sh and .ci/run: finds or starts PostgreSQL.
# shellcheck shell=bash

log() { printf '\033[1;33m==>\033[0m %s\n' "$*" >&2; }

pg_bin_dir() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
    done
    return 1
}

# Sets PG_SERVER_URL (no database name) to a PostgreSQL server we may create databases on:
# $PG_SERVER_URL if given, else the one on 127.0.0.1:5432, else a private cluster under .data/pg
# (installed with apt when the binaries are missing and we are root).
ensure_postgres() {
    if [ -n "${PG_SERVER_URL:-}" ]; then return 0; fi
    if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432 -U postgres; then
        PG_SERVER_URL="postgres://postgres@127.0.0.1:5432"
        return 0
    fi
    if [ "$(id -u)" = 0 ] && ls /etc/postgresql/*/main >/dev/null 2>&1 && command -v pg_ctlcluster >/dev/null; then
        log "starting the system PostgreSQL cluster"
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
        if pg_isready -q -h 127.0.0.1 -p 5432 -U postgres; then
            PG_SERVER_URL="postgres://postgres@127.0.0.1:5432"
            return 0
        fi
    fi
    local bin port=${PG_PRIVATE_PORT:-55432} data
    data="$(pwd)/.data/pg"
    if ! bin=$(pg_bin_dir); then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            log "installing PostgreSQL (apt-get install postgresql)"
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
            bin=$(pg_bin_dir)
        else
            echo "PostgreSQL is needed: install it (apt-get install postgresql) or set PG_SERVER_URL" >&2
            return 1
        fi
    fi
    local as=()
    [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
    if [ ! -f "$data/PG_VERSION" ]; then
        log "creating a private PostgreSQL cluster in $data"
        mkdir -p "$data"
        [ "$(id -u)" = 0 ] && chown postgres "$data"
        chmod 700 "$data"
        "${as[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust >/dev/null
    fi
    if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
        log "starting the private PostgreSQL cluster on port $port"
        "${as[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -o "-h 127.0.0.1 -p $port -k /tmp" -w start >/dev/null
    fi
    PG_SERVER_URL="postgres://postgres@127.0.0.1:$port"
}

# Creates database $1 on PG_SERVER_URL when missing.
ensure_database() {
    local name=$1
    if ! psql "$PG_SERVER_URL/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
        log "creating database $name"
        psql "$PG_SERVER_URL/postgres" -qc "CREATE DATABASE $name" >/dev/null
    fi
}

# Renders nginx/local.conf.template into folder $1 (nginx's prefix: config, logs, temp files) for
# an nginx listening on $2 (port or address:port) in front of the API instances at $3, $4, …
# (host:port each, one upstream server line per instance), serving the SPA built in frontend/dist. The SPA's CSP comes from nginx/spa-csp.sh (Stripe's origins only
# when STRIPE_PUBLISHABLE_KEY is set). Start it with: nginx -p "$1" -c "$1/nginx.conf" -e stderr -g 'daemon off;'
render_nginx() {
    local prefix=$1 listen=$2 servers="" addr
    shift 2
    [ $# -gt 0 ] || { echo "render_nginx: no API address" >&2; return 1; }
    for addr in "$@"; do servers+="server $addr max_fails=1 fail_timeout=5s; "; done
    mkdir -p "$prefix"
    # shellcheck source=../nginx/spa-csp.sh
    . nginx/spa-csp.sh
    NGINX_PORT=$listen API_SERVERS=$servers SPA_DIR="$(pwd)/frontend/dist" SPA_CSP=$SPA_CSP \
        envsubst "\${NGINX_PORT} \${API_SERVERS} \${SPA_DIR} \${SPA_CSP}" <nginx/local.conf.template >"$prefix/nginx.conf"
}

# Waits until URL $1 answers (20 s at most); $2 names what for the error.
wait_for() {
    local i
    for i in $(seq 1 100); do
        curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
        sleep 0.2
    done
    echo "$2 did not answer on $1" >&2
    return 1
}

# Checks what the tests need before anything is built: prints the exact install command for what
# is missing, and installs it when run as root with apt (as CI does). Returns non-zero otherwise.
ensure_test_tools() {
    local need=() cmd pkg
    dpkg -s libpq-dev >/dev/null 2>&1 || need+=(libpq-dev)
    for pair in pg_isready:postgresql pg_dump:postgresql-client chromium:chromium nginx:nginx envsubst:gettext-base curl:curl; do
        cmd=${pair%%:*} pkg=${pair#*:}
        command -v "$cmd" >/dev/null || need+=("$pkg")
    done
    command -v cargo >/dev/null || { echo "Rust is needed: https://rustup.rs (cargo, rustc)" >&2; return 1; }
    if [ -f frontend/package.json ] && ! command -v npm >/dev/null; then
        echo "Node.js 20 and npm are needed for the SPA's tests (apt-get install nodejs npm)" >&2
        return 1
    fi
    [ ${#need[@]} -eq 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing what the tests need: apt-get install ${need[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >/dev/null || true
        apt-get install -y -q "${need[@]}" >/dev/null
    else
        echo "the tests need: ${need[*]}" >&2
        echo "install them with: sudo apt-get install -y ${need[*]}" >&2
        return 1
    fi
}

# The first build of the API compiles every dependency: say so before a long silence.
warn_first_build() {
    if [ ! -d target/debug/deps ]; then
        log "first build: compiling the API and its ~300 dependencies takes 10 to 15 minutes on 2 cores (later builds only recompile the API)"
    fi
}
