// End-to-end tests of the built SPA in Debian's Chromium through playwright-core, against the real
// API and PostgreSQL, normally through nginx (run by ../../scripts/e2e.sh, which sets everything up).
// At 1280 and 360 px: a new customer registers, picks the Lyon Presqu'île shop, adds a customised
// pizza, checks out with delivery and online payment (offline test provider) and watches the live
// tracking page go from "Reçue" to "Livrée" while staff move the order through the API; then places
// a second order, changes it (a second pizza and a dessert) and cancels it before preparation. Once: the manager empties an ingredient's stock
// and the products using it cannot be added. Then, against a second API and nginx configured with
// Stripe keys (STRIPE_BASE_URL) and the fake Stripe (FAKE_STRIPE_URL, e2e/fake-stripe.mjs): the
// CSP allows Stripe there only, and a customer pays in the Payment Element (a declined card, then
// a good one settled by Stripe's signed webhook). axe-core checks the main pages (no serious or
// critical violation). Any failed check exits non-zero.
//
//   BASE_URL=http://127.0.0.1:8099 node e2e/e2e.mjs
//
// Screenshots go to SCREENSHOT_DIR (default ../artifacts/screenshots). It places real orders and
// changes stock in that database: use a throwaway one (scripts/e2e.sh does).
import { chromium } from "playwright-core";
import { BASE_URL, CHROMIUM, DEMO, OUT, suite } from "./harness.mjs";

const { check, api, axe, axeFindings, noHorizontalScroll } = suite("customer");
// The same system behind an API and nginx configured with Stripe keys, and the fake Stripe they use.
const STRIPE_BASE_URL = process.env.STRIPE_BASE_URL?.replace(/\/$/, "");
const FAKE_STRIPE_URL = process.env.FAKE_STRIPE_URL?.replace(/\/$/, "");
const SHOP_SLUG = "lyon-presquile"; // where the demo staff work
const STAFF = DEMO;
const NO_SUCH_SHOP = "00000000-0000-0000-0000-000000000000";
const WIDTHS = [
  { name: "1280", viewport: { width: 1280, height: 900 } },
  { name: "360", viewport: { width: 360, height: 780 } },
];
const RUN = Date.now().toString(36);

// --- The API, as staff would use it (a second session, outside the browser) ---------------------

const tokens = {};
async function staffToken(who) {
  if (!tokens[who]) {
    const [email, password] = STAFF[who];
    tokens[who] = (await api("POST", "/api/v1/auth/login", { body: { email, password } })).access_token;
  }
  return tokens[who];
}

async function transition(who, orderId, to) {
  await api("POST", `/api/v1/orders/${orderId}/transitions`, { token: await staffToken(who), body: { to } });
}

// --- The browser (axe-core, the checks and the API come from harness.mjs) --------------------------

let lastPage = null; // screenshotted as failure.png when a check fails

async function shot(page, name) {
  const path = `${OUT}/${name}.png`;
  const dialog = (await page.getByRole("dialog").count()) > 0;
  if (dialog) {
    // A modal is seen in the viewport, from the top of its content.
    await page.evaluate(() => document.querySelector("dialog .dialog__body")?.scrollTo(0, 0));
  } else {
    // From the top, so the sticky header is drawn where it belongs in a full-page capture.
    await page.evaluate(() => window.scrollTo(0, 0));
  }
  await page.screenshot({ path, fullPage: !dialog });
  console.log(`  📸 ${path}`);
}

// `bypassCSP` (by default) lets a scenario run without the SPA's CSP (the CSP scenario turns it off); `allowed`
// names the failed responses a scenario causes on purpose.
async function newPage(browser, viewport, { bypassCSP = true, allowed = () => false } = {}) {
  const context = await browser.newContext({ viewport, locale: "fr-FR", timezoneId: "Europe/Paris", bypassCSP });
  const page = await context.newPage();
  lastPage = page;
  const problems = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    // Failed requests are judged by the response listener below.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource"))
      problems.push(`console: ${message.text()}`);
  });
  page.on("response", (response) => {
    const status = response.status();
    const url = response.url();
    const expected =
      status === 0 || // the simulated network failure
      (status === 401 && url.endsWith("/api/v1/auth/login")) || // the wrong password, on purpose
      (status === 404 && url.includes(NO_SUCH_SHOP)) || // the unknown shop, on purpose
      allowed(status, url);
    if (status >= 400 && !expected) problems.push(`HTTP ${status} ${url}`);
  });
  return { context, page, problems };
}

