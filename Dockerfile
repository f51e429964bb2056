# syntax=docker/dockerfile:1
#
# OC Pizza images, built from the repository root.
#   docker build -t ocpizza/api .               -> the API (last stage, `api`), with the SPA inside
#   docker build -t ocpizza/web --target web .  -> nginx serving the SPA and proxying to the API
# docker-compose.yml builds both. BuildKit is required (cache mounts); it is the default builder
# of current Docker and of `docker compose`.

ARG RUST_IMAGE=rust:1-bookworm
ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------
# API binary
FROM ${RUST_IMAGE} AS builder
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Only what the binary is compiled from: the workspace, the crate and the embedded migrations.
COPY Cargo.toml Cargo.lock ./
COPY api ./api
COPY migrations ./migrations
COPY openapi ./openapi
# Dependencies are cached across builds by the cache mounts (crates download once, compiled
# dependencies are reused, only our crate is rebuilt when it changes). The target folder lives in
# the cache, so the binary is copied out in the same step.
RUN --mount=type=cache,id=ocpizza-cargo-registry,target=/usr/local/cargo/registry \
    --mount=type=cache,id=ocpizza-cargo-git,target=/usr/local/cargo/git \
    --mount=type=cache,id=ocpizza-target,target=/src/target,sharing=locked \
    cargo build --release --locked --bin ocpizza \
    && install -D -m 0755 target/release/ocpizza /out/ocpizza

# ---------------------------------------------------------------------------------------------
# Single-page application
FROM ${NODE_IMAGE} AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN --mount=type=cache,id=ocpizza-npm,target=/root/.npm \
    npm ci --no-audit --no-fund
COPY frontend ./
# The typed API client is generated from the committed spec (../openapi/openapi.json).
COPY openapi /src/openapi
RUN npm run build

# ---------------------------------------------------------------------------------------------
# nginx: serves the SPA, proxies /api, /docs and the probes to the `api` service.
FROM nginx:1.27-alpine AS web
RUN rm -f /etc/nginx/conf.d/default.conf
# The entrypoint sources 15-ocpizza-spa-csp.envsh (SPA_CSP from STRIPE_PUBLISHABLE_KEY), then renders
# the template to /etc/nginx/nginx.conf, substituting SPA_CSP only.
COPY nginx/nginx.conf.template /etc/nginx/templates/nginx.conf.template
COPY --chmod=0755 nginx/spa-csp.sh /docker-entrypoint.d/15-ocpizza-spa-csp.envsh
ENV NGINX_ENVSUBST_OUTPUT_DIR=/etc/nginx \
    NGINX_ENVSUBST_FILTER=^SPA_CSP$
COPY --from=frontend /src/frontend/dist /srv/spa
EXPOSE 80
HEALTHCHECK --interval=15s --timeout=3s --start-period=5s --retries=3 \
    CMD wget -q -O /dev/null http://127.0.0.1/nginx-healthz || exit 1

# ---------------------------------------------------------------------------------------------
# API runtime (default target). Also serves the SPA itself (STATIC_DIR) when there is no nginx.
FROM debian:bookworm-slim AS api
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 ocpizza \
    && useradd --system --uid 10001 --gid ocpizza --home-dir /nonexistent --no-create-home \
        --shell /usr/sbin/nologin ocpizza
COPY --from=builder /out/ocpizza /usr/local/bin/ocpizza
COPY --from=frontend /src/frontend/dist /srv/spa
ENV BIND_ADDR=0.0.0.0:8080 \
    STATIC_DIR=/srv/spa
# A folder without a .env, so nothing is picked up by accident: configuration comes from the
# environment (docker run -e / --env-file, compose's environment).
WORKDIR /srv
USER 10001:10001
EXPOSE 8080
# Process up; the port follows BIND_ADDR. Probes are exempt from the ADDS_ALLOWED_HOSTS check.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${BIND_ADDR##*:}/healthz" || exit 1
LABEL org.opencontainers.image.title="ocpizza" \
      org.opencontainers.image.description="OC Pizza: ordering and management system of a chain of pizzerias"
CMD ["ocpizza", "serve"]
