// End-to-end test of a product paused in one shop, as customers see it, in Debian's Chromium
// through playwright-core against the real API behind nginx (two instances; run by
// ../../scripts/e2e.sh with E2E_SUITES=pauses). The manager pauses the Reine in Lyon Presqu'île
// for an hour through the API: at 1280 and 360 px that shop's menu shows it unavailable "until"
// the time, its sheet cannot add it, the other shop's menu still offers it; resumed, it is back
// after a reload. A customer who put a Reine in the cart before the pause is told at that line of
// the checkout, at both widths. axe-core on the menu and the checkout; screenshots in SCREENSHOT_DIR.
//
//   BASE_URL=http://127.0.0.1:8099 node e2e/pauses.mjs
import { BASE_URL, DEMO, suite } from "./harness.mjs";

const { check, api, login, axe, shot, newPage, uiLogin, launch, finish } = suite("pauses");
const WIDTHS = [
  { name: "1280", viewport: { width: 1280, height: 900 } },
  { name: "360", viewport: { width: 360, height: 780 } },
];

async function menuCard(page, shopId, name) {
  await page.goto(`${BASE_URL}/shops/${shopId}`);
  await page.locator(".menu-section").first().waitFor();
  const card = page.locator(".product-card", { hasText: name }).first();
  await card.waitFor();
  return card;
}

const browser = await launch();
let failure = null;
try {
  const shops = (await api("GET", "/api/v1/shops")).items;
  const shop = shops.find((s) => s.slug === "lyon-presquile");
  const other = shops.find((s) => s.slug !== "lyon-presquile");
  const reine = (await api("GET", "/api/v1/products?kind=pizza&limit=100")).items.find((p) => p.slug === "reine");
  const token = await login(...DEMO.manager);
  // Before the pause, a customer puts a Reine in the cart (one browser per width).
  const carts = [];
  for (const { name, viewport } of WIDTHS) {
    const page = await newPage(browser, viewport, `cart ${name}`, { expected: (status, url) => status === 409 && url.includes("/api/v1/orders/quote") });
    await uiLogin(page, ...DEMO.client);
    const card = await menuCard(page, shop.id, "Reine");
    await card.getByRole("button", { name: /Reine$/ }).click();
    const sheet = page.getByRole("dialog", { name: "Reine" });
    await sheet.getByRole("button", { name: /^Ajouter/ }).click();
    await sheet.waitFor({ state: "detached" });
    carts.push({ name, page });
  }
  const until = new Date(Date.now() + 60 * 60 * 1000);
  await api("PATCH", `/api/v1/shops/${shop.id}/menu/${reine.id}`, { token, body: { available: false, until: until.toISOString() } });
  check(true, `the manager pauses the Reine in ${shop.name} for an hour`);
  const shown = new Intl.DateTimeFormat("fr-FR", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Paris" }).format(until);

  for (const { name, viewport } of WIDTHS) {
    console.log(`\n== ${name} px`);
    const page = await newPage(browser, viewport, `customer ${name}`);

    const card = await menuCard(page, shop.id, "Reine");
    check(/product-card--unavailable/.test((await card.getAttribute("class")) ?? ""), "the Reine is shown unavailable there");
    check(await card.getByText(`Indisponible jusqu’à ${shown}`).isVisible(), `its card says until when (${shown})`);
    await card.scrollIntoViewIfNeeded();
    await shot(page, `menu-paused-${name}`, { fullPage: false });
    await axe(page, `the menu with a paused product (${name} px)`);
    await card.getByRole("button", { name: /Détails/ }).click();
    const sheet = page.getByRole("dialog", { name: "Reine" });
    await sheet.waitFor();
    check(await sheet.locator('button[type="submit"]').isDisabled(), "its sheet cannot add it");
    await page.keyboard.press("Escape");

    const elsewhere = await menuCard(page, other.id, "Reine");
    check(!/product-card--unavailable/.test((await elsewhere.getAttribute("class")) ?? ""), `${other.name} still offers it`);
    await page.context().close();
  }

  for (const { name, page } of carts) {
    await page.goto(`${BASE_URL}/checkout`);
    await page.getByRole("heading", { name: "Commander", level: 1 }).waitFor();
    await page.getByRole("radio", { name: /^À emporter/ }).check();
    await page.getByText(/Ce produit n'est pas proposé par cette pizzeria pour le moment/).first().waitFor();
    check(true, `${name} px: the checkout names the paused Reine at its line`);
    check((await page.getByText("Prix non calculé").count()) === 0, `${name} px: no failure panel for it`);
    check((await page.getByText(/Stock insuffisant/).count()) === 0, `${name} px: it is not called a stock shortage`);
    check(await page.getByRole("button", { name: /^Commander/ }).isDisabled(), `${name} px: nothing can be ordered until it leaves the cart`);
    await axe(page, `checkout with a paused line (${name} px)`);
    await shot(page, `checkout-paused-${name}`);
  }

  await api("PATCH", `/api/v1/shops/${shop.id}/menu/${reine.id}`, { token, body: { available: true } });
  const page = await newPage(browser, WIDTHS[0].viewport, "customer after the pause");
  const card = await menuCard(page, shop.id, "Reine");
  check(!/product-card--unavailable/.test((await card.getAttribute("class")) ?? ""), "resumed, the Reine is on sale again");
} catch (error) {
  failure = error;
}
await finish(browser, failure);
