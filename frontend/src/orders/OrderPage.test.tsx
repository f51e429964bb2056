import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AuthProvider } from "../accounts/AuthContext";
import { tokens } from "../api/tokens";
import type { Order } from "../api/types";
import { I18nProvider } from "../i18n";
import { SHOP_ID } from "../test/fixtures";
import { json, mockApi } from "../test/http";
import { ToastProvider } from "../ui/Toast";
import { OrderPage } from "./OrderPage";

const order: Order = {
  id: "order-9",
  number: 9,
  shop_id: SHOP_ID,
  status: "placed",
  fulfilment: "pickup",
  payment_method: "cash",
  customer_name: "Camille Client",
  lines: [],
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

function renderOrder(shown: Order) {
  mockApi({
    "GET /api/v1/me": () => json({ id: "u", email: "c@x.fr", full_name: "Camille Client", role: "customer", created_at: "2026-01-01T00:00:00Z" }),
    [`GET /api/v1/orders/${shown.id}`]: () => json(shown),
    // The live stream: one empty answer (the page then reloads and waits).
    [`GET /api/v1/orders/${shown.id}/events`]: () => new Response("", { headers: { "Content-Type": "text/event-stream" } }),
  });
  return render(
    <I18nProvider initialLocale="fr">
      <ToastProvider>
        <AuthProvider>
          <MemoryRouter initialEntries={[`/orders/${shown.id}`]}>
            <Routes>
              <Route path="/orders/:orderId" element={<OrderPage />} />
            </Routes>
          </MemoryRouter>
        </AuthProvider>
      </ToastProvider>
    </I18nProvider>,
  );
}

beforeEach(() => {
  tokens.set({ access_token: "a", refresh_token: "r", token_type: "Bearer", expires_in: 900 });
});

afterEach(() => {
  vi.unstubAllGlobals();
  tokens.clear();
});

describe("an order before preparation", () => {
  it("paid on collection: offers to change or cancel it", async () => {
    renderOrder(order);
    expect(await screen.findByText(/Vous pouvez modifier ou annuler/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Modifier la commande" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Annuler la commande" })).toBeInTheDocument();
  });

  it("paid online: says it can only be cancelled and refunded, and offers only that", async () => {
    const user = userEvent.setup();
    renderOrder({ ...order, payment_method: "online" });
    expect(await screen.findByText(/payée en ligne : vous pouvez l'annuler/)).toBeInTheDocument();
    expect(screen.queryByText(/modifier ou annuler/)).toBeNull();
    expect(screen.queryByRole("link", { name: "Modifier la commande" })).toBeNull();
    await user.click(screen.getByRole("button", { name: "Annuler la commande" }));
    expect(await screen.findByText(/le paiement en ligne vous sera remboursé intégralement/)).toBeInTheDocument();
  });
});
