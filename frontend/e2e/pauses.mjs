// End-to-end test of a product paused in one shop, as customers see it, in Debian's Chromium
// through playwright-core against the real API behind nginx (two instances; run by
// ../../scripts/e2e.sh with E2E_SUITES=pauses). The manager pauses the Reine in Lyon Presqu'île
// for an hour through the API: at 1280 and 360 px that shop's menu shows it unavailable "until"
// the time, its sheet cannot add it, the other shop's menu still offers it; resumed, it is back
// after a reload. axe-core on the menu; screenshots in SCREENSHOT_DIR.
//
//   BASE_URL=http://127.0.0.1:8099 node e2e/pauses.mjs
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core");
const BASE_URL = (process.env.BASE_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const OUT = (process.env.SCREENSHOT_DIR ?? fileURLToPath(new URL("../../artifacts/screenshots/", import.meta.url))).replace(/\/$/, "");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const WIDTHS = [
  { name: "1280", viewport: { width: 1280, height: 900 } },
  { name: "360", viewport: { width: 360, height: 780 } },
];

mkdirSync(OUT, { recursive: true });

function check(condition, message) {
  if (!condition) throw new Error(`e2e menu: ${message}`);
  console.log(`  ok  ${message}`);
}

async function api(method, path, { token, body } = {}) {
  const response = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body ? { "Content-Type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`e2e menu: ${method} ${path} → ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function axe(page, what) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(bad.length === 0, `axe: no serious or critical violation on ${what} (${bad.map((v) => `${v.id} at ${v.nodes}`).join("; ") || "none"})`);
}

async function menuCard(page, shopId, name) {
  await page.goto(`${BASE_URL}/shops/${shopId}`);
  await page.locator(".menu-section").first().waitFor();
  const card = page.locator(".product-card", { hasText: name }).first();
  await card.waitFor();
  return card;
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  const shops = (await api("GET", "/api/v1/shops")).items;
  const shop = shops.find((s) => s.slug === "lyon-presquile");
  const other = shops.find((s) => s.slug !== "lyon-presquile");
  const reine = (await api("GET", "/api/v1/products?kind=pizza&limit=100")).items.find((p) => p.slug === "reine");
  const token = (await api("POST", "/api/v1/auth/login", { body: { email: "manager@ocpizza.fr", password: "manager-demo-2026" } })).access_token;
  const until = new Date(Date.now() + 60 * 60 * 1000);
  await api("PATCH", `/api/v1/shops/${shop.id}/menu/${reine.id}`, { token, body: { available: false, until: until.toISOString() } });
  check(true, `the manager pauses the Reine in ${shop.name} for an hour`);
  const shown = new Intl.DateTimeFormat("fr-FR", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Paris" }).format(until);

  for (const { name, viewport } of WIDTHS) {
    console.log(`\n== ${name} px`);
    // axe-core is injected as an inline script: the page runs without the CSP for that alone.
    const context = await browser.newContext({ viewport, locale: "fr-FR", timezoneId: "Europe/Paris", bypassCSP: true });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));

    const card = await menuCard(page, shop.id, "Reine");
    check(/product-card--unavailable/.test((await card.getAttribute("class")) ?? ""), "the Reine is shown unavailable there");
    check(await card.getByText(`Indisponible jusqu’à ${shown}`).isVisible(), `its card says until when (${shown})`);
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${OUT}/menu-paused-${name}.png` });
    await axe(page, `the menu with a paused product (${name} px)`);
    await card.getByRole("button", { name: /Détails/ }).click();
    const sheet = page.getByRole("dialog", { name: "Reine" });
    await sheet.waitFor();
    check(await sheet.locator('button[type="submit"]').isDisabled(), "its sheet cannot add it");
    await page.keyboard.press("Escape");

    const elsewhere = await menuCard(page, other.id, "Reine");
    check(!/product-card--unavailable/.test((await elsewhere.getAttribute("class")) ?? ""), `${other.name} still offers it`);
    check(errors.length === 0, `no page errors (${errors.join(" | ") || "none"})`);
    await context.close();
  }

  await api("PATCH", `/api/v1/shops/${shop.id}/menu/${reine.id}`, { token, body: { available: true } });
  const context = await browser.newContext({ viewport: WIDTHS[0].viewport, locale: "fr-FR" });
  const page = await context.newPage();
  const card = await menuCard(page, shop.id, "Reine");
  check(!/product-card--unavailable/.test((await card.getAttribute("class")) ?? ""), "resumed, the Reine is on sale again");
  await context.close();
  console.log("\ne2e menu: all passed");
} finally {
  await browser.close();
}
