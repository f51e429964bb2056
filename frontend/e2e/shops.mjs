// End-to-end test of the shops back office and closures, in Debian's Chromium through
// playwright-core against the real API behind nginx (run by ../../scripts/e2e.sh, suite `shops`).
// At 1280 px the admin opens a shop from /staff/shops (a fee typed wrong is shown next to its
// field first): hours all week 00:00–23:59 (one day set, copied to the week), a delivery zone, a
// fee and a minimum in euros; then closes it today for a stocktaking (a day in the past is refused
// next to its field). A customer sees it closed with the reason, in the list and on its menu, at
// 1280 and 360 px. At 360 px the admin removes the closure; the customer then orders there
// (pickup, cash). axe-core on every screen, no sideways scrolling; screenshots in SCREENSHOT_DIR.
//
//   BASE_URL=http://127.0.0.1:8099 node e2e/shops.mjs
import { BASE_URL, DEMO, DESK, PHONE, suite } from "./harness.mjs";

const { check, api, login, axe, shot, noHorizontalScroll, newPage, uiLogin, launch, finish } = suite("shops");
const RUN = Date.now().toString(36);
const NAME = `OC Pizza Vaise ${RUN}`;
const REASON = "inventaire annuel";
/** Today in Paris, as the API writes days. */
const TODAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(new Date());
const YESTERDAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(new Date(Date.now() - 36 * 3600 * 1000));
// The closure as customers read it: "Fermé le 1 décembre : inventaire annuel".
const DAY = new Intl.DateTimeFormat("fr-FR", { day: "numeric", month: "long", timeZone: "UTC" })
  .format(new Date(`${TODAY}T00:00:00Z`))
  .replace(/^1(?=\s)/, "1er");
const CLOSED_TEXT = `Fermé le ${DAY} : ${REASON}`;

async function openShopEditorAsAdmin(page) {
  await page.goto(`${BASE_URL}/staff/shops`);
  await page.getByRole("heading", { name: "Boutiques", level: 1 }).waitFor();
}

async function createShop(page) {
  await openShopEditorAsAdmin(page);
  await noHorizontalScroll(page, "the shops list (1280 px)");
  await shot(page, "shops-list-1280");
  await axe(page, "the shops list (1280 px)");
  await page.getByRole("link", { name: "Ouvrir une pizzeria" }).click();
  const form = page.getByRole("form", { name: "Ouvrir une pizzeria" });
  await form.waitFor();
  await form.getByLabel("Nom", { exact: true }).fill(NAME);
  await form.getByLabel("Identifiant (adresse web)").fill(`lyon-vaise-${RUN}`);
  await form.getByLabel("Adresse", { exact: true }).fill("12 rue de Bourgogne");
  await form.getByLabel("Code postal").fill("69009");
  await form.getByLabel("Ville").fill("Lyon");
  await form.getByLabel("Téléphone").fill("04 78 00 00 09");
  // Monday 00:00–23:59, then the whole week like Monday.
  const monday = form.getByRole("group", { name: "lundi" });
  await monday.getByRole("button", { name: /Ajouter une plage/ }).click();
  await monday.getByLabel("Ouverture").fill("00:00");
  await monday.getByLabel("Fermeture").fill("23:59");
  await monday.getByRole("button", { name: "Copier sur toute la semaine (lundi)" }).click();
  check((await form.getByLabel("Ouverture").count()) === 7, "one day's range copied to the seven days");
  await form.getByLabel("Codes postaux livrés").fill("69009, 69005");
  await form.getByLabel("Frais de livraison (€)").fill("2,5x");
  await form.getByLabel("Minimum de commande (€)").fill("12,00");
  await form.getByRole("button", { name: "Ouvrir la pizzeria" }).click();
  const feeError = form.locator(".field--invalid", { hasText: "Frais de livraison" });
  await feeError.getByText("Un montant en euros, par exemple 2,50.").waitFor();
  check(true, "a fee that is not an amount is shown next to its field, nothing sent");
  await form.getByLabel("Frais de livraison (€)").fill("2,50");
  await shot(page, "shops-new-1280");
  await axe(page, "the new shop form (1280 px)");
  await form.getByRole("button", { name: "Ouvrir la pizzeria" }).click();
  await page.getByRole("heading", { name: `Modifier ${NAME}` }).waitFor();
  const id = new URL(page.url()).pathname.split("/").pop();
  const shop = await api("GET", `/api/v1/shops/${id}`);
  check(shop.delivery_fee_cents === 250 && shop.min_order_cents === 1200, "the fee and minimum are kept in cents (250, 1200)");
  check(shop.hours.length === 7 && shop.hours.every((h) => h.opens_at === "00:00" && h.closes_at === "23:59"), "open all week 00:00–23:59");
  check(JSON.stringify(shop.delivery_postal_codes) === JSON.stringify(["69005", "69009"]), "it delivers to 69005 and 69009");
  check(shop.open_now, "the new shop is open now");
  await page.locator(".shops-admin__item", { hasText: NAME }).waitFor();
  check(true, "the list shows the new shop");
  return shop;
}

