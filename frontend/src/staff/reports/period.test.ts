import { describe, expect, it } from "vitest";
import { daysIn, granularityFor, localDate, periodOf, periodProblem } from "./period";

// 2026-03-29 is the DST change in Paris (a Sunday); 2026-12-31 23:30 UTC is already 2027 there.
describe("periods in the shop's time zone", () => {
  it("takes today's date on the shop's calendar, not UTC's", () => {
    const lateUtc = new Date("2026-12-31T23:30:00Z");
    expect(localDate(lateUtc, "Europe/Paris")).toBe("2027-01-01");
    expect(localDate(lateUtc, "America/New_York")).toBe("2026-12-31");
    expect(periodOf("today", lateUtc, "Europe/Paris")).toEqual({ from: "2027-01-01", to: "2027-01-01" });
  });

  it("runs a week from Monday to Sunday", () => {
    const sunday = new Date("2026-03-29T20:00:00Z"); // 22:00 in Paris, a Sunday
    expect(periodOf("week", sunday, "Europe/Paris")).toEqual({ from: "2026-03-23", to: "2026-03-29" });
    const monday = new Date("2026-03-29T22:30:00Z"); // 00:30 on Monday in Paris
    expect(periodOf("week", monday, "Europe/Paris")).toEqual({ from: "2026-03-30", to: "2026-04-05" });
  });

  it("runs a month from the 1st to its last day", () => {
    expect(periodOf("month", new Date("2026-02-15T12:00:00Z"), "Europe/Paris")).toEqual({ from: "2026-02-01", to: "2026-02-28" });
    expect(periodOf("month", new Date("2028-02-29T12:00:00Z"), "Europe/Paris")).toEqual({ from: "2028-02-01", to: "2028-02-29" });
    expect(periodOf("month", new Date("2026-12-31T23:30:00Z"), "Europe/Paris")).toEqual({ from: "2027-01-01", to: "2027-01-31" });
  });

  it("falls back to the device's zone for an unknown one", () => {
    expect(localDate(new Date("2026-06-01T12:00:00Z"), "Nowhere/Atlantis")).toMatch(/^2026-06-0[12]$/);
  });

  it("picks a granularity by the period's length", () => {
    expect(granularityFor({ from: "2026-03-29", to: "2026-03-29" })).toBe("hour");
    expect(granularityFor({ from: "2026-03-23", to: "2026-03-29" })).toBe("day");
    expect(granularityFor({ from: "2026-01-01", to: "2026-06-30" })).toBe("week");
    expect(granularityFor({ from: "2025-01-01", to: "2026-06-30" })).toBe("month");
    expect(daysIn({ from: "2026-03-01", to: "2026-03-31" })).toBe(31);
  });

  it("says what is wrong with a custom period", () => {
    expect(periodProblem({ from: "", to: "2026-03-01" })).toBe("missing");
    expect(periodProblem({ from: "2026-03-02", to: "2026-03-01" })).toBe("inverted");
    expect(periodProblem({ from: "2024-01-01", to: "2026-03-01" })).toBe("tooLong");
    expect(periodProblem({ from: "2026-03-01", to: "2026-03-01" })).toBeNull();
  });
});