async function openShop(page, shop) {
  await page.goto(`${BASE_URL}/shops/${shop.id}`);
  await page.locator(".menu-section").first().waitFor();
}

async function customer(page, name) {
  // Checkout needs an account: the login page (a wrong password first), then "Créer un compte".
  await page.getByRole("link", { name: "Commander", exact: true }).click();
  await page.getByRole("heading", { name: "Connexion" }).waitFor();
  await page.getByLabel("Adresse e-mail").fill(`e2e-${RUN}-${name}@example.com`);
  await page.getByLabel("Mot de passe").fill("wrong-password-1");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByText("Adresse e-mail ou mot de passe incorrect.").waitFor();
  check(true, "a wrong password is explained");
  await shot(page, `login-${name}`);
  await axe(page, `login (${name} px)`);

  await page.getByRole("link", { name: "Créer un compte" }).first().click();
  await page.getByRole("heading", { name: "Créer un compte", level: 1 }).waitFor();
  await page.getByLabel("Nom complet").fill(`Client E2E ${name}`);
  await page.getByLabel("Adresse e-mail").fill(`e2e-${RUN}-${name}@example.com`);
  await page.getByLabel("Mot de passe").fill("e2e-password-2026");
  await shot(page, `register-${name}`);
  await page.getByRole("button", { name: "Créer mon compte" }).click();
  await page.waitForURL((url) => !url.pathname.endsWith("/register"));
  if (!page.url().endsWith("/checkout")) await page.goto(`${BASE_URL}/checkout`);
  await page.getByRole("heading", { name: "Commander", level: 1 }).waitFor();
  check(true, "a new customer registers and reaches the checkout");
}

async function placeOrder(page) {
  const place = page.getByRole("button", { name: /^Commander (et payer )?· / });
  await place.waitFor();
  await page.getByText("pour vérifier qu'elle est dans la zone de livraison").waitFor({ state: "detached" });
  check(
    (await page.getByText("La pizzeria est fermée en ce moment").count()) === 0,
    "the shop is open (the e2e database opens every shop all week)",
  );
  return place;
}

