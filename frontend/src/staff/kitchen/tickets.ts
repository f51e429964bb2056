// The kitchen's rules, as plain functions: how old a ticket is and what colour (and word) that
// gives, which lines are made and which are only packed, the "all day" counts, and the next
// status a bump gives.
import type { OrderStatus } from "../../api/types";
import type { KitchenTicket, TicketLine } from "./types";

export const DEFAULT_WARN_MINUTES = 10;
export const DEFAULT_LATE_MINUTES = 20;

export type AgeLevel = "fresh" | "warn" | "late";

export interface Thresholds {
  warn: number;
  late: number;
}

export function thresholds(queue: { warn_after_minutes?: number | null; late_after_minutes?: number | null }): Thresholds {
  const warn = queue.warn_after_minutes ?? DEFAULT_WARN_MINUTES;
  const late = queue.late_after_minutes ?? DEFAULT_LATE_MINUTES;
  return { warn, late: Math.max(warn, late) };
}

/** Milliseconds since the order was placed (never negative, whatever the clocks say). */
export function ageMs(placedAt: string, now: number): number {
  return Math.max(0, now - Date.parse(placedAt));
}

export function ageLevel(ms: number, { warn, late }: Thresholds): AgeLevel {
  const minutes = ms / 60_000;
  if (minutes >= late) return "late";
  if (minutes >= warn) return "warn";
  return "fresh";
}

/** A running timer: "4:07", "23:59", "1:02:03". */
export function formatTimer(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** Drinks and desserts are only packed; everything else (a product since deleted too) is made
 * at the station. */
export function isPacked(line: Pick<TicketLine, "kind">): boolean {
  return line.kind === "drink" || line.kind === "dessert";
}

export function splitLines(lines: TicketLine[]): { make: TicketLine[]; pack: TicketLine[] } {
  return { make: lines.filter((l) => !isPacked(l)), pack: lines.filter(isPacked) };
}

export interface AllDayCount {
  product: string;
  size: string;
  count: number;
}

/** How many of each product and size are still to make, most first (the "all day" strip). */
export function allDay(tickets: KitchenTicket[]): AllDayCount[] {
  const counts = new Map<string, AllDayCount>();
  for (const ticket of tickets) {
    if (ticket.status !== "placed" && ticket.status !== "preparing") continue;
    for (const line of splitLines(ticket.lines).make) {
      const key = `${line.product_name}\u0000${line.size_label}`;
      const entry = counts.get(key) ?? { product: line.product_name, size: line.size_label, count: 0 };
      entry.count += line.quantity;
      counts.set(key, entry);
    }
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || a.product.localeCompare(b.product) || a.size.localeCompare(b.size));
}

/** What one touch on a ticket does. */
export function bumpTarget(status: OrderStatus): "preparing" | "ready" | null {
  if (status === "placed") return "preparing";
  if (status === "preparing") return "ready";
  return null;
}

/** Oldest first, as the cook works. */
export function oldestFirst(tickets: KitchenTicket[]): KitchenTicket[] {
  return [...tickets].sort((a, b) => Date.parse(a.placed_at) - Date.parse(b.placed_at) || a.number - b.number);
}

/** Tickets that were not on the screen before: the cue for a new order. */
export function newTicketIds(before: ReadonlySet<string> | null, tickets: KitchenTicket[]): string[] {
  if (!before) return [];
  return tickets.filter((t) => !before.has(t.order_id)).map((t) => t.order_id);
}
