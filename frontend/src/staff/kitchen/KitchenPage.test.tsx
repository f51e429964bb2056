import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { KitchenQueue, User } from "../../api/types";
import { I18nProvider } from "../../i18n";
import { shop, SHOP_ID } from "../../test/fixtures";
import { json, mockApi } from "../../test/http";
import { StaffContext } from "../StaffContext";
import KitchenPage from "./KitchenPage";

const cook: User = {
  id: "u-cook",
  email: "pizzaiolo@ocpizza.fr",
  full_name: "Paolo Pizzaiolo",
  role: "pizzaiolo",
  shop_id: SHOP_ID,
  created_at: "2026-01-01T00:00:00Z",
};

function queue(status: "placed" | "preparing"): KitchenQueue {
  return {
    warn_after_minutes: 10,
    late_after_minutes: 20,
    recent: [],
    items: [
      {
        order_id: "o-42",
        number: 42,
        status,
        fulfilment: "delivery",
        placed_at: new Date(Date.now() - 25 * 60_000).toISOString(),
        lines: [
          {
            kind: "pizza",
            product_name: "Reine",
            size: "large",
            size_label: "Grande (40 cm)",
            quantity: 2,
            added: ["Olives noires"],
            removed: ["Champignons"],
            recipe: [{ ingredient_id: "i-1", name: "Mozzarella", quantity: 180, unit: "g" }],
            steps: ["Étaler"],
            allergens: ["gluten", "milk"],
            memos: [],
          },
          { kind: "drink", product_name: "Eau", size: "bottle", size_label: "50 cl", quantity: 1, added: [], removed: [], recipe: [], steps: [], allergens: [], memos: [] },
        ],
      },
    ],
  };
}

afterEach(() => vi.unstubAllGlobals());

describe("the kitchen screen", () => {
  it("shows a late ticket in words, its pizza and what to pack, and bumps it with Enter", async () => {
    let status: "placed" | "preparing" = "placed";
    const { seen } = mockApi({
      [`GET /api/v1/shops/${SHOP_ID}/kitchen`]: () => json(queue(status)),
      "POST /api/v1/orders/o-42/transitions": () => {
        status = "preparing";
        return json({});
      },
    });
    render(
      <I18nProvider initialLocale="fr">
        <StaffContext.Provider value={{ user: cook, role: "pizzaiolo", shop: { ...shop, id: SHOP_ID } }}>
          <KitchenPage />
        </StaffContext.Provider>
      </I18nProvider>,
    );
    const ticket = (await screen.findByRole("heading", { name: /#42$/ })).closest("article") as HTMLElement;
    expect(within(ticket).getByText("En retard")).toBeInTheDocument();
    expect(within(ticket).getByText("Champignons").tagName).toBe("DEL");
    expect(within(ticket).getByText("+ Olives noires").tagName).toBe("MARK");
    expect(within(ticket).getByText("Allergènes :").parentElement).toHaveTextContent("gluten, lait");
    expect(within(ticket).getByRole("region", { name: "À emballer" })).toHaveTextContent("1 × Eau");
    expect(screen.getByRole("region", { name: "À faire" })).toHaveTextContent("2 Reine Grande (40 cm)");

    await userEvent.keyboard("{Enter}");
    await waitFor(() => expect(within(ticket).getByRole("button", { name: "Prête n° 42" })).toBeInTheDocument());
    const bump = seen.find((r) => r.method === "POST");
    expect(await bump?.json()).toEqual({ to: "preparing" });
  });
});
