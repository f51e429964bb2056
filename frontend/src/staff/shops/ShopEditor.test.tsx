import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tokens } from "../../api/tokens";
import type { Shop, ShopInput } from "../../api/types";
import { I18nProvider } from "../../i18n";
import { shop as baseShop, SHOP_ID } from "../../test/fixtures";
import { json, mockApi, problem } from "../../test/http";
import { ShopEditor } from "./ShopEditor";

const shop: Shop = {
  ...baseShop,
  hours: [
    { weekday: 2, opens_at: "11:30", closes_at: "14:00" },
    { weekday: 2, opens_at: "18:30", closes_at: "22:30" },
  ],
};

function renderEditor(onSaved = vi.fn()) {
  render(
    <I18nProvider initialLocale="fr">
      <ShopEditor shop={shop} onSaved={onSaved} />
    </I18nProvider>,
  );
  return onSaved;
}

beforeEach(() => {
  tokens.set({ access_token: "a", refresh_token: "r", token_type: "Bearer", expires_in: 900 });
});

afterEach(() => {
  vi.unstubAllGlobals();
  tokens.clear();
});

describe("the shop form", () => {
  it("sends amounts in cents and the week's ranges, and hands back the saved shop", async () => {
    let sent: ShopInput | null = null;
    mockApi({
      [`PATCH /api/v1/shops/${SHOP_ID}`]: async (request) => {
        sent = (await request.json()) as ShopInput;
        return json({ ...shop, delivery_fee_cents: 300 });
      },
    });
    const onSaved = renderEditor();
    const user = userEvent.setup();
    await user.clear(screen.getByLabelText("Frais de livraison (€)"));
    await user.type(screen.getByLabelText("Frais de livraison (€)"), "3");
    const sunday = screen.getByRole("group", { name: "dimanche" });
    await user.click(within(sunday).getByRole("button", { name: /Ajouter une plage/ }));
    await user.click(screen.getByRole("button", { name: "Enregistrer" }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ delivery_fee_cents: 300 })));
    expect(sent).toMatchObject({
      delivery_fee_cents: 300,
      min_order_cents: 1200,
      delivery_postal_codes: ["69003"],
      hours: [
        { weekday: 2, opens_at: "11:30", closes_at: "14:00" },
        { weekday: 2, opens_at: "18:30", closes_at: "22:30" },
        { weekday: 7, opens_at: "11:30", closes_at: "14:00" },
      ],
    });
  });

  it("shows the API's errors next to the range and the field they name", async () => {
    mockApi({
      [`PATCH /api/v1/shops/${SHOP_ID}`]: () =>
        problem(422, {
          errors: [
            { field: "hours[1].closes_at", code: "before_opening", message: "must be after opens_at" },
            { field: "timezone", code: "invalid", message: "not an IANA time zone" },
          ],
        }),
    });
    renderEditor();
    const user = userEvent.setup();
    await user.click(screen.getByRole("button", { name: "Enregistrer" }));
    const tuesday = screen.getByRole("group", { name: "mardi" });
    await within(tuesday).findByText("La fermeture doit venir après l'ouverture.");
    const closings = within(tuesday).getAllByLabelText("Fermeture");
    expect(closings[1]).toHaveAttribute("aria-invalid", "true");
    expect(closings[0]).not.toHaveAttribute("aria-invalid");
    expect(screen.getByLabelText("Fuseau horaire")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByText("Un fuseau horaire comme Europe/Paris.")).toBeInTheDocument();
  });

  it("refuses an amount that is not one without asking the server", async () => {
    const { fetchMock } = mockApi({});
    renderEditor();
    const user = userEvent.setup();
    await user.clear(screen.getByLabelText("Minimum de commande (€)"));
    await user.type(screen.getByLabelText("Minimum de commande (€)"), "douze");
    await user.click(screen.getByRole("button", { name: "Enregistrer" }));
    expect(await screen.findByText("Un montant en euros, par exemple 2,50.")).toBeInTheDocument();
    expect(screen.getByLabelText("Minimum de commande (€)")).toHaveAttribute("aria-invalid", "true");
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
