// End-to-end tests of the menu's back office (/staff/menu) in Debian's Chromium through
// playwright-core, against the real API through nginx (run by ../../scripts/e2e.sh, suite "menu").
// At 1280 and at 360 px: the manager opens the Napolitaine, changes its medium price alone, picks a
// photo (previewed before it is sent) and uploads it; a customer's menu then shows the new price
// on the product sheet and the new photo on the card (loaded, the menu's 480 px rendition) while
// the other sizes keep theirs, all under the SPA's enforced Content-Security-Policy. axe-core on the staff menu screen and the customer's menu;
// screenshots in SCREENSHOT_DIR.
//
//   BASE_URL=http://127.0.0.1:8099 node e2e/menu.mjs
import { deflateSync } from "node:zlib";
import { BASE_URL, DEMO, suite } from "./harness.mjs";

const { check, api, axe, shot, noHorizontalScroll, newPage, uiLogin, launch, finish } = suite("menu");
const SHOP_SLUG = "lyon-presquile";
const MANAGER = DEMO.manager;
const PRODUCT = "Napolitaine";
const VIEWPORTS = [
  { name: "1280", viewport: { width: 1280, height: 900 }, price: "13,40", cents: 1340 },
  { name: "360", viewport: { width: 360, height: 780 }, price: "13,70", cents: 1370 },
];

// A PNG drawn here (stripes in the given colour), so that nothing is downloaded.
function crc32(bytes) {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "ascii");
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
function png(width, height, [r, g, b]) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const light = ((x >> 5) + (y >> 5)) % 2 ? 1 : 0.6;
      rows.set([r * light, g * light, b * light], y * (width * 3 + 1) + 1 + x * 3);
    }
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

const shops = await api("GET", "/api/v1/shops?limit=100");
const shop = shops.items.find((s) => s.slug === SHOP_SLUG);
check(Boolean(shop), `shop ${SHOP_SLUG} exists`);
const products = await api("GET", "/api/v1/products?limit=100");
const before = products.items.find((p) => p.name === PRODUCT);
check(Boolean(before), `${PRODUCT} is in the catalog`);
const drawn = await fetch(`${BASE_URL}${before.menu_image_url}`);
check(drawn.ok && drawn.headers.get("content-type") === "image/svg+xml", "its seeded picture is served through nginx");