async function closeToday(page) {
  const closures = page.locator(".closures");
  const form = closures.getByRole("form", { name: "Ajouter la fermeture" });
  await form.getByLabel("Premier jour").fill(YESTERDAY);
  await form.getByLabel("Motif, lu par les clients").fill(REASON);
  await form.getByRole("button", { name: "Ajouter la fermeture" }).click();
  await form.locator(".field--invalid", { hasText: "Premier jour" }).getByText("Ce jour est passé").waitFor();
  check(true, "a closure starting yesterday is refused next to its first day");
  await form.getByLabel("Premier jour").fill(TODAY);
  await form.getByRole("button", { name: "Ajouter la fermeture" }).click();
  await closures.locator(".closures__item", { hasText: CLOSED_TEXT }).waitFor();
  check(await closures.locator(".closures__item", { hasText: "en cours" }).isVisible(), `the closure is listed, current: "${CLOSED_TEXT}"`);
  await page.locator(".shops-admin__item", { hasText: NAME }).getByText("Fermé").waitFor();
  check(true, "the list shows the shop closed now");
  await shot(page, "shops-closure-1280");
  await axe(page, "the shop editor with a closure (1280 px)");
}

async function customerSeesClosed(page, shop, width) {
  await page.goto(`${BASE_URL}/`);
  const card = page.locator(".shop-card", { hasText: NAME });
  await card.waitFor();
  check(await card.getByText(CLOSED_TEXT).isVisible(), `${width} px: the shop's card says "${CLOSED_TEXT}"`);
  check(await card.locator(".badge--closed").isVisible(), `${width} px: its badge says closed`);
  await card.scrollIntoViewIfNeeded();
  await shot(page, `shops-customer-list-closed-${width}`, { fullPage: false });
  await page.goto(`${BASE_URL}/shops/${shop.id}`);
  await page.locator(".menu-section").first().waitFor();
  const notice = page.locator(".notice--warning");
  await notice.waitFor();
  const text = await notice.textContent();
  check(text.includes(CLOSED_TEXT) && text.includes("Les commandes reprennent"), `${width} px: the menu says closed, why and until when ("${text}")`);
  await noHorizontalScroll(page, `the closed shop's menu (${width} px)`);
  await shot(page, `shops-customer-menu-closed-${width}`, { fullPage: false });
  await axe(page, `the closed shop's menu (${width} px)`);
}

async function removeClosureOnPhone(page, shop) {
  await openShopEditorAsAdmin(page);
  await noHorizontalScroll(page, "the shops list (360 px)");
  await shot(page, "shops-list-360");
  await page.locator(".shops-admin__item", { hasText: NAME }).click();
  await page.getByRole("heading", { name: `Modifier ${NAME}` }).waitFor();
  check(await page.locator(".shops-admin__list").isHidden(), "360 px: the editor takes the screen, the list is hidden");
  await noHorizontalScroll(page, "the shop editor (360 px)");
  await shot(page, "shops-editor-360");
  await page.getByRole("group", { name: "lundi" }).scrollIntoViewIfNeeded();
  await shot(page, "shops-editor-hours-360", { fullPage: false });
  await page.getByLabel("Frais de livraison (€)").scrollIntoViewIfNeeded();
  await shot(page, "shops-editor-delivery-360", { fullPage: false });
  await page.getByRole("heading", { name: `Modifier ${NAME}` }).scrollIntoViewIfNeeded();
  await axe(page, "the shop editor (360 px)");
  await page.getByRole("button", { name: `Retirer : ${CLOSED_TEXT}` }).click();
  await page.getByText("Aucune fermeture prévue.").waitFor();
  const again = await api("GET", `/api/v1/shops/${shop.id}`);
  check(again.open_now && again.closures.length === 0, "the closure removed, the shop is open again");
  await shot(page, "shops-closure-removed-360", { fullPage: false });
}

async function stockUp(token, shopId) {
  const stock = await api("GET", `/api/v1/shops/${shopId}/stock`, { token });
  for (const line of stock.items)
    await api("POST", `/api/v1/shops/${shopId}/stock/movements`, { token, body: { ingredient_id: line.ingredient_id, delta: 100000, reason: "restock" } });
  check(stock.items.length > 0, `the new shop is stocked (${stock.items.length} ingredients)`);
}

async function customerOrders(page, shop) {
  await page.goto(`${BASE_URL}/shops/${shop.id}`);
  await page.locator(".menu-section").first().waitFor();
  check((await page.locator(".notice--warning").count()) === 0, "the menu no longer says closed");
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
  const place = page.getByRole("button", { name: /^Commander (et payer )?· / });
  await place.waitFor();
  await place.click();
  await page.getByRole("heading", { name: /^Commande n° \d+/ }).waitFor();
  check(true, `the customer orders at ${shop.name} once it is open again`);
  await shot(page, "shops-customer-ordered-1280", { fullPage: false });
}

const browser = await launch();
let failure = null;
try {
  const admin = await newPage(browser, DESK, "admin 1280", { expected: (status, url) => status === 422 && url.includes("/closures") });
  await uiLogin(admin, ...DEMO.admin);
  const shop = await createShop(admin);
  await closeToday(admin);

  for (const [width, viewport] of [
    [1280, DESK],
    [360, PHONE],
  ]) {
    const customer = await newPage(browser, viewport, `customer ${width}`);
    await customerSeesClosed(customer, shop, width);
  }

  const phone = await newPage(browser, PHONE, "admin 360");
  await uiLogin(phone, ...DEMO.admin);
  await removeClosureOnPhone(phone, shop);

  await stockUp(await login(...DEMO.admin), shop.id);
  const customer = await newPage(browser, DESK, "customer ordering");
  await uiLogin(customer, ...DEMO.client);
  await customerOrders(customer, shop);
} catch (error) {
  failure = error;
}
await finish(browser, failure);
