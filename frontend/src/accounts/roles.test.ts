import { describe, expect, it } from "vitest";
import { isStaff, landingPath, mayOpen, staffScreens } from "./roles";

describe("roles and their screens", () => {
  it("sends each role to its own screen after login", () => {
    expect(landingPath("customer")).toBe("/account");
    expect(landingPath("pizzaiolo")).toBe("/staff/kitchen");
    expect(landingPath("order_taker")).toBe("/staff/counter");
    expect(landingPath("delivery")).toBe("/staff/deliveries");
    expect(landingPath("manager")).toBe("/staff/counter");
  });

  it("opens a screen only to the roles that work on it", () => {
    expect(mayOpen("pizzaiolo", "kitchen")).toBe(true);
    expect(mayOpen("pizzaiolo", "counter")).toBe(false);
    expect(mayOpen("delivery", "kitchen")).toBe(false);
    expect(staffScreens("admin")).toEqual(["counter", "kitchen", "deliveries", "orders", "stock", "team", "menu", "reports", "shops"]);
    expect(isStaff("customer")).toBe(false);
    expect(mayOpen("manager", "reports")).toBe(true);
    expect(mayOpen("order_taker", "reports")).toBe(false);
    expect(mayOpen("pizzaiolo", "reports")).toBe(false);
    expect(mayOpen("manager", "menu")).toBe(true);
    for (const role of ["order_taker", "pizzaiolo", "delivery", "customer"] as const) expect(mayOpen(role, "menu")).toBe(false);
    // The chain's shops: admins only, not even a shop's manager.
    expect(mayOpen("admin", "shops")).toBe(true);
    for (const role of ["manager", "order_taker", "pizzaiolo", "delivery", "customer"] as const) expect(mayOpen(role, "shops")).toBe(false);
  });
});
