import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes, useLocation } from "react-router-dom";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AuthProvider } from "../accounts/AuthContext";
import { tokens } from "../api/tokens";
import type { Order, Quote } from "../api/types";
import { cartReducer, emptyCart } from "../cart/cart";
import { CartProvider } from "../cart/CartContext";
import { I18nProvider } from "../i18n";
import { ChosenShopProvider } from "../shops/chosenShop";
import { shop, SHOP_ID } from "../test/fixtures";
import { json, mockApi, problem } from "../test/http";
import { ToastProvider } from "../ui/Toast";
import { CheckoutPage } from "./CheckoutPage";

const quote: Quote = {
  shop_id: SHOP_ID,
  currency: "EUR",
  lines: [
    {
      product_id: "p1",
      product_name: "Reine",
      size: "large",
      size_label: "Grande (40 cm)",
      quantity: 2,
      unit_price_cents: 1600,
      line_total_cents: 3200,
      added: [],
      removed: [],
    },
  ],
  subtotal_cents: 3200,
  delivery_fee_cents: 0,
  total_cents: 3200,
  minimum_order_cents: 1200,
  meets_minimum: true,
  shop_open: true,
  in_stock: true,
};
const placed = { id: "order-1", number: 42 } as Order;

function OrderStub() {
  return <p>order page {useLocation().pathname}</p>;
}

function renderCheckout() {
  return render(
    <I18nProvider initialLocale="fr">
      <ToastProvider>
        <AuthProvider>
          <ChosenShopProvider>
            <CartProvider>
              <MemoryRouter initialEntries={["/checkout"]}>
                <Routes>
                  <Route path="/checkout" element={<CheckoutPage />} />
                  <Route path="/orders/:id" element={<OrderStub />} />
                  <Route path="/cart" element={<p>cart page</p>} />
                </Routes>
              </MemoryRouter>
            </CartProvider>
          </ChosenShopProvider>
        </AuthProvider>
      </ToastProvider>
    </I18nProvider>,
  );
}

beforeEach(() => {
  tokens.set({ access_token: "a", refresh_token: "r", token_type: "Bearer", expires_in: 900 });
  localStorage.setItem("ocpizza.shop_id", SHOP_ID);
  const cart = cartReducer(emptyCart(SHOP_ID), {
    type: "add",
    line: { productId: "p1", productName: "Reine", size: "large", sizeLabel: "Grande (40 cm)", sizePriceCents: 1600, extras: [], removed: [], quantity: 2 },
  });
  localStorage.setItem(`ocpizza.cart.${SHOP_ID}`, JSON.stringify(cart));
});

afterEach(() => {
  vi.unstubAllGlobals();
  tokens.clear();
});

