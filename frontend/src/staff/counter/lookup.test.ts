import { describe, expect, it } from "vitest";
import { classifyLookup, displayPhone, walkInProblems } from "./lookup";

describe("finding a caller", () => {
  it("reads 4 digits or more as (the end of) a phone number, in any format", () => {
    expect(classifyLookup("5678")).toEqual({ kind: "phone", q: "5678" });
    expect(classifyLookup(" 06 12 34 56 78 ")).toEqual({ kind: "phone", q: "0612345678" });
    expect(classifyLookup("+33 6.12.34.56.78")).toEqual({ kind: "phone", q: "+33612345678" });
    expect(classifyLookup("567")).toEqual({ kind: "short" });
  });

  it("reads letters as a name, accents kept for the server to ignore", () => {
    expect(classifyLookup("Hélène  Dupont")).toEqual({ kind: "name", q: "Hélène Dupont" });
    expect(classifyLookup("é")).toEqual({ kind: "short" });
    expect(classifyLookup("")).toEqual({ kind: "short" });
  });

  it("asks a walk-in for a name and a phone number", () => {
    expect(walkInProblems("Jo", "06 98 76 54 32")).toEqual({});
    expect(walkInProblems(" ", "12")).toEqual({ name: true, phone: true });
  });

  it("reads a French number back in pairs, any other as it is", () => {
    expect(displayPhone("+33612345678")).toBe("06 12 34 56 78");
    expect(displayPhone("+44 20 7946 0958")).toBe("+44 20 7946 0958");
    expect(displayPhone(null)).toBe("");
  });
});
