// End-to-end tests of the back office in Debian's Chromium through playwright-core, against the
// real API through nginx (run by ../../scripts/e2e.sh, suite `backoffice`). At 1280 px, the
// manager sets an ingredient's threshold above its stock (flagged low), records a delivery (the
// flag clears) and a count (the server records the difference), opens its 30 days and filters the
// history by count; adds a pizzaiolo with a password, who logs in (tablet) and reaches the kitchen
// screen; deactivates him, and his kitchen screen, left alone, lands on the login page (its live
// stream is cut at once, its reconnection refused); pays back part of a cash order by
// hand, seen in its payments and history. Every screen again at 360 px (no horizontal scroll).
// axe-core on each screen (no serious or critical violation); screenshots in SCREENSHOT_DIR.
//
//   BASE_URL=http://127.0.0.1:8099 node e2e/backoffice.mjs
import { DEMO, DESK, PHONE, TABLET, BASE_URL, suite } from "./harness.mjs";

const { check, api, login, axe, shot, noHorizontalScroll, newPage, uiLogin, launch, finish } = suite("backoffice");
const SHOP_SLUG = "lyon-presquile";
const MANAGER = DEMO.manager;
const ACCUEIL = DEMO.accueil;
const RUN = Date.now().toString(36);

const shops = await api("GET", "/api/v1/shops?limit=100");
const shop = shops.items.find((s) => s.slug === SHOP_SLUG);
check(Boolean(shop), `shop ${SHOP_SLUG} exists`);
const managerToken = await login(...MANAGER);

// A cash pickup order, collected at the counter: the one the manager pays part of back.
const email = `e2e-backoffice-${RUN}@example.com`;
await api("POST", "/api/v1/auth/register", { body: { email, password: "e2e-password-2026", full_name: `Client Remboursé ${RUN}` } });
const customerToken = await login(email, "e2e-password-2026");
const menu = await api("GET", `/api/v1/shops/${shop.id}/menu`);
const margherita = menu.categories.flatMap((c) => c.products).find((p) => p.name === "Margherita");
const order = await api("POST", "/api/v1/orders", {
  token: customerToken,
  body: { shop_id: shop.id, fulfilment: "pickup", payment_method: "cash", items: [{ product_id: margherita.id, size: margherita.sizes[0].code, quantity: 2 }] },
});
await api("POST", `/api/v1/orders/${order.id}/payments`, { token: await login(...ACCUEIL), body: { method: "cash" } });

const stock = await api("GET", `/api/v1/shops/${shop.id}/stock`, { token: managerToken });
const basil = stock.items.find((l) => l.name.startsWith("Basilic"));
check(Boolean(basil), `the shop stocks ${basil?.name}`);

