// A shop's closures as a customer reads them: "Fermé du 24 au 26 décembre : congés". Their days
// are calendar days of the shop ("2026-12-24"), written without a clock or a time zone.
import type { Shop, ShopClosure } from "../api/types";
import type { I18n } from "../i18n";

export type Closure = ShopClosure;

function calendarDay(day: string): Date {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
}

function formatDay(day: string, locale: string, parts: Intl.DateTimeFormatOptions): string {
  const text = new Intl.DateTimeFormat(locale, { ...parts, timeZone: "UTC" }).format(calendarDay(day));
  // French writes the first of the month "1er".
  return locale.startsWith("fr") ? text.replace(/^1(?=\s|$)/, "1er") : text;
}

/** The days of a closure: "24 décembre", or "24" and "26 décembre" when they share a month. */
export function closureDays(closure: Closure, locale: string): { from: string; to: string } | { day: string } {
  const dayMonth: Intl.DateTimeFormatOptions = { day: "numeric", month: "long" };
  if (closure.first_day === closure.last_day) return { day: formatDay(closure.first_day, locale, dayMonth) };
  const sameMonth = closure.first_day.slice(0, 7) === closure.last_day.slice(0, 7);
  return {
    from: formatDay(closure.first_day, locale, sameMonth ? { day: "numeric" } : dayMonth),
    to: formatDay(closure.last_day, locale, dayMonth),
  };
}

/** "Fermé du 24 au 26 décembre : congés" / "Closed from 24 to 26 December: holidays". */
export function closureText(closure: Closure, t: I18n["t"], locale: string): string {
  const days = closureDays(closure, locale);
  return "day" in days
    ? t("shops.closedOn", { day: days.day, reason: closure.reason })
    : t("shops.closedFromTo", { from: days.from, to: days.to, reason: closure.reason });
}

/** The next closure that has not begun yet, if any (the current one is `closure_now`). */
export function nextClosure(shop: Pick<Shop, "closures" | "closure_now">): Closure | null {
  return shop.closures.find((c) => c.id !== shop.closure_now?.id) ?? null;
}
