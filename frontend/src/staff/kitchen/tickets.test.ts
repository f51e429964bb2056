import { describe, expect, it } from "vitest";
import { bumpBarAction, bumpedTicket } from "./bumpBar";
import { ageLevel, ageMs, allDay, bumpTarget, formatTimer, newTicketIds, oldestFirst, splitLines, thresholds } from "./tickets";
import type { KitchenTicket, TicketLine } from "./types";

function line(overrides: Partial<TicketLine> & Pick<TicketLine, "product_name">): TicketLine {
  return {
    kind: "pizza",
    size: "medium",
    allergens: [],
    added: [],
    removed: [],
    memos: [],
    quantity: 1,
    recipe: [
      { ingredient_id: "i-dough", name: "Pâte", quantity: 250, unit: "g" },
      { ingredient_id: "i-mozza", name: "Mozzarella", quantity: 120, unit: "g" },
    ],
    steps: ["Étaler", "Cuire 90 s"],
    size_label: "Moyenne (30 cm)",
    ...overrides,
  };
}

function ticket(number: number, placedAt: string, status: KitchenTicket["status"], lines: TicketLine[]): KitchenTicket {
  return { order_id: `o-${number}`, number, placed_at: placedAt, status, fulfilment: "pickup", lines };
}

const T0 = Date.parse("2026-12-01T12:00:00Z");
const minutes = (n: number) => n * 60_000;

describe("a ticket's age", () => {
  it("turns amber, then red, at the queue's thresholds (10 and 20 minutes by default)", () => {
    const limits = thresholds({});
    expect(limits).toEqual({ warn: 10, late: 20 });
    expect(ageLevel(minutes(9.9), limits)).toBe("fresh");
    expect(ageLevel(minutes(10), limits)).toBe("warn");
    expect(ageLevel(minutes(20), limits)).toBe("late");
    expect(ageLevel(minutes(12), thresholds({ warn_after_minutes: 5, late_after_minutes: 8 }))).toBe("late");
  });

  it("runs as a timer that never goes below zero", () => {
    expect(ageMs("2026-12-01T12:00:00Z", T0 - 5000)).toBe(0);
    expect(formatTimer(ageMs("2026-12-01T12:00:00Z", T0 + 247_000))).toBe("4:07");
    expect(formatTimer(3_723_000)).toBe("1:02:03");
  });
});

describe("the lines of a ticket", () => {
  it("sets drinks and desserts apart, to pack", () => {
    const pizza = line({ product_name: "Margherita", kind: "pizza" });
    const cola = line({ product_name: "Cola", kind: "drink", recipe: [], steps: [] });
    const tiramisu = line({ product_name: "Tiramisu", kind: "dessert" });
    expect(splitLines([cola, pizza, tiramisu])).toEqual({ make: [pizza], pack: [cola, tiramisu] });
  });
});

describe("the all-day strip", () => {
  it("counts each pizza and size still to make, most first, packed lines and ready tickets aside", () => {
    const tickets = [
      ticket(1, "2026-12-01T12:00:00Z", "placed", [
        line({ product_name: "Margherita", quantity: 2 }),
        line({ product_name: "Cola", kind: "drink" }),
      ]),
      ticket(2, "2026-12-01T12:01:00Z", "preparing", [
        line({ product_name: "Margherita" }),
        line({ product_name: "Margherita", size_label: "Grande (40 cm)" }),
        line({ product_name: "Reine" }),
      ]),
      ticket(3, "2026-12-01T12:02:00Z", "ready", [line({ product_name: "Reine", quantity: 5 })]),
    ];
    expect(allDay(tickets)).toEqual([
      { product: "Margherita", size: "Moyenne (30 cm)", count: 3 },
      { product: "Margherita", size: "Grande (40 cm)", count: 1 },
      { product: "Reine", size: "Moyenne (30 cm)", count: 1 },
    ]);
  });
});

describe("bump and recall", () => {
  it("moves placed → preparing → ready with one touch, and nothing further", () => {
    expect(bumpTarget("placed")).toBe("preparing");
    expect(bumpTarget("preparing")).toBe("ready");
    expect(bumpTarget("ready")).toBeNull();
  });

  it("lists tickets oldest first and spots the new ones", () => {
    const a = ticket(7, "2026-12-01T12:05:00Z", "placed", []);
    const b = ticket(6, "2026-12-01T12:01:00Z", "placed", []);
    expect(oldestFirst([a, b]).map((t) => t.number)).toEqual([6, 7]);
    expect(newTicketIds(null, [a, b])).toEqual([]); // the first load is not "new"
    expect(newTicketIds(new Set(["o-6"]), [a, b])).toEqual(["o-7"]);
  });

  it("reads the keyboard as a bump bar", () => {
    expect(bumpBarAction({ key: "3" })).toEqual({ type: "select", index: 2 });
    expect(bumpBarAction({ key: "Enter" })).toEqual({ type: "bump" });
    expect(bumpBarAction({ key: " " })).toEqual({ type: "bump" });
    expect(bumpBarAction({ key: "r" })).toEqual({ type: "recall" });
    expect(bumpBarAction({ key: "Escape" })).toEqual({ type: "clear" });
    expect(bumpBarAction({ key: "0" })).toBeNull();
    // A focused button keeps its own Enter; fields and shortcuts with modifiers are left alone.
    expect(bumpBarAction({ key: "Enter", targetTag: "BUTTON" })).toBeNull();
    expect(bumpBarAction({ key: "r", targetTag: "INPUT" })).toBeNull();
    expect(bumpBarAction({ key: "r", ctrlKey: true })).toBeNull();
  });

  it("bumps the picked ticket, or the oldest when none is picked", () => {
    const tickets = [{ order_id: "a" }, { order_id: "b" }];
    expect(bumpedTicket(tickets, "b")).toEqual({ order_id: "b" });
    expect(bumpedTicket(tickets, null)).toEqual({ order_id: "a" });
    expect(bumpedTicket(tickets, "gone")).toEqual({ order_id: "a" });
  });
});