const browser = await launch();
let failure = null;
try {
  const manager = await newPage(browser, DESK, "manager");
  await uiLogin(manager, ...MANAGER);
  for (const name of ["Commandes", "Stock", "Équipe"]) {
    await manager.getByRole("navigation", { name: "Écrans de l'équipe" }).getByRole("link", { name, exact: true }).waitFor();
    check(true, `the staff navigation offers « ${name} »`);
  }

  // Stock: the threshold above the stock flags it low; a delivery clears the flag.
  await manager.getByRole("navigation", { name: "Écrans de l'équipe" }).getByRole("link", { name: "Stock", exact: true }).click();
  await manager.waitForURL((url) => url.pathname === "/staff/stock");
  await manager.getByLabel("Chercher un ingrédient").fill("basil");
  const line = manager.locator(".stock-line", { has: manager.getByRole("heading", { name: basil.name }) });
  await line.waitFor();
  await line.getByRole("button", { name: "Seuil" }).click();
  await line.getByLabel(/Seuil d'alerte/).fill(String(basil.quantity + 200));
  await line.getByRole("button", { name: "Enregistrer" }).click();
  await line.getByText("Stock bas").waitFor();
  check(true, `a threshold above the stock (${basil.quantity + 200} g) flags ${basil.name} low`);
  await line.getByRole("button", { name: "Réception" }).click();
  await line.getByLabel(/Quantité reçue/).fill("500");
  await line.getByRole("button", { name: "Enregistrer la réception" }).click();
  await line.getByText("Stock bas").waitFor({ state: "detached" });
  const after = (await api("GET", `/api/v1/shops/${shop.id}/stock`, { token: managerToken })).items.find((l) => l.ingredient_id === basil.ingredient_id);
  check(after.quantity === basil.quantity + 500 && !after.low, `a delivery of 500 g clears the low flag (${after.quantity} g)`);
  // A count: what is on the shelf; the server records the difference.
  await line.getByRole("button", { name: "Inventaire" }).click();
  await line.getByLabel(/Quantité comptée/).fill(String(basil.quantity + 450));
  await line.getByRole("button", { name: "Enregistrer l'inventaire" }).click();
  await line.getByText(new Intl.NumberFormat("fr-FR").format(basil.quantity + 450), { exact: false }).first().waitFor();
  check(true, `a count of ${basil.quantity + 450} g is the new stock`);
  await line.getByRole("button", { name: "30 jours" }).click();
  await manager.getByRole("heading", { name: `${basil.name} sur 30 jours` }).waitFor();
  await manager.locator(".stock-chart .chart__svg").waitFor();
  check((await manager.locator(".stock-chart tbody tr").count()) === 30, "the chart's table has a level for each of the last 30 days");
  await shot(manager, "backoffice-stock-chart-1280", { fullPage: false });
  await manager.getByLabel("Motif").selectOption("count");
  await manager.locator(".stock-history tbody tr", { hasText: "Inventaire" }).first().waitFor();
  const countRow = await manager.locator(".stock-history tbody tr").first().textContent();
  check(/[-−]50/.test(countRow) && countRow.includes(basil.name), `the history filtered by count shows the −50 g the count recorded (${countRow.trim()})`);
  await manager.locator(".stock-history").scrollIntoViewIfNeeded();
  await shot(manager, "backoffice-stock-history-1280", { fullPage: false });
  await manager.getByLabel("Chercher un ingrédient").fill("");
  const first = await manager.locator(".stock-line").first().getAttribute("class");
  const anyLow = (await api("GET", `/api/v1/shops/${shop.id}/stock`, { token: managerToken })).items.some((l) => l.low);
  check(!anyLow || first.includes("stock-line--low"), "low lines come first");
  await noHorizontalScroll(manager, "stock at 1280 px");
  await axe(manager, "stock (1280 px)");
  await manager.evaluate(() => window.scrollTo(0, 0));
  await shot(manager, "backoffice-stock-1280", { fullPage: false });

  // Team: a new pizzaiolo with a password logs in and reaches the kitchen.
  await manager.getByRole("navigation", { name: "Écrans de l'équipe" }).getByRole("link", { name: "Équipe", exact: true }).click();
  await manager.waitForURL((url) => url.pathname === "/staff/team");
  const luigiEmail = `luigi-${RUN}@example.com`;
  const luigiName = `Luigi ${RUN}`;
  await manager.getByText("Ajouter un membre").click();
  await manager.getByLabel("Nom complet").fill(luigiName);
  await manager.getByLabel("Adresse e-mail").fill(luigiEmail);
  await manager.getByLabel("Rôle", { exact: true }).selectOption("pizzaiolo");
  await manager.getByLabel("Mot de passe (facultatif)").fill("pate-fraiche-2026");
  await manager.getByRole("button", { name: "Ajouter", exact: true }).click();
  const luigiLine = manager.locator(".stock-line", { has: manager.getByRole("heading", { name: luigiName }) });
  await luigiLine.waitFor();
  check(true, `${luigiName} is in the team`);
  await axe(manager, "team (1280 px)");
  await shot(manager, "backoffice-team-1280");

  const luigi = await newPage(browser, TABLET, "pizzaiolo", { expected: (status, url) => status === 401 && url.includes("/api/v1/") });
  await uiLogin(luigi, luigiEmail, "pate-fraiche-2026");
  await luigi.waitForURL((url) => url.pathname === "/staff/kitchen");
  await luigi.locator(".live-badge--live").first().waitFor({ timeout: 10000 });
  check(true, "the new pizzaiolo logs in and reaches the kitchen screen, live");
  await luigiLine.getByRole("button", { name: /Désactiver/ }).click();
  await luigiLine.getByText("désactivé").waitFor();
  check(true, "the manager deactivates him");
  // Nobody touches his kitchen screen: its live stream is cut, and reconnecting logs him out.
  await luigi.waitForURL((url) => url.pathname === "/login", { timeout: 10000 });
  check(true, "his kitchen screen, left alone, lands on the login page: its stream was cut and its reconnection refused");
  await luigi.getByLabel("Adresse e-mail").fill(luigiEmail);
  await luigi.getByLabel("Mot de passe").fill("pate-fraiche-2026");
  await luigi.getByRole("button", { name: "Se connecter" }).click();
  await luigi.getByRole("alert").waitFor();
  check(luigi.url().endsWith("/login"), "and his password no longer opens a session");

  // Orders: the cash order, part of it paid back by hand.
  await manager.getByRole("navigation", { name: "Écrans de l'équipe" }).getByRole("link", { name: "Commandes", exact: true }).click();
  await manager.waitForURL((url) => url.pathname === "/staff/orders");
  await manager.getByLabel("Paiement").selectOption("cash");
  await manager.getByLabel("Mode").selectOption("pickup");
  const link = manager.getByRole("link", { name: `Ouvrir la commande n° ${order.number}` });
  await link.waitFor();
  await axe(manager, "orders (1280 px)");
  await shot(manager, "backoffice-orders-1280");
  await link.click();
  await manager.getByRole("heading", { name: "Paiements et remboursements" }).waitFor();
  await manager.getByLabel("Montant (EUR)").fill("2,50");
  await manager.getByLabel("Comment").selectOption("cash");
  await manager.getByLabel("Motif").fill("boisson oubliée");
  await manager.getByRole("button", { name: "Rembourser" }).click();
  await manager.getByText(/Remboursé 2,50\s€ \(en espèces\) — boisson oubliée/).waitFor();
  await manager.getByRole("region", { name: "Historique" }).getByText(/Remboursement de 2,50\s€ en espèces · boisson oubliée/).waitFor();
  const ledger = await api("GET", `/api/v1/orders/${order.id}/payments`, { token: managerToken });
  check(ledger.items[0].refunded_cents === 250 && ledger.items[0].refunds[0].method === "cash", "2,50 € paid back in cash: in the payments and the history");
  await axe(manager, "order page (1280 px)");
  await shot(manager, "backoffice-order-1280");

  // Every screen at 360 px.
  await manager.setViewportSize(PHONE);
  for (const [path, name] of [
    [`/staff/orders/${order.id}`, "order"],
    ["/staff/orders", "orders"],
    ["/staff/team", "team"],
    ["/staff/stock", "stock"],
  ]) {
    await manager.goto(`${BASE_URL}${path}`);
    await manager.locator("h1").first().waitFor();
    await manager.waitForLoadState("networkidle");
    await noHorizontalScroll(manager, `${name} at 360 px`);
    await axe(manager, `${name} (360 px)`);
    await shot(manager, `backoffice-${name}-360`, { fullPage: name !== "stock" });
  }
} catch (error) {
  failure = error;
}
await finish(browser, failure);
