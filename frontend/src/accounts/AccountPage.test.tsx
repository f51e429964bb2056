import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router-dom";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tokens } from "../api/tokens";
import type { Address, User } from "../api/types";
import { I18nProvider } from "../i18n";
import { json, mockApi, problem } from "../test/http";
import { ToastProvider } from "../ui/Toast";
import { AccountPage } from "./AccountPage";
import { AuthProvider } from "./AuthContext";

const customer: User = {
  id: "u1",
  email: "lea@example.com",
  full_name: "Léa Martin",
  phone: null,
  role: "customer",
  created_at: "2026-01-01T10:00:00Z",
};

const home: Address = {
  id: "a1",
  label: "Maison",
  line1: "3 place Bellecour",
  line2: null,
  postal_code: "69002",
  city: "Lyon",
  instructions: null,
  created_at: "2026-01-01T10:00:00Z",
} as Address;

function renderAccount() {
  return render(
    <I18nProvider initialLocale="fr">
      <ToastProvider>
        <AuthProvider>
          <MemoryRouter initialEntries={["/account"]}>
            <AccountPage />
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
  tokens.clear("logout");
  vi.unstubAllGlobals();
});

describe("the account's address book", () => {
  it("adds an address with the address form, the server's field errors next to their fields", async () => {
    let attempts = 0;
    const { seen } = mockApi({
      "GET /api/v1/me": () => json(customer),
      "GET /api/v1/me/addresses": () => json({ items: [] }),
      "POST /api/v1/me/addresses": async (request) => {
        attempts += 1;
        if (attempts === 1) {
          return problem(422, {
            type: "https://ocpizza.fr/problems/validation",
            errors: [{ field: "postal_code", code: "invalid", message: "five digits" }],
          });
        }
        return json({ ...home, ...((await request.json()) as object), id: "a2" }, 201);
      },
    });
    const user = userEvent.setup();
    renderAccount();

    await screen.findByText("Aucune adresse enregistrée.");
    await user.click(screen.getByRole("button", { name: "Ajouter une adresse" }));
    const form = screen.getByRole("form", { name: "Nouvelle adresse" });
    await user.type(within(form).getByLabelText("Adresse"), "12 rue Mercière");
    await user.type(within(form).getByLabelText("Code postal"), "6900");
    await user.type(within(form).getByLabelText("Ville"), "Lyon");
    await user.click(within(form).getByRole("button", { name: "Enregistrer" }));

    expect(await within(form).findByText("Ce code postal n'est pas valide.")).toBeInTheDocument();
    expect(within(form).getByLabelText("Code postal")).toHaveAttribute("aria-invalid", "true");

    await user.type(within(form).getByLabelText("Code postal"), "2");
    await user.click(within(form).getByRole("button", { name: "Enregistrer" }));

    expect(await screen.findByText(/12 rue Mercière/)).toBeInTheDocument();
    expect(screen.queryByRole("form", { name: "Nouvelle adresse" })).not.toBeInTheDocument();
    const sent = seen.filter((r) => r.method === "POST" && r.url.endsWith("/me/addresses"));
    expect(await sent[1]?.json()).toEqual({
      label: "Maison",
      line1: "12 rue Mercière",
      line2: null,
      postal_code: "69002",
      city: "Lyon",
      instructions: null,
    });
  });

  it("deletes a saved address after confirmation", async () => {
    mockApi({
      "GET /api/v1/me": () => json(customer),
      "GET /api/v1/me/addresses": () => json({ items: [home] }),
      "DELETE /api/v1/me/addresses/a1": () => new Response(null, { status: 204 }),
    });
    vi.spyOn(window, "confirm").mockReturnValue(true);
    const user = userEvent.setup();
    renderAccount();

    await screen.findByText(/3 place Bellecour/);
    await user.click(screen.getByRole("button", { name: "Supprimer Maison" }));

    expect(await screen.findByText("Aucune adresse enregistrée.")).toBeInTheDocument();
  });
});
