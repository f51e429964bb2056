#!/usr/bin/env bash
# Renders both nginx configurations, with and without Stripe, and checks them with `nginx -t`
# (run by .ci/run). The container's config is checked with its Docker-only parts swapped for
# local ones: the `nginx` user (www-data here) and the pid and log paths.
set -euo pipefail
cd "$(dirname "$0")/.."
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
WORK=$(mktemp -d /tmp/ocpizza-nginx-check.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/spa"
for key in "" pk_test_check; do
    (
        export STRIPE_PUBLISHABLE_KEY=$key
        # shellcheck source=spa-csp.sh
        . nginx/spa-csp.sh
        case "$key:$SPA_CSP" in
            :*stripe.com*) echo "nginx/check: Stripe allowed without a key" >&2; exit 1 ;;
            pk_*:*js.stripe.com*) ;;
            pk_*:*) echo "nginx/check: Stripe not allowed with a key" >&2; exit 1 ;;
        esac
        envsubst '${SPA_CSP}' <nginx/nginx.conf.template |
            sed "s/^user nginx;/user $(id -un);/; s#/var/run/nginx.pid#$WORK/nginx.pid#; s#/var/log/nginx/#$WORK/#g; s#/var/cache/nginx/#$WORK/#g" \
                >"$WORK/container.conf"
        grep -q '\${' "$WORK/container.conf" && { echo "nginx/check: a placeholder is left in nginx.conf.template" >&2; exit 1; }
        "$NGINX" -t -q -c "$WORK/container.conf" -e "$WORK/error.log"
        NGINX_PORT=127.0.0.1:1 API_SERVERS="server 127.0.0.1:2; server 127.0.0.1:3;" SPA_DIR="$WORK/spa" \
            envsubst '${NGINX_PORT} ${API_SERVERS} ${SPA_DIR} ${SPA_CSP}' <nginx/local.conf.template >"$WORK/local.conf"
        grep -q '\${' "$WORK/local.conf" && { echo "nginx/check: a placeholder is left in local.conf.template" >&2; exit 1; }
        "$NGINX" -t -q -p "$WORK" -c "$WORK/local.conf" -e "$WORK/error.log"
    )
done
echo "nginx: nginx.conf.template and local.conf.template are valid, with and without Stripe"
