// Smoke run of the built SPA against a running API, in Debian's Chromium through playwright-core:
// walks home → menu → product sheet → cart → login → account at desktop and phone widths, checks
// a few facts on the way and saves screenshots. Not yet a full e2e suite; it will grow into one.
//
//   BASE_URL=http://127.0.0.1:8099 node e2e/smoke.mjs
//
// BASE_URL serves the SPA and the API on one origin (the API binary with STATIC_DIR=frontend/dist,
// or `vite preview` with VITE_API_PROXY). Screenshots go to SCREENSHOT_DIR (default
// ../artifacts/screenshots). Demo account from `ocpizza seed`: client@ocpizza.fr.
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const BASE_URL = (process.env.BASE_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const OUT = process.env.SCREENSHOT_DIR ?? fileURLToPath(new URL("../../artifacts/screenshots/", import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const EMAIL = process.env.SMOKE_EMAIL ?? "client@ocpizza.fr";
const PASSWORD = process.env.SMOKE_PASSWORD ?? "client-demo-2026";
const NO_SUCH_SHOP = "00000000-0000-0000-0000-000000000000";
const WIDTHS = [
  { name: "1280", viewport: { width: 1280, height: 900 } },
  { name: "360", viewport: { width: 360, height: 780 } },
];

mkdirSync(OUT, { recursive: true });

function check(condition, message) {
  if (!condition) throw new Error(`smoke: ${message}`);
  console.log(`  ok  ${message}`);
}

async function shot(page, name) {
  const path = `${OUT.replace(/\/$/, "")}/${name}.png`;
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

async function noHorizontalScroll(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check(overflow <= 0, `${what}: no horizontal scrolling (overflow ${overflow}px)`);
}

async function run(browser, { name, viewport }) {
  console.log(`\n== ${name} px`);
  const context = await browser.newContext({ viewport, locale: "fr-FR", timezoneId: "Europe/Paris" });
  const page = await context.newPage();
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
      (status === 404 && url.includes(NO_SUCH_SHOP)); // the unknown shop, on purpose
    if (status >= 400 && !expected) problems.push(`HTTP ${status} ${url}`);
  });

  // Home: the shops.
  await page.goto(`${BASE_URL}/`);
  await page.getByRole("heading", { level: 1 }).waitFor();
  await page.locator(".shop-card").first().waitFor();
  check((await page.getAttribute("html", "lang")) === "fr", "the page is in French by default (lang=fr)");
  const shops = await page.locator(".shop-card").count();
  check(shops >= 1, `home lists the shops (${shops})`);
  await noHorizontalScroll(page, "home");
  await shot(page, `home-${name}`);

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

  // Postal code filter.
  await page.getByLabel("Pizzerias qui livrent à mon code postal").fill("69003");
  await page.getByRole("button", { name: "Rechercher" }).click();
  await page.getByRole("heading", { name: /livrent au 69003/ }).waitFor();
  await page.locator("main .loading").waitFor({ state: "detached" });
  const delivering = await page.locator(".shop-card").count();
  check(delivering >= 1 && delivering <= shops, `postal code filter keeps ${delivering} shop(s)`);

  // Menu of the first shop.
  await page.locator(".shop-card").first().getByRole("link").click();
  await page.locator(".menu-section").first().waitFor();
  const sections = await page.locator(".menu-section").count();
  check(sections >= 2, `menu shows its categories (${sections})`);
  await noHorizontalScroll(page, "menu");
  await shot(page, `menu-${name}`);
  await page.screenshot({ path: `${OUT.replace(/\/$/, "")}/menu-top-${name}.png` });

  // Accent-insensitive search.
  await page.getByLabel("Rechercher sur la carte").fill("chevre");
  await page.getByRole("heading", { name: "Chèvre miel" }).waitFor();
  check(
    (await page.locator(".product-card").count()) < 10,
    "searching 'chevre' narrows the menu to the goat cheese pizzas",
  );
  await page.getByRole("button", { name: "Effacer la recherche et les filtres" }).first().click();

  // Product sheet: size, a removed ingredient, an extra.
  await page.locator(".product-card", { hasText: "Reine" }).getByRole("button").click();
  const dialog = page.getByRole("dialog", { name: "Reine" });
  await dialog.waitFor();
  await dialog.getByLabel(/Grande/).check();
  await dialog.getByLabel("Champignons de Paris", { exact: true }).uncheck();
  await dialog.locator(".check", { hasText: "Olives noires" }).locator("input").check();
  await dialog.getByRole("button", { name: "Augmenter la quantité" }).click();
  await shot(page, `product-${name}`);
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

  // The cart survives a reload (localStorage, per shop).
  await page.reload();
  await page.locator(".cart-line").first().waitFor();
  check(true, "cart persists across a reload");

  // Checkout needs an account: the login page brings the customer back to the checkout.
  await page.getByRole("link", { name: "Commander", exact: true }).click();
  await page.getByRole("heading", { name: "Connexion" }).waitFor();
  await page.getByLabel("Adresse e-mail").fill(EMAIL);
  await page.getByLabel("Mot de passe").fill("wrong-password-1");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByText("Adresse e-mail ou mot de passe incorrect.").waitFor();
  check(true, "a wrong password is explained");
  await shot(page, `login-${name}`);
  await page.getByLabel("Mot de passe").fill(PASSWORD);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await page.getByRole("heading", { name: "Commander", level: 1 }).waitFor();
  check(true, "after login the customer is back at the checkout");

  // Checkout: delivery to a new address at one width, pickup at the other; the server prices it.
  if (name === "1280") {
    await page.getByRole("radio", { name: /^Livraison/ }).check();
    const other = page.getByLabel("Une autre adresse");
    if (await other.count()) await other.check();
    await page.getByLabel("Adresse", { exact: true }).fill("27 rue Paul Bert");
    await page.getByLabel("Code postal").fill("69003");
    await page.getByLabel("Ville").fill("Lyon");
  } else {
    await page.getByRole("radio", { name: /^À emporter/ }).check();
  }
  // Cash at one width; online with the offline test provider at the other.
  const online = name !== "1280";
  if (online) await page.getByRole("radio", { name: /Paiement en ligne/ }).check();
  else await page.getByLabel("Espèces", { exact: false }).first().check();
  const place = page.getByRole("button", { name: /^Commander (et payer )?· / });
  await place.waitFor();
  await page.getByText("Le total inclura les frais de livraison").waitFor({ state: "detached" });
  const placeLabel = await place.textContent();
  check(/\d/.test(placeLabel ?? ""), `the server's quote gives the total (${placeLabel})`);
  await noHorizontalScroll(page, "checkout");
  await shot(page, `checkout-${name}`);

  if (await page.getByText("La pizzeria est fermée en ce moment").count()) {
    console.log("  --  the shop is closed now: no order placed");
  } else {
    await place.click();
    await page.getByRole("heading", { name: /^Commande n° \d+/ }).waitFor();
    await page.getByText("En direct", { exact: true }).waitFor();
    check(true, "the order is placed and followed live");
    if (online) {
      await page.getByRole("button", { name: /^Payer / }).click();
      await page.getByRole("button", { name: "Payer avec la carte de test" }).waitFor();
      await shot(page, `payment-${name}`);
      await page.getByRole("button", { name: "Payer avec la carte de test" }).click();
      await page.locator(".steps__current", { hasText: "Reçue" }).waitFor();
      check(true, "the online payment (offline test provider) moves the order to 'Reçue'");
    }
    await shot(page, `order-${name}`);
    await page.getByRole("button", { name: "Annuler la commande" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Oui, annuler" }).click();
    await page.locator(".notice", { hasText: "Annulée" }).waitFor();
    check(true, "the customer cancels the order before preparation");
    await page.goto(`${BASE_URL}/orders`);
    await page.locator(".order-item").first().waitFor();
    await shot(page, `orders-${name}`);
  }

  // Account.
  await page.goto(`${BASE_URL}/account`);
  await page.getByRole("heading", { name: "Mon compte", exact: true }).waitFor();
  await page.getByRole("heading", { name: "Mes adresses de livraison" }).waitFor();
  await page.locator(".card .loading").waitFor({ state: "detached" });
  await noHorizontalScroll(page, "account");
  await shot(page, `account-${name}`);

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
  for (const width of WIDTHS) await run(browser, width);
  console.log("\nsmoke: all checks passed");
} finally {
  await browser.close();
}
