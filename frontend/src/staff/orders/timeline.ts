// An order's story for the back office, from the history's typed fields (`event`, `reason`,
// `refund`): status moves, the online payment, changes, failed deliveries, the expiry of an unpaid
// order, refunds; plus the refunds nobody asked for (a paid order cancelled is refunded in full
// by the server), which have no history line of their own and come from the payments. The
// history's `note` is the server's English for the shop feed and the logs: never shown.
import type { HistoryEntry, OrderStatus, PaymentView, RefundView } from "../../api/types";

type RefundMethod = RefundView["method"];

export type TimelineEntry =
  | { kind: "status"; at: string; to: OrderStatus }
  | { kind: "paid_online"; at: string }
  | { kind: "modified"; at: string }
  | { kind: "delivery_failed"; at: string; reason: string | null }
  | { kind: "expired"; at: string }
  | { kind: "cancelled"; at: string; reason: string | null }
  | { kind: "refund"; at: string; amount_cents: number; method: RefundMethod; reason: string | null; asked: boolean; status: RefundView["status"] | null; currency: string };

const time = (iso: string) => new Date(iso).getTime();

/** The order's history and the refunds the server made by itself, in one list, oldest first. */
export function timeline(history: readonly HistoryEntry[], payments: readonly PaymentView[], currency: string): TimelineEntry[] {
  const entries = history.map((h) => fromHistory(h, currency));
  for (const payment of payments) {
    for (const refund of payment.refunds) {
      if (refund.created_by) continue; // asked by someone: its history line says it
      entries.push({ kind: "refund", at: refund.created_at, amount_cents: refund.amount_cents, method: refund.method, reason: null, asked: false, status: refund.status, currency: payment.currency });
    }
  }
  // Stable: entries written at the same moment keep the order they were given in.
  return entries.map((e, i) => ({ e, i })).sort((a, b) => time(a.e.at) - time(b.e.at) || a.i - b.i).map(({ e }) => e);
}

function fromHistory(h: HistoryEntry, currency: string): TimelineEntry {
  const reason = h.reason?.trim() || null;
  switch (h.event) {
    case "paid":
      return { kind: "paid_online", at: h.at };
    case "modified":
      return { kind: "modified", at: h.at };
    case "delivery_failed":
      return { kind: "delivery_failed", at: h.at, reason };
    case "expired":
      return { kind: "expired", at: h.at };
    case "refunded":
      return h.refund
        ? { kind: "refund", at: h.at, amount_cents: h.refund.amount_cents, method: h.refund.method, reason, asked: true, status: null, currency }
        : { kind: "modified", at: h.at };
    case "moved":
      return h.to === "cancelled" ? { kind: "cancelled", at: h.at, reason } : { kind: "status", at: h.at, to: h.to };
  }
}
