// Performance budgets, run by ../../scripts/e2e.sh (BASE_URL = the SPA through nginx):
//   1. initial JavaScript (the scripts dist/index.html references, and their modulepreloads; the staff chunks are not among them)
//      under 150 KB gzipped;
//   2. the menu page's first contentful paint under 1 s in headless chromium on loopback, measured
//      by the Performance API on a fresh (cold cache) load; the best of 3 loads, to keep a busy
//      machine's scheduling noise out;
//   3. the kitchen screen's first render (a logged-in pizzaiolo opening /staff/kitchen: the staff
//      chunks loaded and the queue drawn) under 1 s, the same way.
// Prints the figures; exits non-zero above budget.
//
//   BASE_URL=http://127.0.0.1:8099 node scripts/budgets.mjs
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const JS_BUDGET_KB = 150;
const FCP_BUDGET_MS = 1000;
const DIST = fileURLToPath(new URL("../dist/", import.meta.url));
const BASE_URL = (process.env.BASE_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
let failed = false;

// 1. Initial JS.
const html = readFileSync(`${DIST}index.html`, "utf8");
const scripts = [
  ...html.matchAll(/<script[^>]*\ssrc="([^"]+\.js)"/g),
  ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g),
].map((m) => m[1]);
let gzipped = 0;
for (const src of new Set(scripts)) {
  const bytes = readFileSync(`${DIST}${src.replace(/^\//, "")}`);
  const size = gzipSync(bytes, { level: 9 }).length;
  gzipped += size;
  console.log(`  ${src}: ${(bytes.length / 1024).toFixed(1)} KB, ${(size / 1024).toFixed(1)} KB gzipped`);
}
const kb = gzipped / 1024;
console.log(`budget: initial JS ${kb.toFixed(1)} KB gzipped (budget ${JS_BUDGET_KB} KB)`);
if (scripts.length === 0 || kb > JS_BUDGET_KB) failed = true;

// 2. Menu FCP.
const shops = await (await fetch(`${BASE_URL}/api/v1/shops`)).json();
const shop = shops.items[0];
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
});
const samples = [];
try {
  for (let i = 0; i < 3; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "fr-FR" });
    const page = await context.newPage();
    await page.goto(`${BASE_URL}/shops/${shop.id}`);
    await page.locator(".menu-section").first().waitFor();
    const fcp = await page.evaluate(
      () => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN,
    );
    const menuReady = await page.evaluate(() => performance.now());
    samples.push(fcp);
    console.log(`  load ${i + 1}: first contentful paint ${fcp.toFixed(0)} ms (menu rendered by ${menuReady.toFixed(0)} ms)`);
    await context.close();
  }
} finally {
  await browser.close();
}
const best = Math.min(...samples);
console.log(`budget: menu first contentful paint ${best.toFixed(0)} ms, best of ${samples.length} (budget ${FCP_BUDGET_MS} ms)`);
if (!(best <= FCP_BUDGET_MS)) failed = true;

// 3. Kitchen first render, for the demo pizzaiolo (the session put in storage, as after a login).
const pair = await (
  await fetch(`${BASE_URL}/api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: "pizzaiolo@ocpizza.fr", password: "pizzaiolo-demo-2026" }),
  })
).json();
const kitchenSamples = [];
const browser2 = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
});
try {
  for (let i = 0; i < 3; i++) {
    const context = await browser2.newContext({ viewport: { width: 1024, height: 768 }, locale: "fr-FR" });
    await context.addInitScript(([access, refresh]) => {
      localStorage.setItem("ocpizza.access_token", access);
      localStorage.setItem("ocpizza.refresh_token", refresh);
    }, [pair.access_token, pair.refresh_token]);
    const page = await context.newPage();
    await page.goto(`${BASE_URL}/staff/kitchen`);
    await page.locator(".kitchen__tickets, .kitchen__empty:not(:empty)").first().waitFor();
    await page.waitForFunction(() => !document.querySelector(".kitchen__empty")?.textContent?.includes("…"));
    const rendered = await page.evaluate(() => performance.now());
    kitchenSamples.push(rendered);
    console.log(`  kitchen load ${i + 1}: queue drawn by ${rendered.toFixed(0)} ms`);
    await context.close();
  }
} finally {
  await browser2.close();
}
const kitchenBest = Math.min(...kitchenSamples);
console.log(`budget: kitchen screen first render ${kitchenBest.toFixed(0)} ms, best of ${kitchenSamples.length} (budget ${FCP_BUDGET_MS} ms)`);
if (!(kitchenBest <= FCP_BUDGET_MS)) failed = true;

if (failed) {
  console.error("budgets: over budget");
  process.exit(1);
}
console.log("budgets: within budget");
