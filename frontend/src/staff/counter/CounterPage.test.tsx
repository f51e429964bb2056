import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tokens } from "../../api/tokens";
import type { CustomerMatch, Menu, Order, Quote, User } from "../../api/types";
import { I18nProvider } from "../../i18n";
import { margherita, menu, shop, SHOP_ID } from "../../test/fixtures";
import { json, mockApi, problem } from "../../test/http";
import { StaffContext } from "../StaffContext";
import { touches } from "../useLiveShop";
import CounterPage from "./CounterPage";

const taker: User = {
  id: "u-desk",
  email: "accueil@ocpizza.fr",
  full_name: "Alex Accueil",
  role: "order_taker",
  shop_id: SHOP_ID,
  created_at: "2026-01-01T00:00:00Z",
};

const jean: CustomerMatch = { id: "c-jean", full_name: "Jean Martin", phone: "+33698765432", email: null };

const quote: Quote = {
  shop_id: SHOP_ID,
  currency: "EUR",
  lines: [],
  subtotal_cents: 2300,
  delivery_fee_cents: 0,
  total_cents: 2300,
  minimum_order_cents: 1200,
  meets_minimum: true,
  shop_open: true,
  in_stock: true,
};

function placedOrder(body: { customer_id?: string }): Order {
  return {
    id: "o-12",
    number: 12,
    shop_id: SHOP_ID,
    status: "placed",
    fulfilment: "pickup",
    payment_method: "cash",
    customer_id: body.customer_id ?? null,
    customer_name: "Jean Martin",
    customer_phone: "+33698765432",
    lines: [],
    subtotal_cents: 2300,
    delivery_fee_cents: 0,
    total_cents: 2300,
    currency: "EUR",
    changeable: true,
    history: [],
    created_at: "2026-11-24T18:00:00Z",
    updated_at: "2026-11-24T18:00:00Z",
  };
}

/** The shop's stream, left open; `send` pushes one SSE frame. */
function shopStream() {
  let push: ((text: string) => void) | null = null;
  const open = () =>
    new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          push = (text) => controller.enqueue(new TextEncoder().encode(text));
          push('id: 1\nevent: snapshot\ndata: {"orders":[]}\n\n');
        },
      }),
      { status: 200, headers: { "Content-Type": "text/event-stream" } },
    );
  return { open, send: (text: string) => push?.(text), opened: () => push !== null };
}

function routes(overrides: Record<string, (request: Request) => Response | Promise<Response>> = {}) {
  const stream = shopStream();
  const api = mockApi({
    "GET /api/v1/orders": () => json({ items: [], next_cursor: null }),
    [`GET /api/v1/shops/${SHOP_ID}/menu`]: () => json(menu),
    [`GET /api/v1/shops/${SHOP_ID}/events`]: stream.open,
    "GET /api/v1/customers": () => json({ items: [] }),
    "POST /api/v1/orders/quote": () => json(quote),
    ...overrides,
  });
  return { ...api, stream };
}

