import { describe, expect, it } from "vitest";
import { toProblem } from "../api/problem";
import { translate } from "../i18n";
import { fieldMessages, problemDetail } from "./problemText";

const registration422 = {
  type: "https://ocpizza.fr/problems/validation",
  title: "Invalid request",
  status: 422,
  detail: "3 fields are invalid",
  errors: [
    { field: "email", code: "invalid", message: "this is not a valid e-mail address" },
    { field: "password", code: "too_short", message: "the password must have at least 10 characters" },
    { field: "password", code: "too_weak", message: "the password must not be the e-mail address" },
    { field: "items[0].quantity", code: "out_of_range", message: "between 1 and 50" },
    { field: "notes", code: "not_yet_translated", message: "a brand new rule" },
  ],
};

describe("problems are worded in the UI's language", () => {
  const tFr = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate("fr", key, params);
  const tEn = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate("en", key, params);

  it("known field codes get our translated message, unknown ones the server's", () => {
    const messages = fieldMessages(tFr, toProblem(registration422, 422));
    expect(messages.email).toBe("Cette adresse e-mail n'est pas valide.");
    expect(messages.password).toBe("Le mot de passe doit faire au moins 10 caractères.");
    expect(messages["items[0].quantity"]).toBe("Quantité entre 1 et 50.");
    expect(messages.notes).toBe("a brand new rule");
    expect(fieldMessages(tEn, toProblem(registration422, 422)).email).toBe("This e-mail address is not valid.");
  });

  it("a network failure is explained as such", () => {
    expect(problemDetail(tFr, toProblem(undefined, 0))).toMatch(/connexion/i);
  });

  it("a page may word a status its own way", () => {
    const problem = toProblem({ status: 401, detail: "wrong e-mail address or password" }, 401);
    expect(problemDetail(tFr, problem, { 401: "login.wrongCredentials" })).toBe("Adresse e-mail ou mot de passe incorrect.");
  });
});
