import { describe, expect, it } from "vitest";
import { toProblem } from "./problem";

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

describe("problem+json becomes a detail and one message per field", () => {
  it("maps every field to its first message, keeping nested paths", () => {
    const problem = toProblem(registration422, 422);
    expect(problem.detail).toBe("3 fields are invalid");
    expect(problem.kind).toBe("validation");
    expect(problem.fieldErrors).toEqual({
      email: "this is not a valid e-mail address",
      password: "the password must have at least 10 characters",
      "items[0].quantity": "between 1 and 50",
      notes: "a brand new rule",
    });
    expect(problem.fieldCodes.password).toBe("too_short");
  });

  it("a problem without field errors keeps its detail", () => {
    const problem = toProblem(
      { type: "https://ocpizza.fr/problems/unauthorized", title: "Authentication required", status: 401, detail: "wrong e-mail address or password" },
      401,
    );
    expect(problem).toMatchObject({ status: 401, kind: "unauthorized", detail: "wrong e-mail address or password", fieldErrors: {} });
  });

  it("falls back to the title, and survives bodies that are not problems", () => {
    expect(toProblem({ title: "Conflict" }, 409).detail).toBe("Conflict");
    expect(toProblem("Bad Gateway", 502)).toMatchObject({ status: 502, detail: "Bad Gateway", fieldErrors: {} });
    expect(toProblem(undefined, 500)).toMatchObject({ status: 500, detail: "", fieldErrors: {} });
    expect(toProblem({ errors: [{ nonsense: true }, "x"] }, 422).fieldErrors).toEqual({});
  });

  it("status 0 means the server was not reached", () => {
    expect(toProblem(undefined, 0).kind).toBe("network");
  });
});
