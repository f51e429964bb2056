import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tokens } from "../../api/tokens";
import type { Order, PaymentView, RefundView, User } from "../../api/types";
import { I18nProvider } from "../../i18n";
import { shop, SHOP_ID } from "../../test/fixtures";
import { json, mockApi, problem } from "../../test/http";
import { ToastProvider } from "../../ui/Toast";
import { StaffContext } from "../StaffContext";
import OrdersPage from "./OrdersPage";
import { parseAmount } from "./RefundForm";

const manager: User = { id: "u-boss", email: "chef@ocpizza.fr", full_name: "Marco Chef", role: "manager", shop_id: SHOP_ID, created_at: "2026-01-01T00:00:00Z" };

const order: Order = {
  id: "o-12",
  number: 12,
  shop_id: SHOP_ID,
  status: "picked_up",
  fulfilment: "pickup",
  payment_method: "cash",
  customer_id: "c-jean",
  customer_name: "Jean Martin",
  customer_phone: "+33698765432",
  lines: [{ product_id: "p-reine", product_name: "Reine", size: "medium", size_label: "Moyenne", quantity: 2, unit_price_cents: 1150, line_total_cents: 2300, added: [], removed: [] }],
  subtotal_cents: 2300,
  delivery_fee_cents: 0,
  total_cents: 2300,
  currency: "EUR",
  changeable: false,
  history: [
    { from: null, to: "placed", actor_id: "u-desk", note: null, at: "2026-11-30T18:00:00Z" },
    { from: "placed", to: "placed", actor_id: "u-desk", note: "modified", at: "2026-11-30T18:03:00Z" },
    { from: "placed", to: "preparing", actor_id: "u-pizza", note: null, at: "2026-11-30T18:05:00Z" },
    { from: "preparing", to: "ready", actor_id: "u-pizza", note: null, at: "2026-11-30T18:20:00Z" },
    { from: "ready", to: "picked_up", actor_id: "u-desk", note: null, at: "2026-11-30T18:30:00Z" },
  ],
  created_at: "2026-11-30T18:00:00Z",
  updated_at: "2026-11-30T18:30:00Z",
};

const cash: PaymentView = {
  id: "pay-1",
  provider: "cash",
  status: "succeeded",
  amount_cents: 2300,
  refunded_cents: 0,
  refunds: [],
  currency: "EUR",
  provider_ref: null,
  created_at: "2026-11-30T18:30:00Z",
  updated_at: "2026-11-30T18:30:00Z",
};

function renderAt(path: string) {
  return render(
    <I18nProvider initialLocale="fr">
      <MemoryRouter initialEntries={[path]}>
        <ToastProvider>
          <StaffContext.Provider value={{ user: manager, role: "manager", shop }}>
            <Routes>
              <Route path="/staff/orders/*" element={<OrdersPage />} />
            </Routes>
          </StaffContext.Provider>
        </ToastProvider>
      </MemoryRouter>
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

describe("the shop's orders", () => {
  it("asks for the orders the filters name, 25 at a time, and for the next page by its cursor", async () => {
    const { seen } = mockApi({
      "GET /api/v1/orders": (request) => {
        const q = new URL(request.url).searchParams;
        if (q.get("cursor") === "c-2") return json({ items: [{ ...order, id: "o-11", number: 11 }], next_cursor: null });
        if (q.get("status") === "cancelled") return json({ items: [], next_cursor: null });
        return json({ items: [order], next_cursor: "c-2" });
      },
    });
    const user = userEvent.setup();
    renderAt("/staff/orders");
    const list = await screen.findByRole("list", { name: "Commandes de la boutique" });
    const link = await within(list).findByRole("link", { name: "Ouvrir la commande n° 12" });
    expect(link).toHaveAttribute("href", "/staff/orders/o-12");
    expect(link.closest("li")).toHaveTextContent(/^N° 12 · Jean Martin23,00\s€RetiréeÀ emporterEspèces30 nov\., 19:00$/);
    const last = () => new URL(seen.at(-1)!.url).searchParams;
    expect(Object.fromEntries(last())).toEqual({ shop_id: SHOP_ID, limit: "25" });

    await user.click(screen.getByRole("button", { name: "Voir plus" }));
    expect(await within(list).findByRole("link", { name: "Ouvrir la commande n° 11" })).toBeInTheDocument();
    expect(last().get("cursor")).toBe("c-2");
    expect(screen.queryByRole("button", { name: "Voir plus" })).not.toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText("Paiement"), "Espèces");
    await user.selectOptions(screen.getByLabelText("Mode"), "À emporter");
    await user.type(screen.getByLabelText("Du"), "2026-11-01");
    await user.type(screen.getByLabelText("Au"), "2026-11-30");
    await waitFor(() =>
      expect(Object.fromEntries(last())).toEqual({ shop_id: SHOP_ID, limit: "25", payment_method: "cash", fulfilment: "pickup", from: "2026-11-01", to: "2026-11-30" }),
    );
    // A new filter starts again from the first page.
    expect(within(list).queryByRole("link", { name: "Ouvrir la commande n° 11" })).not.toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText("Statut"), "cancelled");
    await waitFor(() => expect(last().get("status")).toBe("cancelled"));
    expect(await screen.findByText("Aucune commande pour ces filtres.")).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText("Paiement"), "Tous");
    await waitFor(() => expect(last().has("payment_method")).toBe(false));
  });
});

