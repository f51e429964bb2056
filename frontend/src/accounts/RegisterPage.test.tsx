import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { I18nProvider, type Locale } from "../i18n";
import { mockApi, problem } from "../test/http";
import { ToastProvider } from "../ui/Toast";
import { AuthProvider } from "./AuthContext";
import { RegisterPage } from "./RegisterPage";

function renderRegister(locale: Locale = "fr") {
  return render(
    <I18nProvider initialLocale={locale}>
      <ToastProvider>
        <AuthProvider>
          <MemoryRouter initialEntries={["/register"]}>
            <Routes>
              <Route path="/register" element={<RegisterPage />} />
              <Route path="/account" element={<p>account page</p>} />
            </Routes>
          </MemoryRouter>
        </AuthProvider>
      </ToastProvider>
    </I18nProvider>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe("registration", () => {
  it("shows the server's field errors next to their fields", async () => {
    mockApi({
      "POST /api/v1/auth/register": () =>
        problem(422, {
          type: "https://ocpizza.fr/problems/validation",
          detail: "2 fields are invalid",
          errors: [
            { field: "email", code: "taken", message: "an account already exists with this e-mail address" },
            { field: "password", code: "too_short", message: "the password must have at least 10 characters" },
          ],
        }),
    });
    const user = userEvent.setup();
    renderRegister();
    await user.type(screen.getByLabelText("Nom complet"), "Marie Dupont");
    await user.type(screen.getByLabelText("Adresse e-mail"), "client@ocpizza.fr");
    await user.type(screen.getByLabelText("Mot de passe"), "court");
    await user.click(screen.getByRole("button", { name: "Créer mon compte" }));

    const email = screen.getByLabelText("Adresse e-mail");
    expect(await screen.findByText("Un compte existe déjà avec cette adresse e-mail.")).toBeInTheDocument();
    expect(email).toHaveAttribute("aria-invalid", "true");
    expect(email).toHaveAccessibleDescription("Un compte existe déjà avec cette adresse e-mail.");
    expect(screen.getByLabelText("Mot de passe")).toHaveAccessibleDescription(
      "Au moins 10 caractères. Le mot de passe doit faire au moins 10 caractères.",
    );
    expect(screen.getByRole("alert")).toHaveTextContent("Certains champs sont à corriger.");
  });

  it("explains a network failure", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));
    const user = userEvent.setup();
    renderRegister("en");
    await user.type(screen.getByLabelText("Full name"), "Marie Dupont");
    await user.type(screen.getByLabelText("E-mail address"), "marie@example.fr");
    await user.type(screen.getByLabelText("Password"), "une-pizza-reine-svp");
    await user.click(screen.getByRole("button", { name: "Create my account" }));
    expect(await screen.findByRole("alert")).toHaveTextContent(/not answering/);
  });
});
