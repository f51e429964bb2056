import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AuthProvider } from "../accounts/AuthContext";
import { tokens } from "../api/tokens";
import type { User } from "../api/types";
import { I18nProvider } from "../i18n";
import { shop, SHOP_ID } from "../test/fixtures";
import { json, mockApi } from "../test/http";
import { StaffLayout } from "./StaffLayout";

const manager: User = { id: "u-boss", email: "chef@ocpizza.fr", full_name: "Marco Chef", role: "manager", shop_id: SHOP_ID, created_at: "2026-01-01T00:00:00Z" };

function renderFrame(user: User, path = "/staff/counter") {
  const api = mockApi({
    "GET /api/v1/me": () => json(user),
    [`GET /api/v1/shops/${SHOP_ID}`]: () => json(shop),
    "GET /api/v1/shops": () => json({ items: [shop], next_cursor: null }),
    "POST /api/v1/auth/logout": () => new Response(null, { status: 204 }),
  });
  render(
    <I18nProvider initialLocale="fr">
      <AuthProvider>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path="/staff" element={<StaffLayout />}>
              <Route path=":screen/*" element={<p>écran</p>} />
            </Route>
            <Route path="/login" element={<p>connexion</p>} />
          </Routes>
        </MemoryRouter>
      </AuthProvider>
    </I18nProvider>,
  );
  return api;
}

const nav = () => screen.getByRole("navigation", { name: "Écrans de l'équipe" });
const panelOf = (button: HTMLElement) => document.getElementById(button.getAttribute("aria-controls") ?? "") as HTMLElement;

beforeEach(() => {
  tokens.set({ access_token: "a", refresh_token: "r", token_type: "Bearer", expires_in: 900 });
});

afterEach(() => {
  vi.unstubAllGlobals();
  tokens.clear();
});

describe("the staff header", () => {
  it("groups a manager's screens: the shop floor's, then the management's under one button", async () => {
    renderFrame(manager);
    const floor = await within(await screen.findByRole("navigation", { name: "Écrans de l'équipe" })).findByRole("list", { name: "En boutique" });
    expect(within(floor).getAllByRole("link").map((a) => a.textContent)).toEqual(["Accueil", "Cuisine", "Livraisons"]);
    const manage = within(nav()).getByRole("list", { name: "Gestion" });
    expect(within(manage).getAllByRole("link").map((a) => a.getAttribute("href"))).toEqual([
      "/staff/orders",
      "/staff/stock",
      "/staff/team",
      "/staff/menu",
      "/staff/reports",
    ]);
    expect(within(floor).getByRole("link", { name: "Accueil" })).toHaveAttribute("aria-current", "page");
    expect(within(nav()).getByRole("button", { name: "Gestion" })).not.toHaveClass("is-current");
    expect(screen.getByRole("banner")).toHaveTextContent("OC Pizza Lyon Part-Dieu");
  });

  it("opens the management screens from their button, closes them on Escape (focus back) and on navigation", async () => {
    const user = userEvent.setup();
    renderFrame(manager, "/staff/orders/o-12");
    const toggle = await within(await screen.findByRole("navigation", { name: "Écrans de l'équipe" })).findByRole("button", { name: "Gestion" });
    // An order's page is a management screen: the button says so while folded.
    expect(toggle).toHaveClass("is-current");
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    expect(panelOf(toggle)).not.toHaveClass("is-open");

    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    expect(panelOf(toggle)).toHaveClass("is-open");
    await user.keyboard("{Escape}");
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    expect(toggle).toHaveFocus();

    // By keyboard: Enter opens, Tab reaches the screens, a link followed closes the list.
    await user.keyboard("{Enter}");
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    await user.tab();
    expect(within(panelOf(toggle)).getByRole("link", { name: "Commandes" })).toHaveFocus();
    await user.tab();
    await user.keyboard("{Enter}");
    await waitFor(() => expect(within(panelOf(toggle)).getByRole("link", { name: "Stock" })).toHaveAttribute("aria-current", "page"));
    expect(toggle).toHaveAttribute("aria-expanded", "false");

    // A click elsewhere closes it too.
    await user.click(toggle);
    await user.click(screen.getByText("écran"));
    expect(toggle).toHaveAttribute("aria-expanded", "false");
  });

  it("keeps the other shop, the language and logout behind the shop's button", async () => {
    const user = userEvent.setup();
    const admin: User = { ...manager, id: "u-admin", role: "admin", shop_id: null, full_name: "Ada Admin" };
    localStorage.setItem("ocpizza.staff.shop", SHOP_ID);
    const { seen } = renderFrame(admin);
    const account = await screen.findByRole("button", { name: /OC Pizza Lyon Part-Dieu.*Ada Admin · administrateur/ });
    expect(account).toHaveAttribute("aria-expanded", "false");
    await user.click(account);
    const panel = panelOf(account);
    expect(panel).toHaveClass("is-open");
    expect(within(panel).getByRole("group", { name: "Langue" })).toBeInTheDocument();
    await user.click(within(panel).getByRole("button", { name: "English" }));
    expect(within(screen.getByRole("navigation", { name: "Staff screens" })).getByRole("list", { name: "Management" })).toBeInTheDocument();
    expect(within(panel).getByRole("button", { name: "Log out" })).toBeInTheDocument();

    await user.click(within(panel).getByRole("button", { name: "Change shop" }));
    expect(await screen.findByRole("heading", { name: "Which shop?" })).toBeInTheDocument();
    expect(account).toHaveAttribute("aria-expanded", "false");

    await user.click(screen.getByRole("button", { name: /Ada Admin/ }));
    await user.click(screen.getByRole("button", { name: "Log out" }));
    await waitFor(() => expect(seen.some((r) => r.url.endsWith("/auth/logout"))).toBe(true));
  });

  it("shows a pizzaiolo their one screen and no management button", async () => {
    renderFrame({ ...manager, role: "pizzaiolo" }, "/staff/kitchen");
    const floor = await within(await screen.findByRole("navigation", { name: "Écrans de l'équipe" })).findByRole("list", { name: "En boutique" });
    expect(within(floor).getAllByRole("link").map((a) => a.textContent)).toEqual(["Cuisine"]);
    expect(within(nav()).queryByRole("button")).not.toBeInTheDocument();
  });
});
