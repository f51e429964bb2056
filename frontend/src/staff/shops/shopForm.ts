// The shop form's logic, apart from its screen: a draft holding what the admin types (amounts as
// "2,50", hours as ranges per weekday, postal codes as one text), the request it becomes, and the
// API's field errors (`hours[3].closes_at`, `delivery_fee_cents`) put back next to the inputs
// they are about.
import type { OpeningHours, Shop, ShopInput } from "../../api/types";

export interface RangeDraft {
  opens_at: string;
  closes_at: string;
}

/** Ranges per ISO weekday: index 0 is Monday, 6 Sunday. */
export type WeekDraft = RangeDraft[][];

export interface ShopDraft {
  slug: string;
  name: string;
  address_line: string;
  postal_code: string;
  city: string;
  phone: string;
  email: string;
  timezone: string;
  hours: WeekDraft;
  postal_codes: string;
  delivery_fee: string;
  min_order: string;
  active: boolean;
}

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

export const TIME_ZONES = ["Europe/Paris", "Europe/Brussels", "Europe/Zurich", "Europe/Luxembourg", "Indian/Reunion", "America/Martinique", "America/Guadeloupe", "Pacific/Noumea"];

export function emptyWeek(): WeekDraft {
  return WEEKDAYS.map(() => []);
}

export function emptyDraft(): ShopDraft {
  return {
    slug: "",
    name: "",
    address_line: "",
    postal_code: "",
    city: "",
    phone: "",
    email: "",
    timezone: "Europe/Paris",
    hours: emptyWeek(),
    postal_codes: "",
    delivery_fee: "0,00",
    min_order: "0,00",
    active: true,
  };
}

