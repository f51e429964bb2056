// Shapes the reports' figures for the charts and their tables: the hour-of-week grid, the
// scale of a series, the labels of its periods.
import type { components } from "../../api/schema";
import type { Granularity } from "./period";

type HourOfWeek = components["schemas"]["HourOfWeekSales"];

export interface HeatGrid {
  /** The hours shown: from the first to the last hour with an order (all 24 without any). */
  hours: number[];
  /** Monday first; `cells[i]` is the orders of `hours[i]`. */
  rows: { weekday: number; cells: number[] }[];
  max: number;
}

export function heatGrid(points: readonly HourOfWeek[]): HeatGrid {
  const counts = new Map<string, number>();
  let first = 24;
  let last = -1;
  for (const p of points) {
    if (p.orders <= 0) continue;
    counts.set(`${p.weekday}:${p.hour}`, (counts.get(`${p.weekday}:${p.hour}`) ?? 0) + p.orders);
    first = Math.min(first, p.hour);
    last = Math.max(last, p.hour);
  }
  if (last < 0) [first, last] = [0, 23];
  [first, last] = widen(first, last, 24, MIN_HOURS);
  const hours = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  const rows = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
    weekday,
    cells: hours.map((hour) => counts.get(`${weekday}:${hour}`) ?? 0),
  }));
  const max = Math.max(0, ...rows.flatMap((r) => r.cells));
  return { hours, rows, max };
}

/** At least this many hours shown, so one busy hour is not a lone column. */
const MIN_HOURS = 12;

/** Widens [first, last] within 0…size-1 to at least `min` items, later ones first. */
function widen(first: number, last: number, size: number, min: number): [number, number] {
  const wanted = Math.min(min, size);
  let [a, b] = [first, last];
  while (b - a + 1 < wanted) {
    if (b < size - 1) b += 1;
    else a -= 1;
  }
  return [a, b];
}

/**
 * An hourly series without the empty hours of the night around the ones with orders (at least
 * 12 hours kept); other granularities as they are. The totals do not change: only empty points go.
 */
export function trimHours<P extends { orders: number }>(points: readonly P[], hourly: boolean): readonly P[] {
  if (!hourly) return points;
  const first = points.findIndex((p) => p.orders > 0);
  if (first < 0) return points;
  const last = points.length - 1 - [...points].reverse().findIndex((p) => p.orders > 0);
  const [a, b] = widen(first, last, points.length, MIN_HOURS);
  return points.slice(a, b + 1);
}

/** A "nice" top for an axis: 1, 2 or 5 times a power of ten, at least the largest value. */
export function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/** A series point's label: "14 h", "lun. 1 déc.", "sem. du 1 déc.", "déc. 2026" (in the locale). */
export function periodLabel(period: string, granularity: Granularity, locale: string): string {
  const [date = period, time] = period.split("T");
  const [y, m, d] = date.split("-").map(Number);
  const at = new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, Number(time?.slice(0, 2) ?? 0)));
  const f = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, { ...options, timeZone: "UTC" }).format(at);
  switch (granularity) {
    case "hour":
      return f({ hour: "2-digit", minute: "2-digit" });
    case "day":
      return f({ weekday: "short", day: "numeric", month: "short" });
    case "week":
      return f({ day: "numeric", month: "short" });
    case "month":
      return f({ month: "short", year: "numeric" });
  }
}

/** Seconds as "12 min 30 s" / "45 s"; "—" when unknown. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}
