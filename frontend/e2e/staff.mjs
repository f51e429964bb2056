// End-to-end tests of the shop floor's screens in Debian's Chromium through playwright-core,
// against the real API through nginx (run by ../../scripts/e2e.sh after e2e.mjs). In parallel
// browser contexts: a customer (360 px) orders a pickup while the kitchen screen (tablet,
// 1024×768) shows the ticket within 2 s without reload; the pizzaiolo bumps it to preparing and
// ready (touch and bump-bar keys) and recalls it once; the order taker (1280 px) finds an existing
// customer by the last 4 digits of the phone, takes a phone order, and hands the customer's pickup
// over with cash; a new caller nobody knows is recorded as a customer, a pickup is placed for them
// (the menu meanwhile following a stock write-off and restock without reload) and the next lookup by
// the last 4 digits finds them; the order summary stays in view beside the menu at 1280×800 and
// 1024×768 (after it at 700 px), and a delivery's ticket prints alone in Chromium's print media
// (its text checked, a screenshot and a PDF kept); the delivery person (360 px) takes two ready deliveries, marks one delivered
// with cash and the other failed; the customer's tracking page follows each move. axe-core on
// every staff screen (no serious or critical violation); screenshots in SCREENSHOT_DIR. The manager
// opens the statistics: today's orders counted, this month, the sales CSV's header row, 1280 and 768 px.
//
//   BASE_URL=http://127.0.0.1:8099 node e2e/staff.mjs
import { readFileSync } from "node:fs";
import { BASE_URL, DEMO, DESK, OUT, PHONE, TABLET, suite } from "./harness.mjs";

const { check, api, login, axe, shot, noHorizontalScroll, newPage, uiLogin, launch, finish } = suite("staff");
const SHOP_SLUG = "lyon-presquile";
const STAFF = DEMO;
const RUN = Date.now().toString(36);
// A phone number whose last 4 digits are this run's own.
const LAST4 = String(Date.now() % 10000).padStart(4, "0");
const PHONE_NUMBER = `06 55 44 ${LAST4.slice(0, 2)} ${LAST4.slice(2)}`;
// The new caller's number, its last 4 digits other than the registered customer's.
const NEW_LAST4 = String((Number(LAST4) + 1) % 10000).padStart(4, "0");
const NEW_PHONE = `07 12 34 ${NEW_LAST4.slice(0, 2)} ${NEW_LAST4.slice(2)}`;

async function staffLogin(page, who, screen) {
  const [email, password] = STAFF[who];
  await uiLogin(page, email, password);
  await page.waitForURL((url) => url.pathname === `/staff/${screen}`);
  check(true, `${who} lands on /staff/${screen} after login`);
  await page.locator(".live-badge--live").first().waitFor({ timeout: 10000 });
  check(true, `${who}'s screen is live (shop stream)`);
}

const shops = await api("GET", "/api/v1/shops?limit=100");
const shop = shops.items.find((s) => s.slug === SHOP_SLUG);
check(Boolean(shop), `shop ${SHOP_SLUG} exists`);
const menu = await api("GET", `/api/v1/shops/${shop.id}/menu`);
const products = menu.categories.flatMap((c) => c.products);
const margherita = products.find((p) => p.name === "Margherita");
const drink = products.find((p) => p.kind === "drink" && p.available !== false);

// The customer, with a phone number the counter will find by its last 4 digits.
const email = `e2e-staff-${RUN}@example.com`;
const password = "e2e-password-2026";
const customerName = `Cliente Comptoir ${RUN}`;
await api("POST", "/api/v1/auth/register", { body: { email, password, full_name: customerName, phone: PHONE_NUMBER } });
const customerToken = await login(email, password);

