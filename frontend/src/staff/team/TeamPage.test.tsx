import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router-dom";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tokens } from "../../api/tokens";
import type { Role, StaffMember, User } from "../../api/types";
import { I18nProvider } from "../../i18n";
import { shop, SHOP_ID } from "../../test/fixtures";
import { json, mockApi, problem } from "../../test/http";
import { ToastProvider } from "../../ui/Toast";
import { StaffContext } from "../StaffContext";
import TeamPage from "./TeamPage";

const manager: User = { id: "u-boss", email: "chef@ocpizza.fr", full_name: "Marco Chef", role: "manager", shop_id: SHOP_ID, created_at: "2026-01-01T00:00:00Z" };
const admin: User = { ...manager, id: "u-admin", email: "admin@ocpizza.fr", full_name: "Ada Admin", role: "admin", shop_id: null };

function member(id: string, full_name: string, role: Role, active = true): StaffMember {
  return { id, full_name, role, active, email: `${id}@ocpizza.fr`, shop_id: SHOP_ID, created_at: "2026-01-01T00:00:00Z" };
}
const me = { ...member("u-boss", "Marco Chef", "manager"), email: manager.email };
const luigi = member("u-luigi", "Luigi Rossi", "pizzaiolo");
const lea = member("u-lea", "Léa Accueil", "order_taker");
const paul = member("u-paul", "Paul Livreur", "delivery", false);
const other = member("u-other", "Nina Responsable", "manager");

function renderTeam(user: User = manager) {
  return render(
    <I18nProvider initialLocale="fr">
      <MemoryRouter>
        <ToastProvider>
          <StaffContext.Provider value={{ user, role: user.role, shop }}>
            <TeamPage />
          </StaffContext.Provider>
        </ToastProvider>
      </MemoryRouter>
    </I18nProvider>,
  );
}

const rowOf = (name: RegExp | string) => screen.getByRole("heading", { name }).closest("li") as HTMLElement;

beforeEach(() => {
  tokens.set({ access_token: "a", refresh_token: "r", token_type: "Bearer", expires_in: 900 });
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  tokens.clear();
});

