// Locale-aware formatting of what the API sends: amounts in minor units (cents) with an ISO
// currency code, opening hours as "HH:MM" in the shop's time zone, ISO weekdays.

const numberFormats = new Map<string, Intl.NumberFormat>();

function currencyFormat(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: "currency", currency });
    numberFormats.set(key, format);
  }
  return format;
}

/** Digits after the decimal point of a currency (2 for EUR, 0 for JPY). */
export function minorUnitDigits(currency: string): number {
  return currencyFormat("en", currency).resolvedOptions().maximumFractionDigits ?? 2;
}

/** `formatPrice(1250, "EUR", "fr-FR")` → "12,50 €"; `(1250, "EUR", "en-GB")` → "€12.50". */
export function formatPrice(minorUnits: number, currency: string, locale: string): string {
  const value = minorUnits / 10 ** minorUnitDigits(currency);
  return currencyFormat(locale, currency).format(value);
}

/** Name of an ISO weekday (1 = Monday … 7 = Sunday) in the locale. */
export function weekdayName(isoWeekday: number, locale: string, width: "long" | "short" = "long"): string {
  // 2024-01-01 was a Monday.
  const date = new Date(Date.UTC(2024, 0, isoWeekday));
  return new Intl.DateTimeFormat(locale, { weekday: width, timeZone: "UTC" }).format(date);
}

/** Today's ISO weekday in a time zone (the shop's, since its hours are in local time). */
export function isoWeekdayIn(timeZone: string, now: Date = new Date()): number {
  let short: string;
  try {
    short = new Intl.DateTimeFormat("en-US", { weekday: "short", timeZone }).format(now);
  } catch {
    short = new Intl.DateTimeFormat("en-US", { weekday: "short" }).format(now);
  }
  return ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(short) + 1 || 1;
}

/** "18:00" as the locale writes it ("18:00" in French and British English, "6:00 PM" in US). */
export function formatClock(hhmm: string, locale: string): string {
  const [h, m] = hhmm.split(":").map(Number);
  if (h === undefined || m === undefined || Number.isNaN(h) || Number.isNaN(m)) return hhmm;
  const date = new Date(Date.UTC(2024, 0, 1, h, m));
  return new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", timeZone: "UTC" }).format(date);
}

/** An instant as the shop's clock and calendar say it: "mardi 11:00" ("Tuesday 11:00"). */
export function formatShopTime(iso: string, timeZone: string, locale: string): string {
  const date = new Date(iso);
  const options: Intl.DateTimeFormatOptions = { weekday: "long", hour: "2-digit", minute: "2-digit" };
  try {
    return new Intl.DateTimeFormat(locale, { ...options, timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat(locale, options).format(date);
  }
}
