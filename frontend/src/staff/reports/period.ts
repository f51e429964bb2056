// The reports' period: today, this week (Monday to Sunday) or this month, as the shop's calendar
// says them (its time zone), or a custom from/to; the series' granularity that suits its length.
import type { components } from "../../api/schema";

export type Granularity = components["schemas"]["Granularity"];
export type PeriodKind = "today" | "week" | "month" | "custom";

export interface Period {
  from: string;
  to: string;
}

/** The civil date ("YYYY-MM-DD") an instant falls on in a time zone. */
export function localDate(now: Date, timeZone: string): string {
  const format = (zone?: string) =>
    new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  try {
    return format(timeZone);
  } catch {
    return format();
  }
}

function parse(date: string): Date {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
}

function iso(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  const d = parse(date);
  d.setUTCDate(d.getUTCDate() + days);
  return iso(d);
}

/** Days from `from` to `to`, both included (0 when inverted). */
export function daysIn({ from, to }: Period): number {
  return Math.max(0, Math.round((parse(to).getTime() - parse(from).getTime()) / 86_400_000) + 1);
}

export function periodOf(kind: Exclude<PeriodKind, "custom">, now: Date, timeZone: string): Period {
  const today = localDate(now, timeZone);
  if (kind === "today") return { from: today, to: today };
  const d = parse(today);
  if (kind === "week") {
    const monday = addDays(today, -((d.getUTCDay() + 6) % 7));
    return { from: monday, to: addDays(monday, 6) };
  }
  const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0));
  return { from: iso(first), to: iso(last) };
}

/** Hours for a day or two, days up to two months, weeks up to a year, months beyond. */
export function granularityFor(period: Period): Granularity {
  const days = daysIn(period);
  if (days <= 2) return "hour";
  if (days <= 62) return "day";
  if (days <= 366) return "week";
  return "month";
}

/** Why a custom period cannot be asked for, or null. */
export function periodProblem({ from, to }: Period): "missing" | "inverted" | "tooLong" | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to)) return "missing";
  if (to < from) return "inverted";
  if (to > addDays(from, 731)) return "tooLong";
  return null;
}
