import { describe, expect, it } from "vitest";
import { translate } from "../i18n";
import { closureText, nextClosure } from "./closures";

const fr = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate("fr", key, params);
const en = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate("en", key, params);
const closure = (id: string, first_day: string, last_day: string, reason: string) => ({ id, first_day, last_day, reason });

describe("closures as customers read them", () => {
  it("says the days and the reason in the shop's calendar", () => {
    expect(closureText(closure("a", "2026-12-24", "2026-12-26", "congés"), fr, "fr-FR")).toBe("Fermé du 24 au 26 décembre : congés");
    expect(closureText(closure("a", "2026-12-30", "2027-01-02", "congés"), fr, "fr-FR")).toBe("Fermé du 30 décembre au 2 janvier : congés");
    expect(closureText(closure("a", "2026-12-01", "2026-12-01", "inventaire"), fr, "fr-FR")).toBe("Fermé le 1er décembre : inventaire");
    expect(closureText(closure("a", "2027-01-01", "2027-01-03", "congés"), fr, "fr-FR")).toBe("Fermé du 1er au 3 janvier : congés");
    expect(closureText(closure("a", "2026-12-11", "2026-12-11", "travaux"), fr, "fr-FR")).toBe("Fermé le 11 décembre : travaux");
    expect(closureText(closure("a", "2026-12-24", "2026-12-26", "holidays"), en, "en-GB")).toBe("Closed from 24 to 26 December: holidays");
  });

  it("finds the next closure apart from the current one", () => {
    const now = closure("now", "2026-12-01", "2026-12-01", "inventaire");
    const later = closure("later", "2026-12-24", "2026-12-26", "congés");
    expect(nextClosure({ closures: [now, later], closure_now: now })).toEqual(later);
    expect(nextClosure({ closures: [later], closure_now: null })).toEqual(later);
    expect(nextClosure({ closures: [now], closure_now: now })).toBeNull();
  });
});
