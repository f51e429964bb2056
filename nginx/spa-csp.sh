#!/bin/sh
# Prints the Content-Security-Policy nginx sends with the SPA. Stripe's origins (js.stripe.com
# scripts and frames, hooks.stripe.com frames for 3-D Secure, api.stripe.com calls) are allowed
# only when online payments go through Stripe, that is when STRIPE_PUBLISHABLE_KEY is set: the
# same rule as the API's own SPA fallback (api/src/startup.rs).
# Used by scripts/run.sh and scripts/e2e.sh (local nginx) and, sourced as an .envsh by the nginx
# image's entrypoint, by the `web` container (exports SPA_CSP before the templates are rendered).
spa_csp() {
    base="default-src 'self'; img-src 'self' data:; style-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    if [ -n "${STRIPE_PUBLISHABLE_KEY:-}" ]; then
        echo "$base; script-src 'self' https://js.stripe.com https://*.js.stripe.com; frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com; connect-src 'self' https://api.stripe.com"
    else
        echo "$base; script-src 'self'; frame-src 'none'; connect-src 'self'"
    fi
}
SPA_CSP=$(spa_csp)
export SPA_CSP
# Run as a script (not sourced): print it.
case "$0" in
    *spa-csp.sh) echo "$SPA_CSP" ;;
esac