/** 250 → "2,50" (the way the admin types it back). */
export function formatEuros(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, "0")}`;
}

/**
 * "2,50", "2.5", "2", "2,50 €" → cents; null for anything else (negative, letters, three
 * decimals). Spaces are thousands separators ("1 000,00").
 */
export function parseEuros(text: string): number | null {
  const cleaned = text.replace(/[\s\u00a0\u202f]/g, "").replace(/€$/, "");
  const match = /^(\d+)(?:[.,](\d{1,2}))?$/.exec(cleaned);
  if (!match) return null;
  const euros = Number(match[1]);
  const cents = Number((match[2] ?? "").padEnd(2, "0"));
  const total = euros * 100 + cents;
  return Number.isSafeInteger(total) ? total : null;
}

/** "69001, 69002 69003;69001" → ["69001", "69002", "69003"] (each once, in the order typed). */
export function parseCodes(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).filter(Boolean))];
}

export function weekOf(hours: readonly OpeningHours[]): WeekDraft {
  const week = emptyWeek();
  for (const h of [...hours].sort((a, b) => a.weekday - b.weekday || a.opens_at.localeCompare(b.opens_at)))
    week[h.weekday - 1]?.push({ opens_at: h.opens_at, closes_at: h.closes_at });
  return week;
}

export function draftOf(shop: Shop): ShopDraft {
  return {
    slug: shop.slug,
    name: shop.name,
    address_line: shop.address_line,
    postal_code: shop.postal_code,
    city: shop.city,
    phone: shop.phone,
    email: shop.email ?? "",
    timezone: shop.timezone,
    hours: weekOf(shop.hours),
    postal_codes: shop.delivery_postal_codes.join(", "),
    delivery_fee: formatEuros(shop.delivery_fee_cents),
    min_order: formatEuros(shop.min_order_cents),
    active: shop.active,
  };
}

// Editing the week, each returning a new week.

/** A range after the day's last one: lunch first (11:30–14:00), then dinner (18:30–22:30). */
export function addRange(week: WeekDraft, weekday: number): WeekDraft {
  return week.map((day, i) => {
    if (i !== weekday - 1) return day;
    const next = day.length === 0 ? { opens_at: "11:30", closes_at: "14:00" } : { opens_at: "18:30", closes_at: "22:30" };
    return [...day, next];
  });
}

export function removeRange(week: WeekDraft, weekday: number, index: number): WeekDraft {
  return week.map((day, i) => (i === weekday - 1 ? day.filter((_, j) => j !== index) : day));
}

export function setRange(week: WeekDraft, weekday: number, index: number, change: Partial<RangeDraft>): WeekDraft {
  return week.map((day, i) => (i === weekday - 1 ? day.map((r, j) => (j === index ? { ...r, ...change } : r)) : day));
}

/** The same ranges as this day on every day of the week. */
export function copyToAllDays(week: WeekDraft, weekday: number): WeekDraft {
  const model = week[weekday - 1] ?? [];
  return week.map(() => model.map((r) => ({ ...r })));
}

/** The form key of one input of a range: `hours.2.0.closes_at` (Tuesday's first closing). */
export function rangeKey(weekday: number, index: number, part: keyof RangeDraft | "weekday"): string {
  return `hours.${weekday}.${index}.${part}`;
}

/** The hours as the API takes them, and for each one sent the range it came from. */
export function hoursOf(week: WeekDraft): { hours: OpeningHours[]; from: { weekday: number; index: number }[] } {
  const hours: OpeningHours[] = [];
  const from: { weekday: number; index: number }[] = [];
  week.forEach((day, i) =>
    day.forEach((r, index) => {
      hours.push({ weekday: i + 1, opens_at: r.opens_at, closes_at: r.closes_at });
      from.push({ weekday: i + 1, index });
    }),
  );
  return { hours, from };
}

export type Built = { ok: true; body: ShopInput; from: { weekday: number; index: number }[] } | { ok: false; field: string; code: string };

/** The request a draft becomes; amounts that are not amounts are refused before asking. */
export function buildRequest(draft: ShopDraft): Built {
  const fee = parseEuros(draft.delivery_fee);
  if (fee === null) return { ok: false, field: "delivery_fee_cents", code: "money" };
  const minimum = parseEuros(draft.min_order);
  if (minimum === null) return { ok: false, field: "min_order_cents", code: "money" };
  const { hours, from } = hoursOf(draft.hours);
  const email = draft.email.trim();
  return {
    ok: true,
    from,
    body: {
      slug: draft.slug.trim(),
      name: draft.name,
      address_line: draft.address_line,
      postal_code: draft.postal_code.trim(),
      city: draft.city,
      phone: draft.phone,
      email: email === "" ? null : email,
      timezone: draft.timezone.trim(),
      delivery_fee_cents: fee,
      min_order_cents: minimum,
      active: draft.active,
      hours,
      delivery_postal_codes: parseCodes(draft.postal_codes),
    },
  };
}

const FORM_FIELD: Record<string, string> = {
  delivery_fee_cents: "delivery_fee",
  min_order_cents: "min_order",
};

/**
 * The API's field messages (by its field paths) by the form's keys: `hours[i].x` goes to the
 * range it was sent from, `delivery_postal_codes[i]` to the codes field naming the bad code.
 */
export function formErrors(
  messages: Record<string, string>,
  sent: { from: { weekday: number; index: number }[]; codes: string[] } | null,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(messages)) {
    const hour = /^hours\[(\d+)\]\.(\w+)$/.exec(field);
    const code = /^delivery_postal_codes\[(\d+)\]$/.exec(field);
    if (hour) {
      const at = sent?.from[Number(hour[1])];
      const part = hour[2] === "closes_at" || hour[2] === "opens_at" ? hour[2] : "weekday";
      out[at ? rangeKey(at.weekday, at.index, part) : "hours"] = message;
    } else if (code) {
      const value = sent?.codes[Number(code[1])];
      out.postal_codes = [out.postal_codes, value ? `${value} — ${message}` : message].filter(Boolean).join(" ");
    } else if (field === "delivery_postal_codes") {
      out.postal_codes = message;
    } else {
      out[FORM_FIELD[field] ?? field] = message;
    }
  }
  return out;
}
