import { describe, expect, it } from "vitest";
import { shop } from "../../test/fixtures";
import {
  addRange,
  buildRequest,
  copyToAllDays,
  draftOf,
  emptyDraft,
  emptyWeek,
  formatEuros,
  formErrors,
  hoursOf,
  parseCodes,
  parseEuros,
  removeRange,
  setRange,
  weekOf,
} from "./shopForm";

describe("amounts typed in euros", () => {
  it("reads them the French way or the English way", () => {
    const cases: [string, number | null][] = [
      ["2,50", 250],
      ["2.5", 250],
      ["2", 200],
      [" 12,00 € ", 1200],
      ["1 000,00", 100000],
      ["0", 0],
      ["0,05", 5],
      ["", null],
      ["-1", null],
      ["2,505", null],
      ["deux", null],
      ["2,", null],
      [",50", null],
    ];
    for (const [text, cents] of cases) expect(parseEuros(text), text).toBe(cents);
  });

  it("writes cents back as the admin types them", () => {
    expect(formatEuros(250)).toBe("2,50");
    expect(formatEuros(5)).toBe("0,05");
    expect(formatEuros(1200)).toBe("12,00");
    expect(parseEuros(formatEuros(1999))).toBe(1999);
  });
});

describe("the week's hours", () => {
  it("adds lunch, then dinner, removes and changes a range", () => {
    let week = addRange(emptyWeek(), 2);
    week = addRange(week, 2);
    expect(week[1]).toEqual([
      { opens_at: "11:30", closes_at: "14:00" },
      { opens_at: "18:30", closes_at: "22:30" },
    ]);
    expect(week[0]).toEqual([]);
    week = setRange(week, 2, 1, { closes_at: "23:00" });
    expect(week[1]?.[1]).toEqual({ opens_at: "18:30", closes_at: "23:00" });
    week = removeRange(week, 2, 0);
    expect(week[1]).toEqual([{ opens_at: "18:30", closes_at: "23:00" }]);
  });

  it("copies a day to the whole week, each day its own copy", () => {
    const week = copyToAllDays(addRange(addRange(emptyWeek(), 5), 5), 5);
    expect(week.every((d) => d.length === 2)).toBe(true);
    const changed = setRange(week, 1, 0, { opens_at: "12:00" });
    expect(changed[4]?.[0]?.opens_at).toBe("11:30");
  });

  it("goes to the API day by day and comes back the same", () => {
    const sent = [
      { weekday: 7, opens_at: "18:00", closes_at: "22:00" },
      { weekday: 2, opens_at: "18:30", closes_at: "22:30" },
      { weekday: 2, opens_at: "11:30", closes_at: "14:00" },
    ];
    const week = weekOf(sent);
    expect(week[1]?.map((r) => r.opens_at)).toEqual(["11:30", "18:30"]);
    const { hours, from } = hoursOf(week);
    expect(hours).toEqual([
      { weekday: 2, opens_at: "11:30", closes_at: "14:00" },
      { weekday: 2, opens_at: "18:30", closes_at: "22:30" },
      { weekday: 7, opens_at: "18:00", closes_at: "22:00" },
    ]);
    expect(from).toEqual([
      { weekday: 2, index: 0 },
      { weekday: 2, index: 1 },
      { weekday: 7, index: 0 },
    ]);
  });
});

describe("the request", () => {
  it("is the draft in cents, with the codes split and no empty e-mail", () => {
    const draft = { ...draftOf(shop), delivery_fee: "3", min_order: "15,5", email: " ", postal_codes: "69003 69008,69003" };
    const built = buildRequest(draft);
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    expect(built.body).toMatchObject({
      slug: "lyon-part-dieu",
      delivery_fee_cents: 300,
      min_order_cents: 1550,
      email: null,
      delivery_postal_codes: ["69003", "69008"],
      active: true,
      hours: [],
    });
  });

  it("is refused before asking when an amount is not one", () => {
    expect(buildRequest({ ...emptyDraft(), delivery_fee: "2,5 euros" })).toEqual({ ok: false, field: "delivery_fee_cents", code: "money" });
    expect(buildRequest({ ...emptyDraft(), min_order: "-3" })).toEqual({ ok: false, field: "min_order_cents", code: "money" });
  });

  it("splits postal codes on spaces, commas and semicolons", () => {
    expect(parseCodes(" 69001,69002;  69003\n69001 ")).toEqual(["69001", "69002", "69003"]);
    expect(parseCodes("  ")).toEqual([]);
  });
});

describe("the API's field errors, next to their inputs", () => {
  it("puts each error where the admin typed it", () => {
    const sent = { from: [{ weekday: 2, index: 0 }, { weekday: 2, index: 1 }, { weekday: 6, index: 0 }], codes: ["69003", "6900"] };
    const errors = formErrors(
      {
        name: "Longueur incorrecte.",
        "hours[1].closes_at": "doit être après l'ouverture",
        "hours[2].opens_at": "heure invalide",
        "delivery_postal_codes[1]": "5 chiffres",
        delivery_fee_cents: "entre 0 et 1000 €",
        min_order_cents: "un montant",
        timezone: "fuseau inconnu",
      },
      sent,
    );
    expect(errors).toEqual({
      name: "Longueur incorrecte.",
      "hours.2.1.closes_at": "doit être après l'ouverture",
      "hours.6.0.opens_at": "heure invalide",
      postal_codes: "6900 — 5 chiffres",
      delivery_fee: "entre 0 et 1000 €",
      min_order: "un montant",
      timezone: "fuseau inconnu",
    });
  });

  it("keeps an error it cannot place on the whole part", () => {
    expect(formErrors({ "hours[9].weekday": "1 à 7" }, null)).toEqual({ hours: "1 à 7" });
    expect(formErrors({ "delivery_postal_codes[0]": "5 chiffres", "delivery_postal_codes[2]": "5 chiffres" }, { from: [], codes: ["1", "2", "3"] })).toEqual({
      postal_codes: "1 — 5 chiffres 3 — 5 chiffres",
    });
  });
});