describe("the shop's team", () => {
  it("lists the shop's members; a manager changes only the roles below theirs, never their own", async () => {
    const { seen } = mockApi({ "GET /api/v1/staff": () => json({ items: [lea, luigi, me, other, paul], next_cursor: null }) });
    renderTeam();
    const list = await screen.findByRole("list", { name: "Membres de l'équipe" });
    expect(within(list).getAllByRole("heading").map((h) => h.textContent)).toEqual(["Léa Accueil", "Luigi Rossi", "Marco Chef (vous)", "Nina Responsable", "Paul Livreur"]);
    const query = new URL(seen[0]!.url).searchParams;
    expect(query.get("shop_id")).toBe(SHOP_ID);
    expect(rowOf("Paul Livreur")).toHaveTextContent("désactivé");
    expect(rowOf("Luigi Rossi")).toHaveTextContent("pizzaiolou-luigi@ocpizza.fr");

    // Their own line and another manager's carry no controls.
    expect(within(rowOf(/Marco Chef/)).queryByRole("button")).not.toBeInTheDocument();
    expect(within(rowOf("Nina Responsable")).queryByRole("button")).not.toBeInTheDocument();
    const roles = within(screen.getByLabelText("Rôle de Luigi Rossi")).getAllByRole("option").map((o) => o.textContent);
    expect(roles).toEqual(["accueil", "pizzaiolo", "livreur"]);
    expect(within(rowOf("Paul Livreur")).getByRole("button", { name: "Réactiver Paul Livreur" })).toBeInTheDocument();
  });

  it("adds a member, showing the server's refusals at their fields, then lists them by name", async () => {
    const bodies: Record<string, unknown>[] = [];
    mockApi({
      "GET /api/v1/staff": () => json({ items: [lea, luigi], next_cursor: null }),
      "POST /api/v1/staff": async (request) => {
        const body = (await request.json()) as Record<string, unknown>;
        bodies.push(body);
        if (body.email === "luigi@ocpizza.fr")
          return problem(409, { type: "https://ocpizza.fr/problems/conflict", detail: "an account already has this e-mail address", errors: [{ field: "email", code: "taken", message: "an account already has this e-mail address" }] });
        if (typeof body.password === "string" && body.password.length < 10)
          return problem(422, {
            type: "https://ocpizza.fr/problems/validation",
            errors: [
              { field: "password", code: "too_short", message: "the password must have at least 10 characters" },
              { field: "email", code: "invalid", message: "not an e-mail address" },
            ],
          });
        return json({ ...member("u-gio", body.full_name as string, body.role as Role), email: body.email as string }, 201);
      },
    });
    const user = userEvent.setup();
    renderTeam();
    await user.click(await screen.findByText("Ajouter un membre"));
    const name = screen.getByLabelText("Nom complet");
    const email = screen.getByLabelText("Adresse e-mail");
    const password = screen.getByLabelText("Mot de passe (facultatif)");
    await user.type(name, "Gio Bianchi");
    await user.type(email, "gio@");
    await user.type(password, "court");
    await user.click(screen.getByRole("button", { name: "Ajouter" }));
    await waitFor(() => expect(password).toHaveAccessibleDescription(/Le mot de passe doit faire au moins 10 caractères\./));
    expect(email).toHaveAccessibleDescription("Cette adresse e-mail n'est pas valide.");
    expect(email).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByRole("alert")).not.toHaveTextContent("password");

    await user.clear(email);
    await user.type(email, "luigi@ocpizza.fr");
    await user.clear(password);
    await user.click(screen.getByRole("button", { name: "Ajouter" }));
    await waitFor(() => expect(email).toHaveAccessibleDescription("Un compte existe déjà avec cette adresse e-mail."));
    expect(screen.getByRole("alert")).toHaveTextContent("Un compte existe déjà avec cette adresse e-mail.");
    expect(password).not.toHaveAttribute("aria-invalid");

    await user.clear(email);
    await user.type(email, "gio@ocpizza.fr");
    await user.selectOptions(screen.getByLabelText("Rôle"), "livreur");
    await user.click(screen.getByRole("button", { name: "Ajouter" }));
    await waitFor(() => expect(screen.getByRole("status")).toHaveTextContent("Gio Bianchi a rejoint l'équipe"));
    // Without a password the server mails a link: null, not an empty string.
    expect(bodies.at(-1)).toEqual({ email: "gio@ocpizza.fr", full_name: "Gio Bianchi", role: "delivery", shop_id: SHOP_ID, password: null });
    const list = screen.getByRole("list", { name: "Membres de l'équipe" });
    expect(within(list).getAllByRole("heading").map((h) => h.textContent)).toEqual(["Gio Bianchi", "Léa Accueil", "Luigi Rossi"]);
    expect(name).toHaveValue("");
  });

  it("changes a role and deactivates a member once confirmed; an admin may make a manager", async () => {
    const patches: { id: string; body: unknown }[] = [];
    mockApi({
      "GET /api/v1/staff": () => json({ items: [luigi], next_cursor: null }),
      [`PATCH /api/v1/staff/${luigi.id}`]: async (request) => {
        const body = (await request.json()) as Partial<StaffMember>;
        patches.push({ id: luigi.id, body });
        return json({ ...luigi, ...body });
      },
    });
    const confirm = vi.spyOn(window, "confirm").mockReturnValueOnce(false).mockReturnValueOnce(true);
    const user = userEvent.setup();
    renderTeam(admin);
    const role = await screen.findByLabelText("Rôle de Luigi Rossi");
    expect(within(role).getAllByRole("option").map((o) => o.textContent)).toContain("responsable");
    const save = within(rowOf("Luigi Rossi")).getByRole("button", { name: "Changer le rôle" });
    expect(save).toBeDisabled();
    await user.selectOptions(role, "responsable");
    await user.click(save);
    await waitFor(() => expect(rowOf("Luigi Rossi")).toHaveTextContent(/^Luigi Rossiresponsable/));
    expect(patches.at(-1)?.body).toEqual({ role: "manager" });
    expect(screen.getByRole("status")).toHaveTextContent("Rôle de Luigi Rossi changé");

    await user.click(screen.getByRole("button", { name: "Désactiver Luigi Rossi" }));
    expect(confirm).toHaveBeenLastCalledWith("Désactiver Luigi Rossi ? Il sera déconnecté tout de suite.");
    expect(patches).toHaveLength(1);
    await user.click(screen.getByRole("button", { name: "Désactiver Luigi Rossi" }));
    await waitFor(() => expect(rowOf("Luigi Rossi")).toHaveTextContent("désactivé"));
    expect(patches.at(-1)?.body).toEqual({ active: false });
    expect(screen.getByRole("status")).toHaveTextContent("Luigi Rossi est désactivé : ses sessions sont fermées");
    expect(screen.getByRole("button", { name: "Réactiver Luigi Rossi" })).toBeInTheDocument();
  });
});
