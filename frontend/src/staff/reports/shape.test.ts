import { describe, expect, it } from "vitest";
import { duration, heatGrid, niceMax, periodLabel, trimHours } from "./shape";

describe("hour-of-week grid", () => {
  it("keeps the hours from the first to the last with orders, Monday first", () => {
    const grid = heatGrid([
      { weekday: 5, hour: 19, orders: 4, revenue_cents: 8000 },
      { weekday: 1, hour: 11, orders: 2, revenue_cents: 3000 },
      { weekday: 7, hour: 23, orders: 1, revenue_cents: 1500 },
      { weekday: 3, hour: 8, orders: 0, revenue_cents: 0 },
    ]);
    expect(grid.hours).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
    expect(grid.rows.map((r) => r.weekday)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(grid.rows[0]?.cells[0]).toBe(2);
    expect(grid.rows[4]?.cells[8]).toBe(4);
    expect(grid.rows[6]?.cells[12]).toBe(1);
    expect(grid.max).toBe(4);
  });

  it("shows at least 12 hours around a lone busy hour, later ones first", () => {
    expect(heatGrid([{ weekday: 2, hour: 10, orders: 5, revenue_cents: 100 }]).hours).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
    expect(heatGrid([{ weekday: 2, hour: 20, orders: 1, revenue_cents: 100 }]).hours).toEqual([12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]);
  });

  it("shows the whole day, all zeros, without orders", () => {
    const grid = heatGrid([]);
    expect(grid.hours).toHaveLength(24);
    expect(grid.max).toBe(0);
    expect(grid.rows.every((r) => r.cells.every((c) => c === 0))).toBe(true);
  });
});

describe("series", () => {
  it("rounds an axis up to 1, 2 or 5 times a power of ten", () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(13)).toBe(20);
    expect(niceMax(41_250)).toBe(50_000);
    expect(niceMax(100)).toBe(100);
  });

  it("labels periods by granularity", () => {
    expect(periodLabel("2026-03-29T14:00", "hour", "fr-FR")).toBe("14:00");
    expect(periodLabel("2026-03-30", "day", "fr-FR")).toBe("lun. 30 mars");
    expect(periodLabel("2026-03-01", "month", "en-GB")).toBe("Mar 2026");
  });

  it("drops the empty night hours of an hourly series, keeping 12", () => {
    const day = Array.from({ length: 24 }, (_, h) => ({ period: `2026-12-01T${String(h).padStart(2, "0")}:00`, orders: h === 10 || h === 13 ? 2 : 0 }));
    const kept = trimHours(day, true);
    expect(kept.map((p) => p.period.slice(11, 13))).toEqual(["10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "21"]);
    expect(kept.reduce((n, p) => n + p.orders, 0)).toBe(4);
    expect(trimHours(day.map((p) => ({ ...p, orders: 0 })), true)).toHaveLength(24);
    expect(trimHours(day, false)).toHaveLength(24);
  });

  it("writes durations", () => {
    expect(duration(null)).toBe("—");
    expect(duration(42.4)).toBe("42 s");
    expect(duration(750)).toBe("12 min 30 s");
    expect(duration(3900)).toBe("1 h 05 min");
  });
});
