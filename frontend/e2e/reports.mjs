// Browser test of the statistics dashboard (/staff/reports) on its own: the customer places two
// orders through the API (a delivery paid in cash with an extra and a removal, a pickup paid by
// card), the manager logs in and opens the statistics, the breakdowns (delivery or pickup, payment
// methods, refunds, sizes, extras added, ingredients removed) show those orders' figures in their
// tables; axe-core (no serious or critical violation) and screenshots at 360, 768 and 1280 px with
// no horizontal scrolling.
//
//   BASE_URL=http://127.0.0.1:8502 node e2e/reports.mjs
import { BASE_URL, DEMO, OUT, suite } from "./harness.mjs";

const { check, api, login, axe, shot, noHorizontalScroll, newPage, uiLogin, launch, finish } = suite("reports");

const shops = await api("GET", "/api/v1/shops?limit=100");
const shop = shops.items.find((s) => s.slug === "lyon-presquile");
const menu = await api("GET", `/api/v1/shops/${shop.id}/menu`);
const products = menu.categories.flatMap((c) => c.products);
const margherita = products.find((p) => p.name === "Margherita");
const ingredients = (await api("GET", "/api/v1/ingredients")).items;
const id = (slug) => ingredients.find((i) => i.slug === slug).id;
const customer = await login(...DEMO.client);
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

const browser = await launch();
let failure = null;
try {
  for (const width of [1280, 768, 360]) {
    console.log(`\n== the manager's statistics at ${width} px`);
    const page = await newPage(browser, { width, height: 900 }, `manager ${width}`);
    await uiLogin(page, ...DEMO.manager);
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
    await shot(page, `staff-reports-breakdowns-${width}`);
    for (const section of ["sales", "products"]) {
      await page.locator(`.reports__section--${section}`).screenshot({ path: `${OUT}/staff-reports-${section}-${width}.png` });
      console.log(`  📸 ${OUT}/staff-reports-${section}-${width}.png`);
    }
    await noHorizontalScroll(page, `reports at ${width} px`, { scrollsInside: ".reports__scroll" });
    await page.context().close();
  }
} catch (error) {
  failure = error;
}
await finish(browser, failure);
