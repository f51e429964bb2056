import { describe, expect, it } from "vitest";
import { formatClock, formatPrice, minorUnitDigits, weekdayName } from "./format";

// Intl separates with (narrow) no-break spaces; compare with plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("prices are formatted for the reader's locale and the API's currency", () => {
  it("a French reader sees euros with a comma and the sign after", () => {
    expect(plain(formatPrice(1250, "EUR", "fr-FR"))).toBe("12,50 €");
    expect(plain(formatPrice(123456, "EUR", "fr-FR"))).toBe("1 234,56 €");
  });

  it("an English reader sees the sign first and a decimal point", () => {
    expect(formatPrice(1250, "EUR", "en-GB")).toBe("€12.50");
    expect(formatPrice(123456, "EUR", "en-GB")).toBe("€1,234.56");
  });

  it("cents become units, including zero and single cents", () => {
    expect(plain(formatPrice(0, "EUR", "fr-FR"))).toBe("0,00 €");
    expect(formatPrice(5, "EUR", "en-GB")).toBe("€0.05");
  });

  it("the currency comes from the API, not from the locale", () => {
    expect(plain(formatPrice(1250, "CHF", "fr-FR"))).toBe("12,50 CHF");
    expect(formatPrice(1250, "USD", "en-GB")).toBe("US$12.50");
  });

  it("currencies without minor units are not divided by 100", () => {
    expect(minorUnitDigits("JPY")).toBe(0);
    expect(formatPrice(1250, "JPY", "en-GB")).toBe("JP¥1,250");
  });
});

describe("opening hours", () => {
  it("names ISO weekdays in the locale", () => {
    expect(weekdayName(1, "fr-FR")).toBe("lundi");
    expect(weekdayName(7, "en-GB")).toBe("Sunday");
  });

  it("writes the shop's HH:MM as the locale does", () => {
    expect(formatClock("18:30", "fr-FR")).toBe("18:30");
    expect(formatClock("09:05", "en-GB")).toBe("09:05");
  });
});