function renderCounter() {
  return render(
    <I18nProvider initialLocale="fr">
      <StaffContext.Provider value={{ user: taker, role: "order_taker", shop }}>
        <CounterPage />
      </StaffContext.Provider>
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

describe("recording a new caller at the counter", () => {
  it("offers it when nobody has the number, shows the server's errors by their fields, and places the order for them", async () => {
    const sent: unknown[] = [];
    let placed: { customer_id?: string; walk_in?: unknown } | null = null;
    routes({
      "POST /api/v1/customers": async (request) => {
        const body = (await request.json()) as { full_name: string };
        sent.push(body);
        if (!body.full_name)
          return problem(422, {
            type: "https://ocpizza.fr/problems/validation",
            errors: [{ field: "full_name", code: "length", message: "1 to 120 characters" }],
          });
        return json(jean, 201);
      },
      "POST /api/v1/orders": async (request) => {
        placed = (await request.json()) as typeof placed;
        return json(placedOrder(placed ?? {}), 201);
      },
    });
    const user = userEvent.setup();
    renderCounter();
    await user.type(screen.getByLabelText("Téléphone ou nom du client"), "06 98 76 54 32");
    expect(await screen.findByText("Personne avec ce numéro ou ce nom.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Nouveau client" }));

    const form = screen.getByRole("form", { name: "Enregistrer un nouveau client" });
    expect(within(form).getByLabelText("Téléphone")).toHaveValue("06 98 76 54 32");
    await user.click(within(form).getByRole("button", { name: "Enregistrer le client" }));
    const name = within(form).getByLabelText("Nom complet");
    await waitFor(() => expect(name).toHaveAccessibleDescription("Le nom doit faire entre 1 et 120 caractères."));
    expect(name).toHaveAttribute("aria-invalid", "true");

    await user.type(name, "Jean Martin");
    await user.type(within(form).getByLabelText("Adresse e-mail (facultative)"), "  ");
    await user.click(within(form).getByRole("button", { name: "Enregistrer le client" }));
    expect(await screen.findByRole("heading", { name: "Commande pour Jean Martin" })).toBeInTheDocument();
    expect(sent.at(-1)).toEqual({ full_name: "Jean Martin", phone: "06 98 76 54 32", email: null });

    await user.click(await screen.findByRole("button", { name: /^Margherita/ }));
    const sheet = await screen.findByRole("dialog", { name: "Margherita" });
    await user.click(within(sheet).getByRole("button", { name: /^Ajouter/ }));
    await user.click(await screen.findByRole("button", { name: /^Enregistrer la commande — 23,00/ }));
    expect(await screen.findByText("Commande n° 12 enregistrée pour Jean Martin.")).toBeInTheDocument();
    expect(placed).toMatchObject({ customer_id: "c-jean", fulfilment: "pickup" });
    expect(placed).not.toHaveProperty("walk_in");
  });

  it("says a known number is already a customer's and looks them up by it", async () => {
    const asked: string[] = [];
    routes({
      "GET /api/v1/customers": (request) => {
        const q = new URL(request.url).searchParams.get("q") ?? "";
        asked.push(q);
        return json({ items: q === "0698765432" ? [jean] : [] });
      },
      "POST /api/v1/customers": () =>
        problem(409, {
          type: "https://ocpizza.fr/problems/conflict",
          detail: "a customer already has this phone number: look them up",
          errors: [{ field: "phone", code: "taken", message: "a customer already has this phone number: look them up" }],
        }),
    });
    const user = userEvent.setup();
    renderCounter();
    await user.type(screen.getByLabelText("Téléphone ou nom du client"), "Jean");
    await user.click(await screen.findByRole("button", { name: "Nouveau client" }));
    const form = screen.getByRole("form", { name: "Enregistrer un nouveau client" });
    expect(within(form).getByLabelText("Nom complet")).toHaveValue("Jean");
    await user.type(within(form).getByLabelText("Téléphone"), "06 98 76 54 32");
    await user.click(within(form).getByRole("button", { name: "Enregistrer le client" }));
    await waitFor(() =>
      expect(within(form).getByLabelText("Téléphone")).toHaveAccessibleDescription("Ce numéro est déjà celui d'un client."),
    );

    await user.click(within(form).getByRole("button", { name: "Retrouver ce client" }));
    expect(screen.getByLabelText("Téléphone ou nom du client")).toHaveValue("06 98 76 54 32");
    await user.click(await screen.findByRole("button", { name: /Jean Martin/ }));
    expect(await screen.findByRole("heading", { name: "Commande pour Jean Martin" })).toBeInTheDocument();
    expect(asked).toContain("0698765432");
  });
});

describe("the counter's menu", () => {
  it("tells stock events from order events", () => {
    expect(touches({ event: "stock", data: "{}" })).toBe("stock");
    expect(touches({ event: "order", data: "{}" })).toBe("orders");
    expect(touches({ event: "snapshot", data: "{}" })).toBe("orders");
    expect(touches({ event: "resync", data: "{}" })).toBe("both");
  });

  it("shows a product run out as unavailable when the stream says the stock changed", async () => {
    let current: Menu = menu;
    const { stream, seen } = routes({ [`GET /api/v1/shops/${SHOP_ID}/menu`]: () => json(current) });
    const user = userEvent.setup();
    renderCounter();
    await user.click(screen.getByRole("button", { name: "Client de passage" }));
    await user.type(screen.getByLabelText("Nom complet"), "Léa");
    await user.type(screen.getByLabelText("Téléphone"), "06 11 22 33 44");
    await user.click(screen.getByRole("button", { name: "Prendre la commande" }));
    const search = await screen.findByLabelText("Rechercher sur la carte");
    await user.type(search, "marg");
    expect(await screen.findByRole("button", { name: /^Margherita/ })).toBeEnabled();
    await waitFor(() => expect(stream.opened()).toBe(true));
    const menuReads = () => seen.filter((r) => r.url.endsWith("/menu")).length;
    const before = menuReads();

    // An order event does not reload the menu.
    stream.send('id: 2\nevent: order\ndata: {"kind":"order_placed"}\n\n');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(menuReads()).toBe(before);

    current = {
      ...menu,
      categories: menu.categories.map((c) => ({
        ...c,
        products: c.products.map((p) => (p.id === margherita.id ? { ...p, available: false } : p)),
      })),
    };
    stream.send('id: 3\nevent: stock\ndata: {"kind":"stock_changed","ingredient_ids":["i-mozza"]}\n\n');
    await waitFor(() => expect(screen.getByRole("button", { name: /^Margherita/ })).toBeDisabled());
    expect(screen.getByRole("button", { name: /^Margherita/ })).toHaveTextContent("Indisponible");
    expect(menuReads()).toBe(before + 1);
    // Refreshed in place: the search typed is still there.
    expect(screen.getByLabelText("Rechercher sur la carte")).toHaveValue("marg");
  });
});