describe("checkout", () => {
  it("prices the cart on the server and places a pickup order once, even when retried", async () => {
    let attempts = 0;
    const { seen } = mockApi({
      "GET /api/v1/me": () => json({ id: "u", email: "c@x.fr", full_name: "Camille Client", role: "customer", created_at: "2026-01-01T00:00:00Z" }),
      [`GET /api/v1/shops/${SHOP_ID}`]: () => json(shop),
      "GET /api/v1/me/addresses": () => json({ items: [] }),
      "POST /api/v1/orders/quote": () => json(quote),
      "POST /api/v1/orders": () => {
        attempts += 1;
        if (attempts === 1) throw new TypeError("Failed to fetch"); // the network drops once
        return json(placed, 201);
      },
    });
    const user = userEvent.setup();
    renderCheckout();
    await user.click(await screen.findByRole("radio", { name: /^À emporter/ }));
    const place = await screen.findByRole("button", { name: /^Commander · 32,00/ });

    await user.click(place);
    expect(await screen.findByText(/Le serveur ne répond pas/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: /^Commander · / }));
    expect(await screen.findByText("order page /orders/order-1")).toBeInTheDocument();

    const posts = seen.filter((r) => r.method === "POST" && new URL(r.url).pathname === "/api/v1/orders");
    expect(posts).toHaveLength(2);
    const keys = posts.map((r) => r.headers.get("Idempotency-Key"));
    expect(keys[0]).toBeTruthy();
    expect(keys[1]).toBe(keys[0]); // the retry replays the same attempt
    expect(await posts[1]!.json()).toMatchObject({
      shop_id: SHOP_ID,
      fulfilment: "pickup",
      payment_method: "card_on_delivery",
      items: [{ product_id: "p1", size: "large", quantity: 2 }],
    });
    expect(localStorage.getItem(`ocpizza.cart.${SHOP_ID}`)).toBeNull(); // the cart is emptied
  });

  it("shows the server's refusal next to the address", async () => {
    mockApi({
      "GET /api/v1/me": () => json({ id: "u", email: "c@x.fr", full_name: "Camille Client", role: "customer", created_at: "2026-01-01T00:00:00Z" }),
      [`GET /api/v1/shops/${SHOP_ID}`]: () => json(shop),
      "GET /api/v1/me/addresses": () => json({ items: [] }),
      "POST /api/v1/orders/quote": async (request) => {
        const body = (await request.json()) as { fulfilment: string };
        if (body.fulfilment === "pickup") return json(quote);
        return problem(422, {
          type: "https://ocpizza.fr/problems/validation",
          errors: [{ field: "delivery_address.postal_code", code: "outside_delivery_zone", message: "does not deliver to 75001" }],
        });
      },
    });
    const user = userEvent.setup();
    renderCheckout();
    await user.type(await screen.findByLabelText("Adresse"), "1 rue de Rivoli");
    await user.type(screen.getByLabelText("Code postal"), "75001");
    await user.type(screen.getByLabelText("Ville"), "Paris");
    expect(
      await screen.findByText(/Cette pizzeria ne livre pas à ce code postal/, {}, { timeout: 3000 }),
    ).toBeInTheDocument();
  });

  it("before the address is typed, counts the delivery fee in the total and says so", async () => {
    mockApi({
      "GET /api/v1/me": () => json({ id: "u", email: "c@x.fr", full_name: "Camille Client", role: "customer", created_at: "2026-01-01T00:00:00Z" }),
      [`GET /api/v1/shops/${SHOP_ID}`]: () => json(shop),
      "GET /api/v1/me/addresses": () => json({ items: [] }),
      "POST /api/v1/orders/quote": () => json(quote),
    });
    renderCheckout();
    // 32,00 € of pizzas and the shop's 2,50 € fee: the total shown already holds the fee.
    expect(await screen.findByText(/^Frais de livraison compris\./)).toBeInTheDocument();
    expect(document.querySelector(".totals__total dd")).toHaveTextContent("34,50");
    expect(screen.queryByText(/inclura/)).toBeNull();
  });

  it("in a closed shop says when it opens again and offers no button to order", async () => {
    mockApi({
      "GET /api/v1/me": () => json({ id: "u", email: "c@x.fr", full_name: "Camille Client", role: "customer", created_at: "2026-01-01T00:00:00Z" }),
      [`GET /api/v1/shops/${SHOP_ID}`]: () => json({ ...shop, open_now: false, next_opening_at: "2026-12-01T10:00:00Z" }),
      "GET /api/v1/me/addresses": () => json({ items: [] }),
      "POST /api/v1/orders/quote": () => json({ ...quote, shop_open: false }),
    });
    const user = userEvent.setup();
    renderCheckout();
    await user.click(await screen.findByRole("radio", { name: /^À emporter/ }));
    expect(await screen.findByText(/elle rouvre mardi 11:00/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /^Commander/ })).toBeNull();
    expect(screen.queryByText(/Certains champs sont à corriger/)).toBeNull();
  });

  it("in a shop closed for some days says why and when it opens again", async () => {
    const closure = { id: "cl-1", first_day: "2026-12-24", last_day: "2026-12-26", reason: "congés" };
    mockApi({
      "GET /api/v1/me": () => json({ id: "u", email: "c@x.fr", full_name: "Camille Client", role: "customer", created_at: "2026-01-01T00:00:00Z" }),
      [`GET /api/v1/shops/${SHOP_ID}`]: () =>
        json({ ...shop, open_now: false, next_opening_at: "2026-12-27T10:00:00Z", closures: [closure], closure_now: closure }),
      "GET /api/v1/me/addresses": () => json({ items: [] }),
      "POST /api/v1/orders/quote": () => json({ ...quote, shop_open: false }),
    });
    const user = userEvent.setup();
    renderCheckout();
    await user.click(await screen.findByRole("radio", { name: /^À emporter/ }));
    expect(await screen.findByText(/^Fermé du 24 au 26 décembre : congés\. La pizzeria rouvre dimanche 11:00/)).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /^Commander/ })).toBeNull();
  });

  it("names a line the shop has paused at that line, without a failure panel, and never calls it a stock shortage", async () => {
    const paused = {
      type: "https://ocpizza.fr/problems/conflict",
      detail: "not on this shop's menu right now: Reine",
      errors: [{ field: "items[0].product_id", code: "paused", message: "Reine is paused in this shop" }],
    };
    mockApi({
      "GET /api/v1/me": () => json({ id: "u", email: "c@x.fr", full_name: "Camille Client", role: "customer", created_at: "2026-01-01T00:00:00Z" }),
      [`GET /api/v1/shops/${SHOP_ID}`]: () => json(shop),
      "GET /api/v1/me/addresses": () => json({ items: [] }),
      "POST /api/v1/orders/quote": () => problem(409, paused),
    });
    const user = userEvent.setup();
    renderCheckout();
    await user.click(await screen.findByRole("radio", { name: /^À emporter/ }));
    expect(await screen.findByText(/Ce produit n'est pas proposé par cette pizzeria pour le moment/)).toBeInTheDocument();
    expect(screen.queryByText("Prix non calculé")).toBeNull();
    expect(screen.queryByText(/Stock insuffisant/)).toBeNull();
    expect(screen.getByRole("button", { name: /^Commander/ })).toBeDisabled();
  });
});
