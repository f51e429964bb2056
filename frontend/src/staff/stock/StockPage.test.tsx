import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router-dom";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tokens } from "../../api/tokens";
import type { StockLevels, StockLine, StockMovement, User } from "../../api/types";
import { I18nProvider } from "../../i18n";
import { shop, SHOP_ID } from "../../test/fixtures";
import { json, mockApi, problem } from "../../test/http";
import { ToastProvider } from "../../ui/Toast";
import { StaffContext } from "../StaffContext";
import StockPage from "./StockPage";

const manager: User = { id: "u-boss", email: "chef@ocpizza.fr", full_name: "Marco Chef", role: "manager", shop_id: SHOP_ID, created_at: "2026-01-01T00:00:00Z" };

const mozza: StockLine = { ingredient_id: "i-mozza", name: "Mozzarella", unit: "g", quantity: 18000, low_threshold: 3000, low: false };
const basil: StockLine = { ingredient_id: "i-basil", name: "Basilic frais", unit: "g", quantity: 40, low_threshold: 100, low: true };
const spinach: StockLine = { ingredient_id: "i-spinach", name: "Épinards", unit: "g", quantity: 900, low_threshold: 1000, low: true };
const eggs: StockLine = { ingredient_id: "i-eggs", name: "Œufs frais", unit: "piece", quantity: 60, low_threshold: 12, low: false };

const STOCK = `/api/v1/shops/${SHOP_ID}/stock`;
const MOVEMENTS = `${STOCK}/movements`;

const restocked: StockMovement = {
  id: "m-1",
  ingredient_id: "i-mozza",
  ingredient_name: "Mozzarella",
  delta: 5000,
  reason: "restock",
  note: "livraison du lundi",
  actor_id: manager.id,
  actor_name: "Marco Chef",
  order_id: null,
  created_at: "2026-11-30T08:15:00Z",
};
const used: StockMovement = { ...restocked, id: "m-2", delta: -120, reason: "order", note: null, actor_id: null, actor_name: null, order_id: "o-7", created_at: "2026-11-30T19:02:00Z" };

function routes(overrides: Record<string, (request: Request) => Response | Promise<Response>> = {}) {
  return mockApi({
    [`GET ${STOCK}`]: () => json({ items: [mozza, basil, spinach, eggs] }),
    [`GET ${MOVEMENTS}`]: () => json({ items: [used, restocked], next_cursor: null }),
    ...overrides,
  });
}

function renderStock() {
  return render(
    <I18nProvider initialLocale="fr">
      <MemoryRouter>
        <ToastProvider>
          <StaffContext.Provider value={{ user: manager, role: "manager", shop }}>
            <StockPage />
          </StaffContext.Provider>
        </ToastProvider>
      </MemoryRouter>
    </I18nProvider>,
  );
}

const names = () =>
  within(screen.getByRole("list", { name: "Ingrédients, les plus bas d'abord" }))
    .queryAllByRole("heading")
    .map((h) => h.textContent);
const actions = (name: string) => screen.getByRole("group", { name: `Actions pour ${name}` });
const lineOf = (name: string) => screen.getByRole("heading", { name }).closest("li") as HTMLElement;

beforeEach(() => {
  tokens.set({ access_token: "a", refresh_token: "r", token_type: "Bearer", expires_in: 900 });
});

afterEach(() => {
  vi.unstubAllGlobals();
  tokens.clear();
});