describe("an order's page", () => {
  it("shows its lines, payments, refunds and history in French, nothing of the server's English notes", async () => {
    const byHand: RefundView = { id: "r-1", amount_cents: 250, method: "cash", status: "succeeded", reason: "boisson oubliée", created_by: manager.id, created_at: "2026-11-30T18:40:00Z", provider_ref: null };
    const noted = { from: "picked_up" as const, to: "picked_up" as const, actor_id: manager.id, note: "refunded 2.50 EUR (cash): boisson oubliée", at: "2026-11-30T18:40:00Z" };
    mockApi({
      "GET /api/v1/orders/o-12": () => json({ ...order, history: [...order.history, noted] }),
      "GET /api/v1/orders/o-12/payments": () => json({ items: [{ ...cash, refunded_cents: 250, refunds: [byHand] }] }),
    });
    renderAt("/staff/orders/o-12");
    expect(await screen.findByRole("heading", { name: "N° 12 · Jean Martin" })).toBeInTheDocument();
    expect(screen.getByText(/2 × Reine \(Moyenne\) — 23,00\s€/)).toBeInTheDocument();
    const payments = screen.getByRole("region", { name: "Paiements et remboursements" });
    expect(payments).toHaveTextContent(/23,00\s€ payé \(espèces\), 2,50\s€ remboursé/);
    expect(payments).toHaveTextContent(/Remboursé 2,50\s€ \(en espèces\) — boisson oubliée · 30 nov\., 19:40/);

    const history = within(screen.getByRole("region", { name: "Historique" })).getAllByRole("listitem").map((li) => li.textContent);
    expect(history).toEqual([
      "30 nov., 19:00 — Reçue",
      "30 nov., 19:03 — Commande modifiée",
      "30 nov., 19:05 — En préparation",
      "30 nov., 19:20 — Prête",
      "30 nov., 19:30 — Retirée",
      "30 nov., 19:40 — Remboursement de 2,50\u00a0€ en espèces · boisson oubliée",
    ]);
    expect(document.body).not.toHaveTextContent(/refunded|modified/);
    // Less than what was collected is left: the form says how much.
    expect(screen.getByLabelText("Montant (EUR)")).toHaveAccessibleDescription(/Au plus 20,50\s€ \(encaissé moins déjà remboursé\)\./);
  });

  it("pays back by hand: parses 2,50 as 250 cents, refuses more than what is left and a missing reason before asking, and shows the server's refusal", async () => {
    const sent: unknown[] = [];
    let payments = [{ ...cash, refunded_cents: 2000 }];
    const { seen } = mockApi({
      "GET /api/v1/orders/o-12": () => json(order),
      "GET /api/v1/orders/o-12/payments": () => json({ items: payments }),
      "POST /api/v1/orders/o-12/refunds": async (request) => {
        const body = (await request.json()) as { amount_cents: number; method: "cash" | "card"; reason: string };
        sent.push(body);
        if (body.reason === "trop")
          return problem(422, { type: "https://ocpizza.fr/problems/validation", errors: [{ field: "amount_cents", code: "out_of_range", message: "between 1 and 300 (collected 2300, refunded 2000)" }] });
        const refund: RefundView = { id: "r-2", amount_cents: body.amount_cents, method: body.method, status: "succeeded", reason: body.reason, created_by: manager.id, created_at: "2026-11-30T18:45:00Z", provider_ref: null };
        payments = [{ ...cash, refunded_cents: 2000 + body.amount_cents, refunds: [refund] }];
        return json(refund, 201);
      },
    });
    const user = userEvent.setup();
    renderAt("/staff/orders/o-12");
    const form = await screen.findByRole("form", { name: "Rembourser tout ou partie de la commande" });
    const amount = within(form).getByLabelText("Montant (EUR)");
    const reason = within(form).getByLabelText("Motif");
    expect(amount).toHaveAccessibleDescription(/Au plus 3,00\s€/);
    const refund = within(form).getByRole("button", { name: "Rembourser" });

    await user.type(amount, "3,50");
    await user.click(refund);
    expect(amount).toHaveAccessibleDescription(/Au plus 3,00\s€ : c'est ce qui reste à rembourser\./);
    expect(reason).toHaveAccessibleDescription("Indiquez le motif.");
    await user.clear(amount);
    await user.type(amount, "deux euros");
    await user.click(refund);
    expect(amount).toHaveAccessibleDescription(/Donnez un montant positif, en euros \(ex\. 4,50\)\./);
    expect(seen.filter((r) => r.method === "POST")).toHaveLength(0);

    // The server knows better (another refund in the meantime): its refusal at the amount.
    await user.clear(amount);
    await user.type(amount, "3");
    await user.type(reason, "trop");
    await user.click(refund);
    await waitFor(() => expect(amount).toHaveAccessibleDescription(/Plus que ce qui reste à rembourser\./));
    expect(within(form).getByRole("alert")).not.toHaveTextContent("between");

    await user.clear(amount);
    await user.type(amount, "2,50");
    await user.clear(reason);
    await user.type(reason, "  boisson oubliée ");
    await user.selectOptions(within(form).getByLabelText("Comment"), "sur le terminal de carte");
    await user.click(refund);
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent(/Remboursement de 2,50\s€ enregistré/));
    expect(sent.at(-1)).toEqual({ amount_cents: 250, method: "card", reason: "boisson oubliée" });
    // Read again: 50 cents are left.
    expect(await screen.findByText(/Au plus 0,50\s€/)).toBeInTheDocument();
    expect(screen.getByRole("region", { name: "Historique" })).toHaveTextContent(/Remboursement de 2,50\s€ sur le terminal de carte · boisson oubliée/);
  });

  it("offers no refund once everything collected was paid back, and tells an online order's automatic refund in words", async () => {
    const online: Order = {
      ...order,
      payment_method: "online",
      status: "cancelled",
      history: [
        { from: null, to: "pending_payment", actor_id: "c-jean", note: null, at: "2026-11-30T18:00:00Z" },
        { from: "pending_payment", to: "placed", actor_id: null, note: "paid online", at: "2026-11-30T18:01:00Z" },
        { from: "placed", to: "cancelled", actor_id: "c-jean", note: "plus faim", at: "2026-11-30T18:02:00Z" },
      ],
    };
    const auto: RefundView = { id: "r-3", amount_cents: 2300, method: "online", status: "pending", reason: "order cancelled", created_by: null, created_at: "2026-11-30T18:02:01Z", provider_ref: "re_1" };
    mockApi({
      "GET /api/v1/orders/o-12": () => json(online),
      "GET /api/v1/orders/o-12/payments": () => json({ items: [{ ...cash, provider: "stripe", refunded_cents: 2300, refunds: [auto] }] }),
    });
    renderAt("/staff/orders/o-12");
    const history = await screen.findByRole("region", { name: "Historique" });
    expect(within(history).getAllByRole("listitem").map((li) => li.textContent)).toEqual([
      "30 nov., 19:00 — En attente du paiement",
      "30 nov., 19:01 — Payée en ligne",
      "30 nov., 19:02 — Annulée · plus faim",
      "30 nov., 19:02 — Remboursement de 23,00\u00a0€ en ligne (en attente) · commande annulée",
    ]);
    expect(screen.getByRole("region", { name: "Paiements et remboursements" })).toHaveTextContent(/Remboursé 23,00\s€ \(en ligne\) — commande annulée \(en attente\)/);
    expect(document.body).not.toHaveTextContent(/order cancelled|paid online/);
    expect(screen.queryByRole("form", { name: "Rembourser tout ou partie de la commande" })).not.toBeInTheDocument();
  });
});

describe("an amount typed in euros", () => {
  it("reads a comma or a point, at most two decimals, and nothing but a positive amount", () => {
    expect(parseAmount("2,50")).toBe(250);
    expect(parseAmount(" 2.5 ")).toBe(250);
    expect(parseAmount("12")).toBe(1200);
    expect(parseAmount("0,05")).toBe(5);
    expect(parseAmount("0")).toBeNull();
    expect(parseAmount("2,505")).toBeNull();
    expect(parseAmount("-2")).toBeNull();
    expect(parseAmount("2 €")).toBeNull();
    expect(parseAmount("")).toBeNull();
  });
});