async function run(browser, shop, { name, viewport }) {
  console.log(`\n== ${name} px`);
  const { context, page, problems } = await newPage(browser, viewport);

  // Home: the shops.
  await page.goto(`${BASE_URL}/`);
  await page.getByRole("heading", { level: 1 }).waitFor();
  await page.locator(".shop-card").first().waitFor();
  check((await page.getAttribute("html", "lang")) === "fr", "the page is in French by default (lang=fr)");
  const shops = await page.locator(".shop-card").count();
  check(shops >= 1, `home lists the shops (${shops})`);
  await noHorizontalScroll(page, "home");
  await shot(page, `home-${name}`);
  await axe(page, `home (${name} px)`);

  // A network failure is explained, and "Réessayer" recovers once the network is back.
  if (name === "1280") {
    await page.route("**/api/v1/shops**", (route) => route.abort("connectionrefused"));
    await page.reload();
    await page.getByRole("heading", { name: "Connexion impossible" }).waitFor();
    await shot(page, `network-error-${name}`);
    await page.unroute("**/api/v1/shops**");
    await page.getByRole("button", { name: "Réessayer" }).click();
    await page.locator(".shop-card").first().waitFor();
    check(true, "a network failure shows an explanation with a working retry button");
  }

  // Postal code filter, then the shop that delivers to 69002.
  await page.getByLabel("Pizzerias qui livrent à mon code postal").fill("69002");
  await page.getByRole("button", { name: "Rechercher" }).click();
  await page.getByRole("heading", { name: /livrent au 69002/ }).waitFor();
  await page.locator("main .loading").waitFor({ state: "detached" });
  const delivering = await page.locator(".shop-card").count();
  check(delivering >= 1 && delivering < shops, `postal code filter keeps ${delivering} shop(s)`);
  await page.locator(".shop-card", { hasText: shop.name }).getByRole("link").first().click();
  await page.locator(".menu-section").first().waitFor();
  check(page.url().includes(shop.id), `the customer picks ${shop.name}`);
  const sections = await page.locator(".menu-section").count();
  check(sections >= 2, `menu shows its categories (${sections})`);
  await noHorizontalScroll(page, "menu");
  await shot(page, `menu-${name}`);
  await page.screenshot({ path: `${OUT}/menu-top-${name}.png` });
  await axe(page, `menu (${name} px)`);

  // Accent-insensitive search.
  await page.getByLabel("Rechercher sur la carte").fill("chevre");
  await page.getByRole("heading", { name: "Chèvre miel" }).waitFor();
  check(
    (await page.locator(".product-card").count()) < 10,
    "searching 'chevre' narrows the menu to the goat cheese pizzas",
  );
  await page.getByRole("button", { name: "Effacer la recherche et les filtres" }).first().click();

  // Product sheet: size, a removed ingredient, an extra, quantity 2.
  await page.locator(".product-card", { hasText: "Reine" }).getByRole("button").click();
  const dialog = page.getByRole("dialog", { name: "Reine" });
  await dialog.waitFor();
  await dialog.getByLabel(/Grande/).check();
  await dialog.getByLabel("Champignons de Paris", { exact: true }).uncheck();
  await dialog.locator(".check", { hasText: "Olives noires" }).locator("input").check();
  await dialog.getByRole("button", { name: "Augmenter la quantité" }).click();
  await shot(page, `product-${name}`);
  await axe(page, `product sheet (${name} px)`);
  const addLabel = await dialog.getByRole("button", { name: /^Ajouter/ }).textContent();
  check(/34,00/.test(addLabel ?? ""), `sheet prices 2 × (Grande 16,00 € + olives 1,00 €) = ${addLabel}`);
  await dialog.getByRole("button", { name: /^Ajouter/ }).click();
  await dialog.waitFor({ state: "detached" });

  // Escape closes a sheet.
  await page.locator(".product-card", { hasText: "Tiramisu" }).getByRole("button").click();
  await page.getByRole("dialog", { name: "Tiramisu" }).waitFor();
  await page.keyboard.press("Escape");
  await page.getByRole("dialog").waitFor({ state: "detached" });
  check(true, "Escape closes the product sheet");

  // Cart.
  await page.locator(".cart-bar a").click();
  await page.getByRole("heading", { name: "Votre panier" }).waitFor();
  await page.locator(".cart-line").first().waitFor();
  check(await page.getByText("Sans : Champignons de Paris").isVisible(), "cart line shows the removed ingredient");
  check(await page.getByText(/Sous-total estimé/).isVisible(), "subtotal is labelled as an estimate");
  await noHorizontalScroll(page, "cart");
  await shot(page, `cart-${name}`);
  await axe(page, `cart (${name} px)`);
  await page.reload();
  await page.locator(".cart-line").first().waitFor();
  check(true, "cart persists across a reload");

  await customer(page, name);

  // Checkout: delivery to a new address, paid online (offline test provider).
  await page.getByRole("radio", { name: /^Livraison/ }).check();
  const other = page.getByLabel("Une autre adresse");
  if (await other.count()) await other.check();
  await page.getByLabel("Adresse", { exact: true }).fill("3 place Bellecour");
  await page.getByLabel("Code postal").fill("69002");
  await page.getByLabel("Ville").fill("Lyon");
  await page.getByRole("radio", { name: /Paiement en ligne/ }).check();
  const place = await placeOrder(page);
  const placeLabel = await place.textContent();
  check(/34,00|37,00/.test(placeLabel ?? ""), `the server's quote gives the total with delivery (${placeLabel})`);
  await noHorizontalScroll(page, "checkout");
  await shot(page, `checkout-${name}`);
  await axe(page, `checkout (${name} px)`);
  await place.click();
  await page.getByRole("heading", { name: /^Commande n° \d+/ }).waitFor();
  await page.getByText("En direct", { exact: true }).waitFor();
  const orderId = page.url().match(/\/orders\/([^/?#]+)/)?.[1];
  check(Boolean(orderId), `the order is placed and followed live (${orderId})`);
  await page.getByRole("button", { name: /^Payer / }).click();
  await page.getByRole("button", { name: "Payer avec la carte de test" }).waitFor();
  await shot(page, `payment-${name}`);
  await page.getByRole("button", { name: "Payer avec la carte de test" }).click();
  const current = page.locator(".steps__current");
  await current.filter({ hasText: "Reçue" }).waitFor();
  check(true, "the online payment (offline test provider) moves the order to 'Reçue'");
  await shot(page, `order-placed-${name}`);
  await axe(page, `order tracking (${name} px)`);

  // Staff move the order through the API; the page follows by server-sent events, no reload.
  const steps = [
    ["pizzaiolo", "preparing", "En préparation"],
    ["pizzaiolo", "ready", "Prête"],
    ["livreur", "out_for_delivery", "En livraison"],
    ["livreur", "delivered", "Livrée"],
  ];
  for (const [who, to, label] of steps) {
    await transition(who, orderId, to);
    await current.filter({ hasText: label }).waitFor({ timeout: 15000 });
    check(true, `${who} → ${to}: the tracking page shows '${label}' live`);
  }
  check((await page.locator(".notice--ok").count()) === 0, "the thank-you banner no longer shows once delivered");
  await noHorizontalScroll(page, "order tracking");
  await shot(page, `order-delivered-${name}`);

  // A second order, cancelled by the customer before preparation (pickup, cash).
  await openShop(page, shop);
  await page.locator(".product-card", { hasText: "Reine" }).getByRole("button").click();
  const reine = page.getByRole("dialog", { name: "Reine" });
  await reine.getByLabel(/Grande/).check();
  await reine.getByRole("button", { name: /^Ajouter/ }).click();
  await reine.waitFor({ state: "detached" });
  await page.locator(".cart-bar a").click();
  await page.getByRole("link", { name: "Commander", exact: true }).click();
  await page.getByRole("heading", { name: "Commander", level: 1 }).waitFor();
  await page.getByRole("radio", { name: /^À emporter/ }).check();
  await page.getByLabel("Espèces", { exact: false }).first().check();
  await (await placeOrder(page)).click();
  await page.getByRole("heading", { name: /^Commande n° \d+/ }).waitFor();
  await current.filter({ hasText: "Reçue" }).waitFor();

  // Changed before preparation: a second Reine and a tiramisu, re-priced by the server.
  await page.getByRole("link", { name: "Modifier la commande" }).click();
  await page.getByRole("heading", { name: /^Modifier la commande n° \d+/ }).waitFor();
  const newTotal = page.locator(".totals__total dd");
  await newTotal.filter({ hasText: "16,00" }).waitFor();
  await page.getByRole("button", { name: "Augmenter la quantité" }).first().click();
  await page.getByLabel("Rechercher sur la carte").fill("tiramisu");
  await page.locator(".pick-list__item", { hasText: "Tiramisu" }).click();
  const tiramisu = page.getByRole("dialog", { name: "Tiramisu" });
  await tiramisu.getByRole("button", { name: /^Ajouter/ }).click();
  await tiramisu.waitFor({ state: "detached" });
  await newTotal.filter({ hasText: "36,50" }).waitFor();
  check(true, "the edit page re-prices 2 × Reine Grande + 1 tiramisu at 36,50 € (server quote)");
  await noHorizontalScroll(page, "order change");
  await shot(page, `order-edit-${name}`);
  await axe(page, `order change (${name} px)`);
  await page.getByRole("button", { name: "Enregistrer les modifications" }).click();
  await page.getByRole("heading", { name: /^Commande n° \d+/ }).waitFor();
  await page.locator(".totals__total", { hasText: "36,50" }).waitFor();
  check(
    (await page.locator(".quote-lines").getByText("2 × Reine").count()) === 1 &&
      (await page.locator(".quote-lines").getByText("1 × Tiramisu").count()) === 1,
    "the changed order shows 2 × Reine and 1 × Tiramisu, total 36,50 €",
  );
  const changed = await api("GET", `/api/v1/orders/${page.url().match(/\/orders\/([^/?#]+)/)?.[1]}`, {
    token: await staffToken("manager"),
  });
  check(changed.total_cents === 3650 && changed.lines.length === 2, "the API agrees (total 3650, 2 lines)");

  await page.getByRole("button", { name: "Annuler la commande" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Oui, annuler" }).click();
  await page.locator(".notice", { hasText: "Annulée" }).waitFor();
  check(true, "the customer cancels an order before preparation");
  check((await page.locator(".notice--ok").count()) === 0, "the thank-you banner no longer shows on a cancelled order");
  await shot(page, `order-cancelled-${name}`);
  await page.goto(`${BASE_URL}/orders`);
  await page.locator(".order-item").first().waitFor();
  check((await page.locator(".order-item").count()) === 2, "my orders lists both orders");
  await shot(page, `orders-${name}`);
  await axe(page, `my orders (${name} px)`);

  // Account.
  await page.goto(`${BASE_URL}/account`);
  await page.getByRole("heading", { name: "Mon compte", exact: true }).waitFor();
  await page.getByRole("heading", { name: "Mes adresses de livraison" }).waitFor();
  await page.locator(".card .loading").waitFor({ state: "detached" });
  await noHorizontalScroll(page, "account");
  await shot(page, `account-${name}`);
  await axe(page, `account (${name} px)`);

  // English, remembered.
  await page.getByRole("button", { name: "English" }).click();
  await page.getByRole("heading", { name: "My account", exact: true }).waitFor();
  await page.reload();
  await page.getByRole("heading", { name: "My account", exact: true }).waitFor();
  check((await page.getAttribute("html", "lang")) === "en", "English is remembered and sets lang=en");
  await page.goto(`${BASE_URL}/shops/${NO_SUCH_SHOP}`);
  await page.getByRole("heading", { name: "Pizzeria not found" }).waitFor();
  await page.goto(`${BASE_URL}/no-such-page`);
  await page.getByRole("heading", { name: "Page not found" }).waitFor();
  await shot(page, `not-found-en-${name}`);
  await page.getByRole("button", { name: "Français" }).click();

  // Logout.
  await page.goto(`${BASE_URL}/account`);
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await page.getByRole("link", { name: "Connexion" }).waitFor();
  check(true, "logout returns to an anonymous header");

  check(problems.length === 0, `no page errors, console errors or failed requests (${problems.join(" | ") || "none"})`);
  await context.close();
}

async function outOfStock(browser, shop) {
  console.log("\n== out of stock");
  const token = await staffToken("manager");
  const stock = await api("GET", `/api/v1/shops/${shop.id}/stock`, { token });
  const chevre = stock.items.find((line) => line.name.startsWith("Fromage de chèvre"));
  check(Boolean(chevre) && chevre.quantity > 0, `the shop has goat cheese in stock (${chevre?.quantity} ${chevre?.unit})`);
  await api("POST", `/api/v1/shops/${shop.id}/stock/movements`, {
    token,
    body: { ingredient_id: chevre.ingredient_id, delta: -chevre.quantity, reason: "waste" },
  });
  check(true, "the manager writes the goat cheese off (stock 0)");

  const { context, page, problems } = await newPage(browser, WIDTHS[0].viewport);
  await openShop(page, shop);
  const card = page.locator(".product-card", { hasText: "Chèvre miel" });
  await card.waitFor();
  check(/product-card--unavailable/.test((await card.getAttribute("class")) ?? ""), "'Chèvre miel' is shown as unavailable");
  check(await card.getByText("Indisponible").isVisible(), "its card says 'Indisponible'");
  await card.getByRole("button", { name: /Détails/ }).click();
  const sheet = page.getByRole("dialog", { name: "Chèvre miel" });
  await sheet.waitFor();
  const add = sheet.locator('button[type="submit"]');
  check(await add.isDisabled(), "its sheet's add button is disabled");
  await shot(page, "product-unavailable-1280");
  await page.keyboard.press("Escape");
  check((await page.locator(".cart-bar a").count()) === 0, "nothing was added to the cart");
  check(problems.length === 0, `no page errors, console errors or failed requests (${problems.join(" | ") || "none"})`);
  await context.close();
}

// --- Stripe (a second API + nginx configured with Stripe keys, against e2e/fake-stripe.mjs) -------

async function cspOf(base) {
  const response = await fetch(`${base}/`);
  return response.headers.get("content-security-policy") ?? "";
}

async function stripePayment(browser, shop) {
  console.log("\n== Stripe Payment Element (fake Stripe)");
  check(!/stripe\.com/.test(await cspOf(BASE_URL)), "without Stripe keys, nginx's CSP allows no Stripe origin");
  const csp = await cspOf(STRIPE_BASE_URL);
  check(
    /script-src[^;]*https:\/\/js\.stripe\.com/.test(csp) && /connect-src[^;]*https:\/\/api\.stripe\.com/.test(csp),
    "with Stripe enabled, nginx's CSP allows js.stripe.com scripts and api.stripe.com calls",
  );

  // No bypassCSP here: the page runs under the CSP nginx sends, as for a real customer.
  const { context, page, problems } = await newPage(browser, WIDTHS[0].viewport, {
    bypassCSP: false,
    allowed: (status, url) => status === 402 && url.includes("api.stripe.com"), // the declined card
  });
  // Stripe's hosts are not reachable here: the fake serves Stripe.js and answers api.stripe.com.
  const stripeJsLoads = [];
  await context.route("https://js.stripe.com/**", async (route) => {
    stripeJsLoads.push(route.request().url());
    const response = await fetch(`${FAKE_STRIPE_URL}/js/v3`);
    await route.fulfill({ status: 200, contentType: "application/javascript", body: await response.text() });
  });
  await context.route("https://api.stripe.com/**", async (route) => {
    const request = route.request();
    const url = new URL(request.url());
    const response = await fetch(`${FAKE_STRIPE_URL}${url.pathname}`, {
      method: request.method(),
      headers: { "Content-Type": request.headers()["content-type"] ?? "application/x-www-form-urlencoded" },
      body: request.postData() ?? undefined,
    });
    await route.fulfill({
      status: response.status,
      contentType: "application/json",
      headers: { "Access-Control-Allow-Origin": "*" },
      body: await response.text(),
    });
  });

  // The demo customer orders a large Margherita to pick up, paid online.
  await page.goto(`${STRIPE_BASE_URL}/login`);
  await page.getByLabel("Adresse e-mail").fill("client@ocpizza.fr");
  await page.getByLabel("Mot de passe").fill("client-demo-2026");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.waitForURL((url) => !url.pathname.endsWith("/login"));
  await page.goto(`${STRIPE_BASE_URL}/shops/${shop.id}`);
  await page.locator(".product-card", { hasText: "Margherita" }).first().getByRole("button").click();
  const sheet = page.getByRole("dialog", { name: "Margherita" });
  await sheet.getByLabel(/Grande/).check(); // above the 12 € minimum
  await sheet.getByRole("button", { name: /^Ajouter/ }).click();
  await sheet.waitFor({ state: "detached" });
  await page.locator(".cart-bar a").click();
  await page.getByRole("link", { name: "Commander", exact: true }).click();
  await page.getByRole("heading", { name: "Commander", level: 1 }).waitFor();
  await page.getByRole("radio", { name: /^À emporter/ }).check();
  await page.getByRole("radio", { name: /Paiement en ligne/ }).check();
  await (await placeOrder(page)).click();
  await page.getByRole("heading", { name: /^Commande n° \d+/ }).waitFor();
  const orderId = page.url().match(/\/orders\/([^/?#]+)/)?.[1];
  check(stripeJsLoads.length === 0, "Stripe.js is not loaded before a payment needs it");

  await page.getByRole("button", { name: /^Payer / }).click();
  const card = page.getByLabel("Numéro de carte");
  await card.waitFor();
  check(stripeJsLoads.length === 1, `Stripe.js is loaded on demand from js.stripe.com, allowed by the CSP (${stripeJsLoads[0]})`);

  // A declined card: explained, the order still waits for its payment.
  await card.fill("4000 0000 0000 0002");
  await page.getByRole("button", { name: "Confirmer le paiement" }).click();
  await page.getByText("Votre carte a été refusée.").waitFor(); // Stripe.js words it in the page's locale
  check((await page.locator(".notice", { hasText: "En attente du paiement" }).count()) === 1, "a declined card is explained and the order stays unpaid");
  await shot(page, "payment-stripe-declined-1280");

  // A good card: Stripe confirms, its webhook settles the payment, the page moves on live.
  await card.fill("4242 4242 4242 4242");
  await page.getByRole("button", { name: "Confirmer le paiement" }).click();
  await page.locator(".steps__current").filter({ hasText: "Reçue" }).waitFor({ timeout: 15000 });
  check(true, "the Payment Element's confirmation → Stripe's signed webhook → the order shows 'Reçue' live");
  await shot(page, "payment-stripe-paid-1280");

  const requests = await (await fetch(`${FAKE_STRIPE_URL}/_test/requests`)).json();
  const order = await api("GET", `/api/v1/orders/${orderId}`, { token: await staffToken("manager") });
  const created = requests.filter((r) => r.path === "/v1/payment_intents");
  check(created.length >= 1 && created.every((r) => r.authorization && r.idempotencyKey), "the API calls Stripe with its secret key and an Idempotency-Key");
  check(
    created.every((r) => Number(r.fields.amount) === order.total_cents && r.fields.currency === "eur" && r.fields["metadata[order_id]"] === orderId),
    `the PaymentIntent is for the order's total (${order.total_cents} eur) with metadata order_id`,
  );
  const confirms = requests.filter((r) => r.path.endsWith("/confirm"));
  check(
    confirms.length === 2 && confirms.every((r) => r.problems.length === 0 && r.webhook?.status === 200),
    "both confirmations came from Stripe.js with the client secret, and the API accepted both signed webhooks",
  );
  check(order.status === "placed", `the API has the order paid and placed (${order.status})`);
  check(problems.length === 0, `no page errors, console errors (CSP included) or failed requests (${problems.join(" | ") || "none"})`);
  await context.close();
}

const shop = (await api("GET", "/api/v1/shops")).items.find((s) => s.slug === SHOP_SLUG);
check(Boolean(shop), `the API lists ${SHOP_SLUG}`);

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});
try {
  for (const width of WIDTHS) await run(browser, shop, width);
  await outOfStock(browser, shop);
  if (STRIPE_BASE_URL && FAKE_STRIPE_URL) await stripePayment(browser, shop);
  else throw new Error("e2e: STRIPE_BASE_URL and FAKE_STRIPE_URL are needed for the Stripe scenario (scripts/e2e.sh sets them)");
  check(axeFindings.length === 0, `axe: no serious or critical violation (${axeFindings.join(" | ") || "none"})`);
  console.log("\ne2e: all checks passed");
} catch (error) {
  await lastPage?.screenshot({ path: `${OUT}/failure.png`, fullPage: true }).catch(() => {});
  console.error(`e2e: failed; the page at that moment: ${OUT}/failure.png (${lastPage?.url()})`);
  throw error;
} finally {
  await browser.close();
}