const browser = await launch();
let failure = null;
try {
  // --- Kitchen (tablet) and customer (phone), side by side ---------------------------------------
  console.log("\n== kitchen 1024×768 and a customer at 360 px");
  const kitchen = await newPage(browser, TABLET, "kitchen");
  await staffLogin(kitchen, "pizzaiolo", "kitchen");
  check(await kitchen.getByText("Paolo Pizzaiolo · pizzaiolo").isVisible(), "the header shows the pizzaiolo's name and role");
  check(await kitchen.locator(".staff-header").getByText(shop.name).isVisible(), "the header shows the shop");
  check((await kitchen.locator(".staff-nav a").count()) === 1, "a pizzaiolo's header links only to the kitchen");
  await shot(kitchen, "staff-kitchen-before-1024", { fullPage: false });

  const customer = await newPage(browser, PHONE, "customer");
  await uiLogin(customer, email, password);
  await customer.goto(`${BASE_URL}/shops/${shop.id}`);
  await customer.locator(".menu-section").first().waitFor();
  await customer.locator(".product-card", { hasText: "Reine" }).getByRole("button").click();
  const sheet = customer.getByRole("dialog", { name: "Reine" });
  await sheet.getByLabel("Champignons de Paris", { exact: true }).uncheck();
  await sheet.locator(".check", { hasText: "Olives noires" }).locator("input").check();
  await sheet.getByRole("button", { name: /^Ajouter/ }).click();
  await sheet.waitFor({ state: "detached" });
  if (drink) {
    await customer.locator(".product-card", { hasText: drink.name }).first().getByRole("button").click();
    const drinkSheet = customer.getByRole("dialog", { name: drink.name });
    await drinkSheet.getByRole("button", { name: /^Ajouter/ }).click();
    await drinkSheet.waitFor({ state: "detached" });
  }
  await customer.locator(".cart-bar a").click();
  await customer.getByRole("link", { name: "Commander", exact: true }).click();
  await customer.getByRole("heading", { name: "Commander", level: 1 }).waitFor();
  await customer.getByRole("radio", { name: /^À emporter/ }).check();
  await customer.getByRole("radio", { name: "Espèces au retrait" }).check();
  const place = customer.getByRole("button", { name: /^Commander · / });
  await place.waitFor();
  await place.click();
  await customer.getByRole("heading", { name: /^Commande n° \d+/ }).waitFor();
  const placedAt = Date.now();
  const orderId = customer.url().match(/\/orders\/([^/?#]+)/)?.[1];
  const order = await api("GET", `/api/v1/orders/${orderId}`, { token: customerToken });
  const ticket = kitchen.locator(".ticket", { has: kitchen.getByRole("heading", { name: new RegExp(`#${order.number}$`) }) });
  await ticket.waitFor({ timeout: 5000 });
  const seenAfter = Date.now() - placedAt;
  check(seenAfter <= 2000, `the kitchen shows ticket #${order.number} ${seenAfter} ms after the order, without reload`);
  check(await ticket.locator(".ticket__new").isVisible(), "the new ticket is flagged « Nouveau »");
  check(await ticket.locator("del", { hasText: "Champignons de Paris" }).isVisible(), "the removed mushrooms are struck through");
  check(await ticket.locator("mark", { hasText: "Olives noires" }).isVisible(), "the extra olives are highlighted");
  if (drink) check(await ticket.locator(".ticket__pack", { hasText: drink.name }).isVisible(), "the drink is listed apart, « À emballer »");
  check(await kitchen.locator(".all-day", { hasText: "Reine" }).isVisible(), "the all-day strip counts the Reine");
  await shot(kitchen, "staff-kitchen-new-ticket-1024", { fullPage: false });
  await shot(kitchen, "staff-kitchen-1024");
  await axe(kitchen, "kitchen (1024 px)");
  await noHorizontalScroll(kitchen, "kitchen");
  const current = customer.locator(".steps__current");

  // One touch: placed → preparing.
  await ticket.getByRole("button", { name: `Commencer n° ${order.number}` }).tap();
  await current.filter({ hasText: "En préparation" }).waitFor({ timeout: 10000 });
  check(true, "a touch on « Commencer » moves it to preparing; the customer's page follows");
  // The kitchen's own reload after the touch may land after the customer's page moved: wait for it
  // (a bump from a stale ticket would ask for preparing twice, a 409).
  await ticket.getByRole("button", { name: `Prête n° ${order.number}` }).waitFor({ timeout: 10000 });
  // The bump bar: its number key picks it, Enter bumps it to ready.
  const place1 = await ticket.locator(".ticket__key").textContent();
  await kitchen.locator("body").press(place1.trim());
  await kitchen.keyboard.press("Enter");
  await current.filter({ hasText: "Prête" }).waitFor({ timeout: 10000 });
  check(true, `key ${place1.trim()} then Enter bumps it to ready; the customer's page follows`);
  await kitchen.locator(".kitchen__recent", { hasText: `#${order.number}` }).waitFor();
  await shot(kitchen, "staff-kitchen-recent-1024", { fullPage: false });
  // R recalls it (ready → preparing), then a touch makes it ready again.
  await kitchen.keyboard.press("r");
  await current.filter({ hasText: "En préparation" }).waitFor({ timeout: 10000 });
  await ticket.waitFor();
  check(true, "R recalls the ticket bumped by mistake; it is back on screen and the customer sees « En préparation »");
  await ticket.getByRole("button", { name: `Prête n° ${order.number}` }).tap();
  await current.filter({ hasText: "Prête" }).waitFor({ timeout: 10000 });
  check(true, "bumped to ready again");

  // A lost connection is shown, and the screen catches up by itself.
  await kitchen.context().setOffline(true);
  await kitchen.getByText(/Connexion perdue/).waitFor({ timeout: 20000 });
  await shot(kitchen, "staff-kitchen-offline-1024", { fullPage: false });
  await kitchen.context().setOffline(false);
  await kitchen.locator(".live-badge--live").waitFor({ timeout: 30000 });
  check(true, "a lost connection is shown, then the screen is live again by itself");

  // --- Counter (1280) ------------------------------------------------------------------------------
  console.log("\n== counter 1280 px");
  const counter = await newPage(browser, DESK, "counter");
  await staffLogin(counter, "accueil", "counter");
  await counter.getByLabel("Téléphone ou nom du client").fill(LAST4);
  const match = counter.getByRole("button", { name: new RegExp(customerName) });
  await match.waitFor({ timeout: 10000 });
  check(true, `the order taker finds the customer by the last 4 digits (${LAST4})`);
  await shot(counter, "staff-counter-lookup-1280");
  await axe(counter, "counter lookup (1280 px)");
  await match.click();
  await counter.locator(".pick-list__item", { hasText: "Margherita" }).click();
  const dialog = counter.getByRole("dialog", { name: "Margherita" });
  await dialog.getByRole("button", { name: "Augmenter la quantité" }).click(); // over the 12 € minimum
  await dialog.getByRole("button", { name: /^Ajouter/ }).click();
  await dialog.waitFor({ state: "detached" });
  await counter.getByRole("radio", { name: /^À emporter/ }).check();
  await counter.getByRole("radio", { name: "Carte bancaire au retrait" }).check();
  const placePhone = counter.getByRole("button", { name: /^Enregistrer la commande — / });
  await placePhone.waitFor();
  await shot(counter, "staff-counter-order-1280");
  await axe(counter, "counter order (1280 px)");
  await placePhone.click();
  const placedNotice = counter.getByText(/^Commande n° \d+ enregistrée pour /);
  await placedNotice.waitFor();
  const phoneNumber = Number((await placedNotice.textContent()).match(/n° (\d+)/)[1]);
  check(true, `a phone order #${phoneNumber} is placed for the customer`);
  await counter.locator(".open-order", { hasText: `#${phoneNumber}` }).waitFor();
  check(true, "it shows among the open orders");
  await kitchen.locator(".ticket", { hasText: `#${phoneNumber}` }).waitFor({ timeout: 5000 });
  check(true, "the kitchen got the phone order too");

  // Hand over the customer's pickup with cash.
  const pickup = counter.locator(".open-order", { hasText: `#${order.number}` });
  await pickup.getByLabel("Espèces").check();
  await shot(counter, "staff-counter-1280");
  await pickup.getByRole("button", { name: `Remise au client — n° ${order.number}` }).click();
  await current.filter({ hasText: "Retirée" }).waitFor({ timeout: 10000 });
  check(true, "the pickup is handed over with cash; the customer's page shows « Retirée »");
  await pickup.waitFor({ state: "detached" });
  check(true, "it leaves the open orders");

  // A caller nobody knows: recorded as a new customer, then a pickup for them.
  const newName = `Nouvel Appelant ${RUN}`;
  await counter.getByLabel("Téléphone ou nom du client").fill(NEW_PHONE);
  await counter.getByText("Personne avec ce numéro ou ce nom.").waitFor({ timeout: 10000 });
  check(true, "a lookup of an unknown number says nobody has it");
  await counter.getByRole("button", { name: "Nouveau client" }).click();
  const recordForm = counter.getByRole("form", { name: "Enregistrer un nouveau client" });
  check((await recordForm.getByLabel("Téléphone").inputValue()) === NEW_PHONE, "the number looked up is already in the new customer's form");
  await recordForm.getByLabel("Nom complet").fill(newName);
  await shot(counter, "staff-counter-new-customer-1280", { fullPage: false });
  await axe(counter, "counter, new customer form (1280 px)");
  await recordForm.getByRole("button", { name: "Enregistrer le client" }).click();
  await counter.getByRole("heading", { name: `Commande pour ${newName}` }).waitFor();
  check(true, "the new caller is recorded and the order is taken for them");

  // The menu follows the stock: the manager writes the raclette cheese off, then restocks it.
  const managerToken = await login(...STAFF.manager);
  const stockLines = (await api("GET", `/api/v1/shops/${shop.id}/stock`, { token: managerToken })).items;
  const raclette = stockLines.find((line) => line.name === "Fromage à raclette");
  const racletteItem = counter.locator(".pick-list__item", { hasText: /^Raclette/ });
  await racletteItem.waitFor();
  check(await racletteItem.isEnabled(), "« Raclette » can be picked");
  await api("POST", `/api/v1/shops/${shop.id}/stock/movements`, {
    token: managerToken,
    body: { ingredient_id: raclette.ingredient_id, delta: -raclette.quantity, reason: "waste" },
  });
  await counter.locator(".pick-list__item:disabled", { hasText: /^Raclette/ }).waitFor({ timeout: 5000 });
  check(await racletteItem.getByText("Indisponible").isVisible(), "the raclette cheese written off, « Raclette » turns unavailable without reload");
  await api("POST", `/api/v1/shops/${shop.id}/stock/movements`, {
    token: managerToken,
    body: { ingredient_id: raclette.ingredient_id, delta: raclette.quantity, reason: "restock" },
  });
  await counter.locator(".pick-list__item:enabled", { hasText: /^Raclette/ }).waitFor({ timeout: 5000 });
  check(true, "restocked, it can be picked again");

  await counter.locator(".pick-list__item", { hasText: "Margherita" }).click();
  const newDialog = counter.getByRole("dialog", { name: "Margherita" });
  await newDialog.getByRole("button", { name: "Augmenter la quantité" }).click();
  await newDialog.getByRole("button", { name: /^Ajouter/ }).click();
  await newDialog.waitFor({ state: "detached" });
  await counter.locator(".pick-list__item", { hasText: /^Reine/ }).click();
  const reineSheet = counter.getByRole("dialog", { name: "Reine" });
  await reineSheet.getByLabel("Champignons de Paris", { exact: true }).uncheck();
  await reineSheet.locator(".check", { hasText: "Olives noires" }).locator("input").check();
  await reineSheet.getByRole("button", { name: /^Ajouter/ }).click();
  await reineSheet.waitFor({ state: "detached" });
  await counter.getByRole("radio", { name: /^À emporter/ }).check();
  await counter.getByRole("radio", { name: "Espèces au retrait" }).check();
  const placeNew = counter.getByRole("button", { name: /^Enregistrer la commande — / });
  await placeNew.waitFor();

  // The order so far stays in view beside the menu on a desk and a tablet, under it when narrow.
  for (const viewport of [{ width: 1280, height: 800 }, { width: 1024, height: 768 }]) {
    await counter.setViewportSize(viewport);
    await counter.evaluate(() => window.scrollTo(0, 0));
    await shot(counter, `staff-counter-taking-${viewport.width}`, { fullPage: false });
    const list = await counter.locator(".pick-list").first().boundingBox();
    const summary = await counter.locator(".counter-order__summary").boundingBox();
    check(summary.x >= list.x + list.width, `${viewport.width}×${viewport.height}: the order summary is beside the product list`);
    await counter.locator(".pick-list__item").last().scrollIntoViewIfNeeded();
    await shot(counter, `staff-counter-taking-scrolled-${viewport.width}`, { fullPage: false });
    const button = await placeNew.boundingBox();
    check(button.y >= 0 && button.y + button.height <= viewport.height, `${viewport.width}×${viewport.height}: the total and place button stay in view at the menu's end`);
    await axe(counter, `counter taking an order (${viewport.width}×${viewport.height})`);
    await noHorizontalScroll(counter, `counter taking an order (${viewport.width} px)`);
  }
  await counter.setViewportSize({ width: 700, height: 900 });
  {
    const list = await counter.locator(".pick-list").last().boundingBox();
    const summary = await counter.locator(".counter-order__summary").boundingBox();
    check(summary.y >= list.y + list.height, "700 px: the order summary comes after the product list");
    await noHorizontalScroll(counter, "counter taking an order (700 px)");
  }
  await counter.setViewportSize(DESK);
  await placeNew.click();
  const newNotice = counter.getByText(new RegExp(`^Commande n° \\d+ enregistrée pour ${newName}`));
  await newNotice.waitFor();
  const newNumber = Number((await newNotice.textContent()).match(/n° (\d+)/)[1]);
  const desk = await login(...STAFF.accueil);
  const placedForNew = (await api("GET", `/api/v1/orders?shop_id=${shop.id}&status=placed&limit=100`, { token: desk })).items.find((o) => o.number === newNumber);
  check(Boolean(placedForNew?.customer_id) && placedForNew.fulfilment === "pickup", `pickup #${newNumber} is placed for the new customer's account (customer_id ${placedForNew?.customer_id})`);

  // The next call: the last 4 digits find them.
  await counter.getByLabel("Téléphone ou nom du client").fill(NEW_LAST4);
  await counter.getByRole("button", { name: new RegExp(newName) }).waitFor({ timeout: 10000 });
  check(true, `a second lookup by the last 4 digits (${NEW_LAST4}) finds the new customer`);

  // A delivery's ticket printed from the open orders: only the ticket, everything on it.
  const reine = products.find((p) => p.name === "Reine");
  const mushrooms = reine.ingredients.find((i) => i.name === "Champignons de Paris");
  const olives = menu.extras.find((e) => e.name === "Olives noires");
  const toPrint = await api("POST", "/api/v1/orders", {
    token: customerToken,
    body: {
      shop_id: shop.id,
      fulfilment: "delivery",
      delivery_address: { line1: "8 rue de la République", line2: "Bâtiment B", postal_code: "69002", city: "Lyon", instructions: "Digicode 4521, 2e étage" },
      payment_method: "card_on_delivery",
      notes: "Sonner deux fois",
      items: [
        { product_id: reine.id, size: "medium", quantity: 1, add_ingredient_ids: [olives.ingredient_id], remove_ingredient_ids: [mushrooms.id] },
        { product_id: margherita.id, size: "medium", quantity: 2 },
      ],
    },
  });
  const printable = counter.locator(".open-order", { hasText: `#${toPrint.number}` });
  await printable.waitFor({ timeout: 10000 });
  await counter.evaluate(() => {
    window.print = () => undefined; // no print dialog: the ticket stays rendered for the print media
  });
  await printable.getByRole("button", { name: "Imprimer le ticket" }).click();
  await counter.locator(".print-ticket").waitFor({ state: "attached" });
  await counter.emulateMedia({ media: "print" });
  await shot(counter, "staff-counter-print-ticket");
  const printed = await counter.evaluate(() => document.body.innerText);
  for (const [what, text] of [
    ["number", `#${toPrint.number}`],
    ["customer", customerName],
    ["phone", PHONE_NUMBER],
    ["kind", "Livraison"],
    ["street", "8 rue de la République"],
    ["address's second line", "Bâtiment B"],
    ["town", "69002 Lyon"],
    ["instructions", "Digicode 4521, 2e étage"],
    ["size", "Moyenne (30 cm)"],
    ["removal", "sans Champignons de Paris"],
    ["extra", "+ Olives noires"],
    ["total", "Total"],
    ["payment", "Paiement : Carte bancaire à la livraison"],
    ["amount to collect", "À encaisser : "],
    ["notes", "Remarque : Sonner deux fois"],
  ])
    check(printed.includes(text), `the printed ticket has the ${what} (${text})`);
  for (const text of ["Commandes en cours", "Se déconnecter", "Ajouter des produits", "Remise au client"])
    check(!printed.includes(text), `the printed page leaves « ${text} » out`);
  const pdf = await counter.pdf({ path: `${OUT}/staff-counter-print-ticket.pdf`, preferCSSPageSize: true });
  const pdfPages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  check(pdfPages === 1, `the ticket prints on one page (${pdfPages})`);
  console.log(`  📄 ${OUT}/staff-counter-print-ticket.pdf`);
  await counter.emulateMedia({ media: "screen" });
  await counter.evaluate(() => window.dispatchEvent(new Event("afterprint")));

  // --- Deliveries (360) ----------------------------------------------------------------------------
  console.log("\n== deliveries 360 px");
  const pizzaiolo = await login(...STAFF.pizzaiolo);
  const address = { line1: "3 place Bellecour", postal_code: "69002", city: "Lyon", instructions: "Code 1234, 3e étage" };
  const deliveries = [];
  for (let i = 0; i < 2; i++) {
    const o = await api("POST", "/api/v1/orders", {
      token: customerToken,
      body: {
        shop_id: shop.id,
        fulfilment: "delivery",
        delivery_address: address,
        payment_method: "cash",
        items: [{ product_id: margherita.id, size: "medium", quantity: 2 }],
      },
    });
    for (const to of ["preparing", "ready"]) await api("POST", `/api/v1/orders/${o.id}/transitions`, { token: pizzaiolo, body: { to } });
    deliveries.push(o);
  }
  const [first, second] = deliveries;
  await customer.goto(`${BASE_URL}/orders/${first.id}`);
  await current.filter({ hasText: "Prête" }).waitFor();

  const courier = await newPage(browser, PHONE, "deliveries");
  await staffLogin(courier, "livreur", "deliveries");
  const card = (o) => courier.locator(".delivery", { has: courier.getByRole("heading", { name: new RegExp(`^#${o.number} `) }) });
  await card(first).waitFor();
  await card(second).waitFor();
  check(await card(first).getByRole("link", { name: /Plan \(OpenStreetMap\)/ }).getAttribute("href").then((h) => h.startsWith("https://www.openstreetmap.org/search?query=")), "the address links to an OpenStreetMap search");
  check((await card(first).locator('a[href^="geo:0,0?q="]').count()) === 1, "and to the phone's map app (geo:)");
  check((await card(first).locator('a[href^="tel:"]').count()) === 1, "the customer's phone is a tel: link");
  check(await card(first).getByText(/À encaisser : .*espèces prévues/).isVisible(), "the amount to collect is shown");
  await shot(courier, "staff-deliveries-ready-360");
  await axe(courier, "deliveries (360 px)");
  await noHorizontalScroll(courier, "deliveries");

  await card(first).getByRole("button", { name: `Prendre la n° ${first.number}` }).tap();
  await current.filter({ hasText: "En livraison" }).waitFor({ timeout: 10000 });
  check(true, "the courier takes a delivery; the customer's page shows « En livraison »");
  await card(first).getByRole("button", { name: `Livrée — n° ${first.number}` }).waitFor();
  await shot(courier, "staff-deliveries-on-the-way-360");
  await card(first).getByLabel("Espèces").check();
  await card(first).getByRole("button", { name: `Livrée — n° ${first.number}` }).tap();
  await current.filter({ hasText: "Livrée" }).waitFor({ timeout: 10000 });
  check(true, "delivered with cash collected; the customer's page shows « Livrée »");

  await card(second).getByRole("button", { name: `Prendre la n° ${second.number}` }).tap();
  await card(second).getByRole("button", { name: "Échec de livraison…" }).tap();
  await card(second).getByRole("button", { name: "Client absent" }).tap();
  await shot(courier, "staff-deliveries-failing-360");
  await axe(courier, "deliveries, failure form (360 px)");
  await card(second).getByRole("button", { name: `Ramener la n° ${second.number} à la pizzeria` }).tap();
  await card(second).getByText("Échec de livraison : Client absent").waitFor({ timeout: 10000 });
  const back = await api("GET", `/api/v1/orders/${second.id}`, { token: customerToken });
  check(back.status === "ready", "the failed delivery is back at the shop (ready), with its reason shown");
  await shot(courier, "staff-deliveries-failed-360");

  // --- Manager: every screen, and the cancel of a returned delivery ------------------------------
  console.log("\n== manager");
  const manager = await newPage(browser, DESK, "manager");
  await staffLogin(manager, "manager", "counter");
  check((await manager.locator(".staff-nav a").count()) === 8, "a manager's header links to the counter, kitchen, deliveries, orders, stock, team, menu and reports");
  await manager.getByRole("link", { name: "Livraisons" }).click();
  const returned = manager.locator(".delivery", { hasText: `#${second.number}` });
  await returned.getByRole("button", { name: `Annuler la n° ${second.number}` }).click();
  await returned.waitFor({ state: "detached", timeout: 10000 });
  check((await api("GET", `/api/v1/orders/${second.id}`, { token: customerToken })).status === "cancelled", "the manager cancels the returned delivery");
  await manager.getByRole("link", { name: "Cuisine" }).click();
  await manager.locator(".kitchen").waitFor();
  await shot(manager, "staff-kitchen-manager-1280");

  // The manager's statistics: today's figures include the orders placed above; another period;
  // a CSV downloaded with its header row; the tables beside the charts; 1280 and 768 px.
  await manager.getByRole("link", { name: "Statistiques" }).click();
  await manager.waitForURL((url) => url.pathname === "/staff/reports");
  const ordersKpi = manager.locator('[data-kpi="orders"] dd');
  await ordersKpi.waitFor({ timeout: 10000 });
  const todayOrders = Number((await ordersKpi.textContent()).replace(/\D/g, ""));
  check(todayOrders > 0, `the dashboard counts today's orders (${todayOrders})`);
  for (const caption of ["Commandes et chiffre d'affaires par période", "Commandes par jour et par heure", "produits qui rapportent le plus", "Durées", "Ingrédients"])
    await manager.locator("caption", { hasText: caption }).first().waitFor({ timeout: 10000 });
  check(true, "every chart has its table (sales over time, hour of the week, products, times, ingredients)");
  await axe(manager, "reports, today (1280 px)");
  await shot(manager, "staff-reports-today-1280");
  await manager.getByLabel("Ce mois-ci").check();
  await manager.locator(".reports__scope", { hasText: " au " }).waitFor();
  await manager.locator(".reports__section--sales table tbody tr").nth(27).waitFor({ timeout: 10000 });
  const monthOrders = Number((await ordersKpi.textContent()).replace(/\D/g, ""));
  check(monthOrders >= todayOrders, `this month's figures replace today's (${monthOrders} orders, one row per day)`);
  const [download] = await Promise.all([
    manager.waitForEvent("download"),
    manager.getByRole("button", { name: "Télécharger le CSV (Ventes)" }).click(),
  ]);
  const csvPath = `${OUT}/reports-sales.csv`;
  await download.saveAs(csvPath);
  const csv = readFileSync(csvPath, "utf8");
  check(csv.split(/\r?\n/)[0] === "period,orders,revenue_cents,currency", `the sales CSV starts with its header row (${download.suggestedFilename()})`);
  check(csv.trim().split(/\r?\n/).length > 28, "the sales CSV has a row per day of the month");
  await noHorizontalScroll(manager, "reports at 1280 px");
  await shot(manager, "staff-reports-month-1280");
  const [productsDownload] = await Promise.all([
    manager.waitForEvent("download"),
    manager.getByRole("button", { name: "Télécharger le CSV (Meilleures ventes)" }).click(),
  ]);
  await productsDownload.saveAs(`${OUT}/reports-products.csv`);
  check(readFileSync(`${OUT}/reports-products.csv`, "utf8").startsWith("product_id,name,quantity,revenue_cents,share,currency"), "the products CSV starts with its header row");
  // Chosen dates: today alone again, by hour.
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(new Date());
  await manager.getByLabel("Dates choisies").check();
  await manager.getByLabel("Du", { exact: true }).fill(today);
  await manager.getByLabel("Au (inclus)", { exact: true }).fill(today);
  await manager.getByRole("button", { name: "Afficher" }).click();
  await manager.locator(".reports__scope", { hasText: " au " }).waitFor({ state: "detached" });
  await manager.locator(".reports__section--sales table tbody tr th", { hasText: ":00" }).first().waitFor({ timeout: 10000 });
  check(Number((await ordersKpi.textContent()).replace(/\D/g, "")) === todayOrders, "chosen dates (today to today) give today's figures again, by hour");
  await manager.getByLabel("Ce mois-ci").check();
  await manager.locator(".reports__section--sales table tbody tr").nth(27).waitFor({ timeout: 10000 });
  await manager.setViewportSize({ width: 768, height: 1024 });
  await noHorizontalScroll(manager, "reports at 768 px");
  await axe(manager, "reports, this month (768 px)");
  await shot(manager, "staff-reports-month-768");

  // A customer cannot open the staff screens.
  await customer.goto(`${BASE_URL}/staff/kitchen`);
  await customer.waitForURL((url) => url.pathname === "/account");
  check(true, "a customer sent to /staff lands back on the account page");
} catch (error) {
  failure = error;
}
await finish(browser, failure);
