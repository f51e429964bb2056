import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AuthProvider } from "../accounts/AuthContext";
import { CartProvider } from "../cart/CartContext";
import { I18nProvider } from "../i18n";
import { ChosenShopProvider } from "../shops/chosenShop";
import { menu, shop, SHOP_ID } from "../test/fixtures";
import { json, mockApi } from "../test/http";
import { ToastProvider } from "../ui/Toast";
import { MenuPage } from "./MenuPage";


function renderMenu(routes: Parameters<typeof mockApi>[0] = {}) {
  const api = mockApi({
    [`GET /api/v1/shops/${SHOP_ID}`]: () => json(shop),
    [`GET /api/v1/shops/${SHOP_ID}/menu`]: () => json({ ...menu, shop_id: SHOP_ID }),
    ...routes,
  });
  return { ...render(
    <I18nProvider initialLocale="fr">
      <ToastProvider>
        <AuthProvider>
          <ChosenShopProvider>
            <CartProvider>
              <MemoryRouter initialEntries={[`/shops/${SHOP_ID}`]}>
                <Routes>
                  <Route path="/shops/:shopId" element={<MenuPage />} />
                </Routes>
              </MemoryRouter>
            </CartProvider>
          </ChosenShopProvider>
        </AuthProvider>
      </ToastProvider>
    </I18nProvider>,
  ), api };
}

afterEach(() => vi.unstubAllGlobals());

describe("the menu page", () => {
  it("in a shop closed today says the closure, its reason and when orders open again", async () => {
    const today = { id: "cl-1", first_day: "2026-12-01", last_day: "2026-12-01", reason: "inventaire" };
    const later = { id: "cl-2", first_day: "2026-12-24", last_day: "2026-12-26", reason: "congés" };
    renderMenu({
      [`GET /api/v1/shops/${SHOP_ID}`]: () =>
        json({ ...shop, open_now: false, next_opening_at: "2026-12-02T10:00:00Z", closures: [today, later], closure_now: today }),
      [`GET /api/v1/shops/${SHOP_ID}/menu`]: () => json({ ...menu, shop_id: SHOP_ID, open_now: false }),
    });
    expect(await screen.findByRole("note")).toHaveTextContent("Fermé le 1er décembre : inventaire. Les commandes reprennent mercredi 11:00.");
    expect(screen.getByText("Fermé du 24 au 26 décembre : congés")).toBeInTheDocument();
  });

  it("lists categories as anchored sections and greys out unavailable products", async () => {
    renderMenu();
    expect(await screen.findByRole("heading", { name: "Pizzas", level: 2 })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Desserts" })).toHaveAttribute("href", "#cat-desserts");
    const paysanne = screen.getByRole("heading", { name: "Paysanne" }).closest("article")!;
    expect(paysanne).toHaveClass("product-card--unavailable");
    expect(within(paysanne).getByText("Indisponible")).toBeInTheDocument();
  });

  it("an unavailable product's sheet cannot add it to the cart", async () => {
    const user = userEvent.setup();
    renderMenu();
    const paysanne = (await screen.findByRole("heading", { name: "Paysanne" })).closest("article")!;
    await user.click(within(paysanne).getByRole("button"));
    const dialog = await screen.findByRole("dialog", { name: "Paysanne" });
    expect(within(dialog).getByRole("button", { name: "Indisponible" })).toBeDisabled();
  });

  it("searches without accents and filters allergens", async () => {
    const user = userEvent.setup();
    renderMenu();
    await screen.findByRole("heading", { name: "Margherita" });
    await user.type(screen.getByLabelText("Rechercher sur la carte"), "chevre");
    expect(screen.getByRole("heading", { name: "Chèvre miel" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Margherita" })).not.toBeInTheDocument();
    expect(screen.getByText("Produits trouvés : 1")).toBeInTheDocument();

    await user.clear(screen.getByLabelText("Rechercher sur la carte"));
    await user.click(screen.getByText("Allergènes à éviter"));
    await user.click(screen.getByLabelText("Sans fruits à coque"));
    expect(screen.queryByRole("heading", { name: "Chèvre miel" })).not.toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Margherita" })).toBeInTheDocument();
  });

  it("asks the search endpoint only when its own filter finds nothing, and shows its hits", async () => {
    const user = userEvent.setup();
    const margherita = menu.categories[0]!.products[0]!;
    const { api } = renderMenu({
      "GET /api/v1/search": () =>
        json({ items: [{ product: margherita, score: 1, highlights: {} }], facets: { category: {}, vegetarian: {} }, total: 1, next_cursor: null, engine: "postgres" }),
    });
    await screen.findByRole("heading", { name: "Margherita" });
    await user.type(screen.getByLabelText("Rechercher sur la carte"), "chevre");
    expect(screen.getByRole("heading", { name: "Chèvre miel" })).toBeInTheDocument();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.seen.filter((r) => r.url.includes("/search"))).toHaveLength(0);

    await user.clear(screen.getByLabelText("Rechercher sur la carte"));
    await user.type(screen.getByLabelText("Rechercher sur la carte"), "margarita");
    expect(await screen.findByRole("heading", { name: "Au plus près de « margarita »" })).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Margherita" })).toBeInTheDocument();
    expect(screen.queryByRole("heading", { name: "Chèvre miel" })).not.toBeInTheDocument();
    const asked = api.seen.filter((r) => r.url.includes("/search")).map((r) => new URL(r.url).searchParams);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.get("q")).toBe("margarita");
    expect(asked[0]!.get("shop_id")).toBe(SHOP_ID);
  });

  it("adds a customised pizza to the cart, with an estimated price", async () => {
    const user = userEvent.setup();
    renderMenu();
    const margherita = (await screen.findByRole("heading", { name: "Margherita" })).closest("article")!;
    await user.click(within(margherita).getByRole("button"));
    const dialog = await screen.findByRole("dialog", { name: "Margherita" });
    await user.click(within(dialog).getByLabelText(/Olives noires/));
    expect(within(dialog).getByLabelText(/Truffe/)).toBeDisabled();
    await user.click(within(dialog).getByRole("button", { name: "Augmenter la quantité" }));
    const add = within(dialog).getByRole("button", { name: /^Ajouter/ });
    expect(add.textContent?.replace(/\s/g, " ")).toBe("Ajouter · 25,00 €"); // 2 × (11,50 + 1,00)
    await user.click(add);
    expect(await screen.findByRole("link", { name: /Voir le panier \(2\)/ })).toBeInTheDocument();
    const stored = JSON.parse(localStorage.getItem(`ocpizza.cart.${SHOP_ID}`) ?? "{}");
    expect(stored.lines[0]).toMatchObject({ productName: "Margherita", size: "medium", quantity: 2 });
  });
});
