/// <reference types="vitest/config" />
// Vite: the SPA build, the dev server (proxying the API) and the unit tests.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const apiTarget = process.env.VITE_API_PROXY ?? "http://127.0.0.1:8080";
const proxy = Object.fromEntries(
  ["/api", "/docs", "/healthz", "/readyz"].map((path) => [path, { target: apiTarget, changeOrigin: false }]),
);

// The checkout is switched on by the spec itself: while the orders endpoints are not in
// openapi.json the cart says "bientôt disponible" (see src/api/availability.ts).
const spec = JSON.parse(
  readFileSync(fileURLToPath(new URL("../openapi/openapi.json", import.meta.url)), "utf8"),
) as { paths: Record<string, unknown> };
const ordersApi = "/api/v1/orders" in spec.paths && "/api/v1/orders/quote" in spec.paths;

export default defineConfig({
  plugins: [react()],
  define: {
    __ORDERS_API__: JSON.stringify(ordersApi),
  },
  server: { proxy },
  preview: { proxy },
  build: {
    target: "es2022",
    // Source maps only on request (VITE_SOURCEMAP=true): the served bundle stays lean.
    sourcemap: process.env.VITE_SOURCEMAP === "true",
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    css: false,
    // The tests' requests need an absolute URL (there is no page origin under Node).
    env: { VITE_API_BASE: "http://ocpizza.test" },
  },
});