describe("the shop's stock", () => {
  it("lists the low ingredients first, then by name, and finds one by part of its name, accents ignored", async () => {
    routes();
    const user = userEvent.setup();
    renderStock();
    expect(await screen.findByText("2 ingrédient(s) sous le seuil")).toBeInTheDocument();
    expect(names()).toEqual(["Basilic frais", "Épinards", "Mozzarella", "Œufs frais"]);
    expect(lineOf("Basilic frais")).toHaveTextContent(/40 gStock basseuil 100 g/);
    expect(lineOf("Œufs frais")).toHaveTextContent("60 pièce(s)");
    expect(lineOf("Mozzarella")).not.toHaveTextContent("Stock bas");

    const search = screen.getByLabelText("Chercher un ingrédient");
    await user.type(search, "EPIN");
    expect(names()).toEqual(["Épinards"]);
    await user.clear(search);
    await user.type(search, "truffe");
    expect(names()).toEqual([]);
    expect(screen.getByText("Aucun ingrédient ne correspond.")).toBeInTheDocument();
  });

  it("records a restock, a waste and a count with the body each needs, and shows the line the server answers", async () => {
    const sent: unknown[] = [];
    routes({
      [`POST ${MOVEMENTS}`]: async (request) => {
        const body = (await request.json()) as { ingredient_id: string; reason: string; delta?: number; quantity?: number };
        sent.push(body);
        const before = body.ingredient_id === mozza.ingredient_id ? mozza : basil;
        const quantity = body.reason === "count" ? (body.quantity ?? 0) : before.quantity + (body.delta ?? 0);
        return json({ ...before, quantity, low: quantity <= before.low_threshold }, 201);
      },
    });
    const user = userEvent.setup();
    renderStock();

    await user.click(within(await screen.findByRole("group", { name: "Actions pour Mozzarella" })).getByRole("button", { name: "Réception" }));
    expect(within(actions("Mozzarella")).getByRole("button", { name: "Réception" })).toHaveAttribute("aria-expanded", "true");
    await user.type(screen.getByLabelText("Quantité reçue (g)"), "5000");
    await user.type(screen.getByLabelText("Note (facultatif)"), "  livraison du lundi ");
    await user.click(screen.getByRole("button", { name: "Enregistrer la réception" }));
    await waitFor(() => expect(lineOf("Mozzarella")).toHaveTextContent("23 000 g"));
    expect(sent.at(-1)).toEqual({ ingredient_id: "i-mozza", reason: "restock", delta: 5000, note: "livraison du lundi" });
    expect(screen.getByRole("status")).toHaveTextContent("Réception de Mozzarella enregistrée");
    expect(screen.queryByLabelText("Quantité reçue (g)")).not.toBeInTheDocument();

    // What was thrown away goes out of the stock: a negative delta.
    await user.click(within(actions("Mozzarella")).getByRole("button", { name: "Perte" }));
    await user.type(screen.getByLabelText("Quantité jetée (g)"), "80");
    await user.click(screen.getByRole("button", { name: "Enregistrer la perte" }));
    await waitFor(() => expect(lineOf("Mozzarella")).toHaveTextContent("17 920 g"));
    expect(sent.at(-1)).toEqual({ ingredient_id: "i-mozza", reason: "waste", delta: -80, note: null });

    // A count gives what is on the shelf; the server works out the difference.
    await user.click(within(actions("Basilic frais")).getByRole("button", { name: "Inventaire" }));
    await user.type(screen.getByLabelText("Quantité comptée (g)"), "250");
    await user.click(screen.getByRole("button", { name: "Enregistrer l'inventaire" }));
    await waitFor(() => expect(lineOf("Basilic frais")).not.toHaveTextContent("Stock bas"));
    expect(sent.at(-1)).toEqual({ ingredient_id: "i-basil", reason: "count", quantity: 250, note: null });
    expect(screen.getByText("1 ingrédient(s) sous le seuil")).toBeInTheDocument();
    // The history is read again after each change.
    expect(names()).toEqual(["Épinards", "Basilic frais", "Mozzarella", "Œufs frais"]);
  });

  it("refuses an amount that is not a whole number before asking, and says in French when the stock is short", async () => {
    const { seen } = routes({
      [`POST ${MOVEMENTS}`]: () =>
        problem(409, { type: "https://ocpizza.fr/problems/conflict", detail: "not enough stock: Basilic frais (needs 500 g, 40 left)" }),
    });
    const user = userEvent.setup();
    renderStock();
    await user.click(within(await screen.findByRole("group", { name: "Actions pour Basilic frais" })).getByRole("button", { name: "Perte" }));
    const amount = screen.getByLabelText("Quantité jetée (g)");
    for (const typed of ["2.5", "0", "-3"]) {
      await user.clear(amount);
      await user.type(amount, typed);
      await user.click(screen.getByRole("button", { name: "Enregistrer la perte" }));
      expect(amount).toHaveAccessibleDescription("Donnez un nombre entier positif.");
      expect(amount).toHaveAttribute("aria-invalid", "true");
    }
    expect(seen.filter((r) => r.method === "POST")).toHaveLength(0);

    await user.clear(amount);
    await user.type(amount, "500");
    await user.click(screen.getByRole("button", { name: "Enregistrer la perte" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Pas assez en stock pour retirer autant");
    expect(screen.getByRole("alert")).not.toHaveTextContent("not enough");
    expect(lineOf("Basilic frais")).toHaveTextContent("40 g");
  });

  it("changes the shop's own threshold, checked before it is sent, and flags the line by the server's answer", async () => {
    const patched: unknown[] = [];
    const { seen } = routes({
      [`PATCH ${STOCK}/${mozza.ingredient_id}`]: async (request) => {
        const body = (await request.json()) as { low_threshold: number };
        patched.push(body);
        return json({ ...mozza, low_threshold: body.low_threshold, low: mozza.quantity <= body.low_threshold });
      },
    });
    const user = userEvent.setup();
    renderStock();
    await user.click(within(await screen.findByRole("group", { name: "Actions pour Mozzarella" })).getByRole("button", { name: "Seuil" }));
    const threshold = screen.getByLabelText("Seuil d'alerte (g)");
    expect(threshold).toHaveValue(3000);
    await user.clear(threshold);
    await user.click(screen.getByRole("button", { name: "Enregistrer" }));
    expect(threshold).toHaveAccessibleDescription(/Donnez un nombre entier, de 0 à 10 000 000\./);
    expect(seen.filter((r) => r.method === "PATCH")).toHaveLength(0);

    await user.type(threshold, "20000");
    await user.click(screen.getByRole("button", { name: "Enregistrer" }));
    await waitFor(() => expect(lineOf("Mozzarella")).toHaveTextContent(/Stock basseuil 20 000 g/));
    expect(patched).toEqual([{ low_threshold: 20000 }]);
    expect(names()[0]).toBe("Basilic frais");
    expect(screen.getByText("3 ingrédient(s) sous le seuil")).toBeInTheDocument();
  });
});

describe("the stock's history and chart", () => {
  it("asks for the movements by ingredient, reason and days, and says a wrong period at its field", async () => {
    const { seen } = routes({
      [`GET ${MOVEMENTS}`]: (request) => {
        const q = new URL(request.url).searchParams;
        if (q.get("to") && q.get("from") && q.get("to")! < q.get("from")!)
          return problem(422, { type: "https://ocpizza.fr/problems/validation", errors: [{ field: "to", code: "before_from", message: "the last day comes on or after the first" }] });
        return json({ items: q.get("reason") === "waste" ? [] : [used, restocked], next_cursor: null });
      },
    });
    const user = userEvent.setup();
    renderStock();
    const table = await screen.findByRole("table", { name: "Historique des mouvements" });
    await waitFor(() => expect(within(table).getAllByRole("row")).toHaveLength(3));
    expect(within(table).getAllByRole("row")[1]).toHaveTextContent(/Mozzarella-120 gCommandecommande/);
    expect(within(table).getAllByRole("row")[2]).toHaveTextContent(/Mozzarella\+5 000 gRéception — livraison du lundiMarco Chef/);
    const query = () => new URL(seen.filter((r) => r.url.includes("/movements")).at(-1)!.url).searchParams;
    expect(query().get("limit")).toBe("25");
    expect(query().has("ingredient_id")).toBe(false);

    await user.selectOptions(screen.getByLabelText("Ingrédient"), "Mozzarella");
    await waitFor(() => expect(query().get("ingredient_id")).toBe("i-mozza"));
    await user.selectOptions(screen.getByLabelText("Motif"), "Perte");
    await waitFor(() => expect(query().get("reason")).toBe("waste"));
    expect(await screen.findByText("Aucun mouvement pour ces filtres.")).toBeInTheDocument();

    await user.type(screen.getByLabelText("Du"), "2026-11-30");
    await user.type(screen.getByLabelText("Au"), "2026-11-01");
    await waitFor(() => expect(query().get("to")).toBe("2026-11-01"));
    expect(query().get("from")).toBe("2026-11-30");
    expect(query().get("ingredient_id")).toBe("i-mozza");
    await waitFor(() => expect(screen.getByLabelText("Au")).toHaveAccessibleDescription("Le dernier jour vient après le premier."));
  });

  it("shows an ingredient's last 30 days with the same figures in a table", async () => {
    const levels: StockLevels = {
      ingredient_id: basil.ingredient_id,
      name: basil.name,
      unit: "g",
      low_threshold: 100,
      items: [
        { day: "2026-11-29", quantity: 400 },
        { day: "2026-11-30", quantity: 160 },
        { day: "2026-12-01", quantity: 40 },
      ],
    };
    const { seen } = routes({ [`GET ${STOCK}/${basil.ingredient_id}/levels`]: () => json(levels) });
    const user = userEvent.setup();
    renderStock();
    const show = within(await screen.findByRole("group", { name: "Actions pour Basilic frais" })).getByRole("button", { name: "30 jours" });
    expect(show).toHaveAttribute("aria-pressed", "false");
    await user.click(show);
    expect(show).toHaveAttribute("aria-pressed", "true");
    const chart = await screen.findByRole("region", { name: "Basilic frais sur 30 jours" });
    expect(await within(chart).findByText("Seuil d'alerte : 100 g")).toBeInTheDocument();
    const figures = within(chart).getByRole("table", { name: "Basilic frais sur 30 jours" });
    const rows = within(figures).getAllByRole("row").map((r) => r.textContent);
    expect(rows).toEqual(["JourNiveau en fin de journée", "29 nov.400 g", "30 nov.160 g", "1 déc.40 g"]);
    expect(new URL(seen.find((r) => r.url.includes("/levels"))!.url).searchParams.get("days")).toBe("30");

    await user.click(within(chart).getByRole("button", { name: "Fermer" }));
    expect(screen.queryByRole("region", { name: "Basilic frais sur 30 jours" })).not.toBeInTheDocument();
  });
});
