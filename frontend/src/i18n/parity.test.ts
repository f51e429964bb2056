import { describe, expect, it } from "vitest";
import { en } from "./en";
import { fr } from "./fr";
import { interpolate } from "./index";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("the English catalog matches the French one", () => {
  it("has exactly the same keys", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
  });

  it("uses the same placeholders in every text", () => {
    for (const key of Object.keys(fr) as (keyof typeof fr)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(fr[key]));
    }
  });

  it("leaves no text empty", () => {
    for (const [key, text] of [...Object.entries(fr), ...Object.entries(en)]) {
      expect(text.trim(), key).not.toBe("");
    }
  });
});

describe("interpolation", () => {
  it("fills known placeholders and leaves unknown ones visible", () => {
    expect(interpolate("Continuer avec {name}", { name: "Gerland" })).toBe("Continuer avec Gerland");
    expect(interpolate("{count} × {name}", { count: 2 })).toBe("2 × {name}");
  });
});