const browser = await launch();
let failure = null;
try {
  for (const [round, { name, viewport, price, cents }] of VIEWPORTS.entries()) {
    console.log(`menu back office at ${name} px`);
    const staff = await newPage(browser, viewport, `manager ${name}`);
    await uiLogin(staff, ...MANAGER);
    await staff.waitForURL((url) => url.pathname.startsWith("/staff/"));
    await staff.goto(`${BASE_URL}/staff/menu`);
    await staff.getByRole("heading", { name: "Carte et prix" }).waitFor();
    check(true, "the manager opens /staff/menu");
    await staff.getByRole("navigation", { name: "Produits" }).getByRole("button", { name: PRODUCT }).click();
    const editor = staff.getByRole("article", { name: PRODUCT });
    await editor.waitFor();

    // One price alone.
    const medium = editor.getByRole("region", { name: /^Moyenne/ });
    await medium.getByLabel(/^Prix de la taille Moyenne/).fill(price.replace(",", "."));
    await medium.getByRole("button", { name: "Enregistrer le prix" }).click();
    await medium.getByRole("heading", { name: new RegExp(`${price}\\s€`) }).waitFor();
    const after = await api("GET", `/api/v1/products/${before.id}`);
    const size = (p, code) => p.sizes.find((s) => s.code === code);
    check(size(after, "medium").price_cents === cents, `the medium price is now ${price} €`);
    check(
      after.sizes.every((s) => s.code === "medium" || s.price_cents === size(before, s.code).price_cents) &&
        JSON.stringify(after.sizes.map((s) => [s.label, s.recipe])) === JSON.stringify(before.sizes.map((s) => [s.label, s.recipe])),
      "the other prices, the labels and the recipes are as they were",
    );

    // A photo: picked, previewed, uploaded.
    const colour = round === 0 ? [200, 60, 40] : [40, 120, 200];
    await editor.getByLabel(/^Choisir une photo/).setInputFiles({ name: `napolitaine-${name}.png`, mimeType: "image/png", buffer: png(800, 600, colour) });
    await editor.getByRole("img", { name: /^Aperçu de la nouvelle photo/ }).waitFor();
    check(true, "the picked photo is previewed before it is sent");
    await axe(staff, `staff menu (${name} px)`);
    await shot(staff, `staff-menu-preview-${name}`);
    await editor.getByRole("button", { name: "Envoyer la photo" }).click();
    const uploaded = editor.locator('img.photo-editor__preview[src*="/image/menu?v="]');
    await uploaded.waitFor();
    const menuUrl = await uploaded.getAttribute("src");
    check(menuUrl !== before.menu_image_url, "the uploaded photo replaces the drawn picture");
    await noHorizontalScroll(staff, `staff menu (${name} px)`);
    await shot(staff, `staff-menu-${name}`);

    // Off the shop's menu and back.
    const inShop = editor.getByRole("region", { name: /^À la carte de/ });
    await inShop.getByText("En vente (si le stock le permet).").waitFor();
    await inShop.getByRole("button", { name: "Retirer de la carte" }).click();
    await inShop.getByText("Retiré de la carte jusqu’à nouvel ordre.").waitFor();
    const pausedMenu = await api("GET", `/api/v1/shops/${shop.id}/menu`);
    const onMenu = pausedMenu.categories.flatMap((c) => c.products).find((p) => p.id === before.id);
    check(onMenu.available === false && onMenu.unavailable_reason === "paused", "paused from /staff/menu, the shop's menu shows it unavailable");
    await shot(staff, `staff-menu-paused-${name}`, { fullPage: false });
    await inShop.getByRole("button", { name: "Remettre à la carte" }).click();
    await inShop.getByText("En vente (si le stock le permet).").waitFor();
    const resumed = (await api("GET", `/api/v1/shops/${shop.id}/menu`)).categories.flatMap((c) => c.products).find((p) => p.id === before.id);
    check(resumed.unavailable_reason === undefined, "resumed, it is back on sale");
    await staff.context().close();

    // The customer's menu.
    const customer = await newPage(browser, viewport, `customer ${name}`);
    await customer.goto(`${BASE_URL}/shops/${shop.id}`);
    await customer.locator(".menu-section").first().waitFor();
    const card = customer.locator(".product-card", { has: customer.getByRole("heading", { name: PRODUCT, exact: true }) });
    const photo = card.getByRole("img", { name: `Photo : ${PRODUCT}` });
    await photo.scrollIntoViewIfNeeded();
    await customer.waitForFunction((el) => el.complete && el.naturalWidth > 0, await photo.elementHandle());
    const shown = await photo.evaluate((el) => ({ src: el.getAttribute("src"), width: el.naturalWidth, lazy: el.loading }));
    check(shown.src === menuUrl, "the customer's menu card shows the new photo");
    check(shown.width === 480 && shown.lazy === "lazy", "it is the menu's 480 px rendition, lazy-loaded");
    const cached = await fetch(`${BASE_URL}${menuUrl}`);
    check(/max-age=31536000/.test(cached.headers.get("cache-control") ?? "") && cached.headers.get("etag"), "its URL is cached for a year with an ETag");
    await card.getByRole("button", { name: new RegExp(`${PRODUCT}$`) }).click();
    const sheet = customer.getByRole("dialog", { name: PRODUCT });
    await sheet.waitFor();
    await sheet.getByText(new RegExp(`${price}\\s€`)).first().waitFor();
    check(true, `the customer's product sheet shows the medium at ${price} €`);
    const sheetPhoto = sheet.getByRole("img", { name: `Photo : ${PRODUCT}` });
    await sheetPhoto.waitFor();
    // The menu carries the menu rendition only; the sheet asks the product for the full photo.
    await customer.waitForFunction((el) => /\/image\?v=/.test(el.getAttribute("srcset") ?? ""), await sheetPhoto.elementHandle());
    const srcset = await sheetPhoto.getAttribute("srcset");
    check(srcset.includes(`${menuUrl} 480w`) && /\/image\?v=\S+ 1200w/.test(srcset), `the sheet offers the full-size photo for wide screens (${srcset})`);
    await axe(customer, `customer menu sheet (${name} px)`);
    await shot(customer, `menu-sheet-photo-${name}`, { fullPage: false });
    await sheet.getByRole("button", { name: /Fermer/ }).click();
    await shot(customer, `menu-photo-${name}`, { fullPage: false });
    await customer.context().close();
  }
} catch (error) {
  failure = error;
}
await finish(browser, failure);
