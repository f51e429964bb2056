import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes, useLocation } from "react-router-dom";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AuthProvider } from "../accounts/AuthContext";
import { tokens } from "../api/tokens";
import type { Order, Quote } from "../api/types";
import { I18nProvider } from "../i18n";
import { menu, shop, SHOP_ID, tiramisu } from "../test/fixtures";
import { json, mockApi, problem } from "../test/http";
import { ToastProvider } from "../ui/Toast";
import { cartFromOrder } from "./cartItems";
import { EditOrderPage } from "./EditOrderPage";

const order: Order = {
  id: "order-7",
  number: 7,
  shop_id: SHOP_ID,
  status: "placed",
  fulfilment: "pickup",
  payment_method: "cash",
  customer_name: "Camille Client",
  lines: [
    {
      product_id: "p-margherita",
      product_name: "Margherita",
      size: "medium",
      size_label: "Moyenne (30 cm)",
      quantity: 1,
      unit_price_cents: 1250,
      line_total_cents: 1250,
      added: [{ ingredient_id: "i-olives", name: "Olives noires", price_cents: 100 }],
      removed: [],
    },
  ],
  subtotal_cents: 1250,
  delivery_fee_cents: 0,
  total_cents: 1250,
  currency: "EUR",
  changeable: true,
  history: [],
  notes: null,
  created_at: "2026-11-24T18:00:00Z",
  updated_at: "2026-11-24T18:00:00Z",
};

function quoteFor(total: number): Quote {
  return {
    shop_id: SHOP_ID,
    currency: "EUR",
    lines: [],
    subtotal_cents: total,
    delivery_fee_cents: 0,
    total_cents: total,
    minimum_order_cents: 1200,
    meets_minimum: true,
    shop_open: true,
    in_stock: true,
  };
}

function OrderStub() {
  return <p>order page {useLocation().pathname}</p>;
}

function renderEdit() {
  return render(
    <I18nProvider initialLocale="fr">
      <ToastProvider>
        <AuthProvider>
          <MemoryRouter initialEntries={[`/orders/${order.id}/edit`]}>
            <Routes>
              <Route path="/orders/:orderId/edit" element={<EditOrderPage />} />
              <Route path="/orders/:orderId" element={<OrderStub />} />
            </Routes>
          </MemoryRouter>
        </AuthProvider>
      </ToastProvider>
    </I18nProvider>,
  );
}

function routes(overrides: Record<string, (request: Request) => Response | Promise<Response>> = {}) {
  return mockApi({
    "GET /api/v1/me": () => json({ id: "u", email: "c@x.fr", full_name: "Camille Client", role: "customer", created_at: "2026-01-01T00:00:00Z" }),
    [`GET /api/v1/orders/${order.id}`]: () => json(order),
    [`GET /api/v1/shops/${SHOP_ID}`]: () => json(shop),
    [`GET /api/v1/shops/${SHOP_ID}/menu`]: () => json(menu),
    "POST /api/v1/orders/quote": async (request) => {
      const body = (await request.json()) as { items: { quantity: number; size: string }[] };
      // 12,50 € a Margherita with olives, 4,50 € a tiramisu.
      const total = body.items.reduce((sum, i) => sum + i.quantity * (i.size === "portion" ? 450 : 1250), 0);
      return json(quoteFor(total));
    },
    ...overrides,
  });
}

beforeEach(() => {
  tokens.set({ access_token: "a", refresh_token: "r", token_type: "Bearer", expires_in: 900 });
});

afterEach(() => {
  vi.unstubAllGlobals();
  tokens.clear();
});

describe("an order's lines as a cart", () => {
  it("keeps sizes, extras and their prices, and drops products gone from the catalog", () => {
    const { cart, dropped } = cartFromOrder({
      ...order,
      lines: [...order.lines, { ...order.lines[0]!, product_id: null, product_name: "Ancienne pizza" }],
    });
    expect(dropped).toEqual(["Ancienne pizza"]);
    expect(cart.lines).toHaveLength(1);
    expect(cart.lines[0]).toMatchObject({
      productId: "p-margherita",
      size: "medium",
      sizePriceCents: 1150,
      extras: [{ ingredientId: "i-olives", name: "Olives noires", priceCents: 100 }],
      quantity: 1,
    });
  });
});

describe("changing an order", () => {
  it("re-prices as the customer edits and sends only what changed", async () => {
    let patched: unknown = null;
    routes({
      [`PATCH /api/v1/orders/${order.id}`]: async (request) => {
        patched = await request.json();
        return json({ ...order, total_cents: 2950 });
      },
    });
    const user = userEvent.setup();
    renderEdit();
    await screen.findByRole("heading", { name: "Modifier la commande n° 7" });
    expect(await screen.findByText("12,50 €", { selector: ".totals__total dd" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Aucune modification : revenir au suivi" })).toBeEnabled();

    await user.click(screen.getByRole("button", { name: "Augmenter la quantité" }));
    await user.click(screen.getByRole("button", { name: /Tiramisu/ }));
    const dialog = await screen.findByRole("dialog", { name: "Tiramisu" });
    await user.click(within(dialog).getByRole("button", { name: /^Ajouter/ }));
    expect(await screen.findByText("29,50 €", { selector: ".totals__total dd" })).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Enregistrer les modifications" }));
    expect(await screen.findByText("order page /orders/order-7")).toBeInTheDocument();
    expect(patched).toEqual({
      items: [
        { product_id: "p-margherita", size: "medium", quantity: 2, add_ingredient_ids: ["i-olives"], remove_ingredient_ids: [] },
        { product_id: tiramisu.id, size: "portion", quantity: 1, add_ingredient_ids: [], remove_ingredient_ids: [] },
      ],
    });
  });

  it("says it is too late when the kitchen started meanwhile, and keeps the edits", async () => {
    routes({
      [`PATCH /api/v1/orders/${order.id}`]: () =>
        problem(409, { type: "https://ocpizza.fr/problems/conflict", detail: "the order is preparing" }),
    });
    const user = userEvent.setup();
    renderEdit();
    await user.type(await screen.findByLabelText("Remarque pour la pizzeria"), "Bien cuite");
    await user.click(screen.getByRole("button", { name: "Enregistrer les modifications" }));
    expect(await screen.findByText(/Trop tard : la pizzeria a déjà commencé/)).toBeInTheDocument();
    expect(screen.getByLabelText("Remarque pour la pizzeria")).toHaveValue("Bien cuite");
  });

  it("does not offer to change an order paid online", async () => {
    routes({ [`GET /api/v1/orders/${order.id}`]: () => json({ ...order, payment_method: "online" }) });
    renderEdit();
    expect(await screen.findByText(/déjà payée en ligne/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Enregistrer/ })).toBeNull();
  });
});
