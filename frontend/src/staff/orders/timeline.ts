// An order's story for the back office, told from typed fields: the status moves of its history,
// its refunds from the payments, and what a move means (paid online, a failed delivery, not paid
// in time). The history's notes are the server's English words for developers ("paid online",
// "modified", "refunded 2.50 EUR (cash): …"): never shown as they are; only what a person typed
// (why an order was cancelled, why a delivery failed) is taken from them.
import type { HistoryEntry, OrderStatus, PaymentView, RefundView } from "../../api/types";
import { typedFailureReason } from "../deliveries/delivery";

export type TimelineEntry =
  | { kind: "status"; at: string; to: OrderStatus }
  | { kind: "paid_online"; at: string }
  | { kind: "modified"; at: string }
  | { kind: "delivery_failed"; at: string; reason: string | null }
  | { kind: "expired"; at: string }
  | { kind: "cancelled"; at: string; reason: string | null }
  | { kind: "refund"; at: string; refund: RefundView; currency: string };

/**
 * How long after a refund the history line noting it may be written: at once for a refund by hand
 * (same transaction), after the provider's answer for one online.
 */
const NOTED_WITHIN_MS = 5 * 60_000;

const time = (iso: string) => new Date(iso).getTime();

/** The order's history and refunds in one list, oldest first. */
export function timeline(history: readonly HistoryEntry[], payments: readonly PaymentView[]): TimelineEntry[] {
  const refunds = payments.flatMap((p) => p.refunds.map((refund) => ({ refund, currency: p.currency })));
  // A refund by hand out of two payments is two refunds noted once: one request per author and time.
  const requests = [...new Map(refunds.filter((r) => r.refund.created_by).map((r) => [`${r.refund.created_by}@${time(r.refund.created_at)}`, r.refund])).values()];
  const noted = new Set<RefundView>();
  const isRefundNote = (h: HistoryEntry) => {
    const match = requests
      .filter((r) => !noted.has(r) && r.created_by === h.actor_id)
      .map((r) => ({ r, gap: time(h.at) - time(r.created_at) }))
      .filter(({ gap }) => gap >= -1000 && gap <= NOTED_WITHIN_MS)
      .sort((a, b) => a.gap - b.gap)[0];
    if (match) noted.add(match.r);
    return match !== undefined;
  };

  const entries: TimelineEntry[] = [];
  for (const h of history) {
    const entry = fromHistory(h, isRefundNote);
    if (entry) entries.push(entry);
  }
  for (const { refund, currency } of refunds) entries.push({ kind: "refund", at: refund.created_at, refund, currency });
  // Stable: entries written at the same moment keep the order they were given in.
  return entries.map((e, i) => ({ e, i })).sort((a, b) => time(a.e.at) - time(b.e.at) || a.i - b.i).map(({ e }) => e);
}

/** What one history line says; null for the line noting a refund (the refund itself is shown). */
function fromHistory(h: HistoryEntry, isRefundNote: (h: HistoryEntry) => boolean): TimelineEntry | null {
  if (h.from && h.from === h.to) {
    // No move: a refund noted, or the order's lines or address changed.
    return h.actor_id && isRefundNote(h) ? null : { kind: "modified", at: h.at };
  }
  if (h.from === "pending_payment" && h.to === "placed") return { kind: "paid_online", at: h.at };
  if (h.from === "out_for_delivery" && h.to === "ready") return { kind: "delivery_failed", at: h.at, reason: typedFailureReason(h.note) };
  if (h.to === "cancelled") {
    // Cancelled by nobody: the expiry job, for an order not paid in time; its note is the server's.
    if (!h.actor_id) return h.from === "pending_payment" ? { kind: "expired", at: h.at } : { kind: "cancelled", at: h.at, reason: null };
    return { kind: "cancelled", at: h.at, reason: h.note?.trim() || null };
  }
  return { kind: "status", at: h.at, to: h.to };
}
