#!/bin/sh
# OC Pizza release tasks: what every deployment runs once, before the API instances start.
#   1. migrate the schema (ocpizza migrate);
#   2. refresh the reference data (ocpizza seed: shops, catalog, recipes; demo users outside
#      production) — see RELEASE_SEED below;
#   3. check the configuration (production: ocpizza check --deploy).
# Used by the compose `migrate` service and by deploy/ocpizza-release.service (systemd, before
# ocpizza.service), so both deployment paths run the same steps. POSIX sh: the API image has no
# bash. Settings come from the environment or the .env of the working directory, as for the API.
#
#   RELEASE_SEED   auto (default): seed in development only; true: always; false: never.
#                  `ocpizza seed` is idempotent (a second run changes nothing), but it is the
#                  reference: it puts back the seed's opening hours, prices, fees and minimums of
#                  the seeded shops and products, over what managers changed through the API. So
#                  in production it runs only when asked (the first release: RELEASE_SEED=true).
#                  SEED_DEMO_DATA (the older name) is read when RELEASE_SEED is unset.
#   RELEASE_STRICT true: the problems `check --deploy` finds stop the release (default: warned).
#   OCPIZZA_BIN    the binary (default: ocpizza on the PATH).
set -eu

bin=${OCPIZZA_BIN:-ocpizza}
seed=${RELEASE_SEED:-${SEED_DEMO_DATA:-auto}}
strict=${RELEASE_STRICT:-false}

say() { printf 'release: %s\n' "$*"; }

# The environment as the binary sees it (APP_ENV from the environment or .env).
env_line=$("$bin" check)
case "$env_line" in
    *"(production environment)"*) production=true ;;
    *) production=false ;;
esac

if [ "$production" = true ] && [ -z "${SECRET_KEY:-}" ] && ! grep -q '^SECRET_KEY=..*' .env 2>/dev/null; then
    echo "release: SECRET_KEY is not set: set it (.env) before releasing with APP_ENV=production" >&2
    exit 1
fi

say "migrate"
"$bin" migrate

case "$seed:$production" in
    true:* | auto:false)
        say "seed (reference data)"
        "$bin" seed
        ;;
    auto:true)
        say "seed skipped in production (RELEASE_SEED=true to refresh the reference data)"
        ;;
    false:*)
        say "seed skipped (RELEASE_SEED=false)"
        ;;
    *)
        echo "release: RELEASE_SEED is '$seed': auto, true or false" >&2
        exit 1
        ;;
esac

if [ "$production" = true ]; then
    say "check --deploy"
    if ! "$bin" check --deploy; then
        if [ "$strict" = true ]; then
            echo "release: stopped (RELEASE_STRICT=true): fix the problems above" >&2
            exit 1
        fi
        echo "release: warning: ocpizza check --deploy found the problems above" >&2
    fi
else
    say "check: $env_line"
fi
say "done"
