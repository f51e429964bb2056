// Browser test of the statistics dashboard (/staff/reports) on its own: the customer places two
// orders through the API (a delivery paid in cash with an extra and a removal, a pickup paid by
// card), the manager logs in and opens the statistics, the breakdowns (delivery or pickup, payment
// methods, refunds, sizes, extras added, ingredients removed) show those orders' figures in their
// tables; axe-core (no serious or critical violation) and screenshots at 360, 768 and 1280 px with
// no horizontal scrolling.
//
//   BASE_URL=http://127.0.0.1:8502 node e2e/reports.mjs
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = require.resolve("axe-core");
const BASE_URL = (process.env.BASE_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const OUT = (process.env.SCREENSHOT_DIR ?? fileURLToPath(new URL("../../artifacts/screenshots/", import.meta.url))).replace(/\/$/, "");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
mkdirSync(OUT, { recursive: true });

function check(condition, message) {
  if (!condition) throw new Error(`e2e reports: ${message}`);
  console.log(`  ok  ${message}`);
}

async function api(method, path, { token, body } = {}) {
  const response = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body ? { "Content-Type": "application/json", "Idempotency-Key": `${Date.now()}-${Math.random()}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`e2e reports: ${method} ${path} → ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const login = async (email, password) => (await api("POST", "/api/v1/auth/login", { body: { email, password } })).access_token;

const axeFindings = [];
async function axe(page, what) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of violations) console.log(`  ${bad.includes(v) ? "!!" : "--"}  axe ${what}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.join(", ")}`);
  if (bad.length) axeFindings.push(...bad.map((v) => `${what}: ${v.impact} ${v.id} at ${v.nodes.join(", ")}`));
  else console.log(`  ok  axe: no serious or critical violation on ${what}`);
}

const shops = await api("GET", "/api/v1/shops?limit=100");
const shop = shops.items.find((s) => s.slug === "lyon-presquile");
const menu = await api("GET", `/api/v1/shops/${shop.id}/menu`);
const products = menu.categories.flatMap((c) => c.products);
const margherita = products.find((p) => p.name === "Margherita");
const ingredients = (await api("GET", "/api/v1/ingredients")).items;
const id = (slug) => ingredients.find((i) => i.slug === slug).id;
const customer = await login("client@ocpizza.fr", "client-demo-2026");
await api("POST", "/api/v1/orders", {
  token: customer,
  body: {
    shop_id: shop.id, fulfilment: "delivery", payment_method: "cash",
    delivery_address: { line1: "3 rue Mercière", postal_code: "69002", city: "Lyon" },
    items: [{ product_id: margherita.id, size: "large", quantity: 2, add_ingredient_ids: [id("champignons")], remove_ingredient_ids: [id("basilic")] }],
  },
});
await api("POST", "/api/v1/orders", {
  token: customer,
  body: { shop_id: shop.id, fulfilment: "pickup", payment_method: "card_on_delivery", items: [{ product_id: margherita.id, size: "medium", quantity: 2 }] },
});
check(true, "the customer placed a delivery (2 large Margherita, mushrooms added, basil removed) and a pickup (2 medium)");

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const problems = [];
try {
  for (const width of [1280, 768, 360]) {
    console.log(`\n== the manager's statistics at ${width} px`);
    const context = await browser.newContext({ viewport: { width, height: 900 }, locale: "fr-FR", timezoneId: "Europe/Paris", bypassCSP: true, hasTouch: width < 1100 });
    const page = await context.newPage();
    page.on("pageerror", (error) => problems.push(`${width}: page error: ${error.message}`));
    page.on("response", (response) => response.status() >= 400 && problems.push(`${width}: HTTP ${response.status()} ${response.url()}`));
    await page.goto(`${BASE_URL}/login`);
    await page.getByLabel("Adresse e-mail").fill("manager@ocpizza.fr");
    await page.getByLabel("Mot de passe").fill("manager-demo-2026");
    await page.getByRole("button", { name: "Se connecter" }).click();
    await page.waitForURL((url) => !url.pathname.endsWith("/login"));
    await page.goto(`${BASE_URL}/staff/reports`);
    const table = (name) => page.getByRole("table", { name });
    await table("Commandes et chiffre d'affaires en livraison et à emporter").waitFor({ timeout: 20000 });
    const text = async (name) => (await table(name).textContent()).replace(/\s+/g, " ");
    const byFulfilment = await text("Commandes et chiffre d'affaires en livraison et à emporter");
    check(/Livraison/.test(byFulfilment) && /À emporter/.test(byFulfilment), `delivery and pickup each have their row (${byFulfilment.slice(0, 80)}…)`);
    const byPayment = await text("Commandes et chiffre d'affaires par moyen de paiement");
    check(/Espèces/.test(byPayment) && /Carte sur place/.test(byPayment), "cash and card in person each have their row");
    check(/CA moins remboursements/.test(await text(/remboursements faits sur la période/)), "the refunds table says revenue, refunded and what remains");
    await table(/tailles de produits les plus vendues/).waitFor({ timeout: 20000 });
    check(/Margherita ?Grande/.test(await text(/tailles de produits les plus vendues/)), "the sizes table has the large Margherita");
    check(/Champignons de Paris/.test(await text(/ingrédients les plus ajoutés/)), "the extras table has the mushrooms");
    check(/Basilic/i.test(await text(/ingrédients les plus retirés/)), "the removals table has the basil");
    await page.locator("caption", { hasText: "Ingrédients" }).first().waitFor({ timeout: 20000 });
    await axe(page, `reports (${width} px)`);
    await page.screenshot({ path: `${OUT}/staff-reports-breakdowns-${width}.png`, fullPage: true });
    console.log(`  📸 ${OUT}/staff-reports-breakdowns-${width}.png`);
    for (const section of ["sales", "products"]) {
      await page.locator(`.reports__section--${section}`).screenshot({ path: `${OUT}/staff-reports-${section}-${width}.png` });
      console.log(`  📸 ${OUT}/staff-reports-${section}-${width}.png`);
    }
    const { overflow, widest } = await page.evaluate(() => {
      const limit = document.documentElement.clientWidth;
      const scrolls = (e) => e.closest(".reports__scroll") !== null;
      const wide = [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > limit + 1 && !scrolls(e));
      const name = (e) => `${e.tagName.toLowerCase()}${e.className && typeof e.className === "string" ? `.${e.className.split(" ").join(".")}` : ""}`;
      return { overflow: document.documentElement.scrollWidth - limit, widest: wide.slice(0, 5).map(name) };
    });
    check(overflow <= 0, `no horizontal scrolling at ${width} px (overflow ${overflow}px${widest.length ? `: ${widest.join(", ")}` : ""})`);
    await context.close();
  }
} finally {
  await browser.close();
}
check(problems.length === 0, `no page error or failed request${problems.length ? `: ${problems.join("; ")}` : ""}`);
check(axeFindings.length === 0, `axe: no serious or critical violation${axeFindings.length ? `: ${axeFindings.join("; ")}` : ""}`);
