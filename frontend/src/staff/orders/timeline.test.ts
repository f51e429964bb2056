import { describe, expect, it } from "vitest";
import type { HistoryEntry, PaymentView, RefundView } from "../../api/types";
import { timeline } from "./timeline";

const BOSS = "u-boss";

function refund(id: string, at: string, overrides: Partial<RefundView> = {}): RefundView {
  return { id, amount_cents: 100, method: "cash", status: "succeeded", reason: "oubli", created_by: BOSS, created_at: at, provider_ref: null, ...overrides };
}

function payment(id: string, refunds: RefundView[]): PaymentView {
  return { id, provider: "cash", status: "succeeded", amount_cents: 1000, refunded_cents: 0, refunds, currency: "EUR", provider_ref: null, created_at: "2026-11-30T18:00:00Z", updated_at: "2026-11-30T18:00:00Z" };
}

const at = (hhmmss: string) => `2026-11-30T${hhmmss}Z`;
const same = (time: string, note: string, actor: string | null = BOSS): HistoryEntry => ({ from: "delivered", to: "delivered", actor_id: actor, note, at: at(time) });

describe("an order's timeline", () => {
  it("shows a refund once from its typed fields, even split over two payments, and keeps a change made by the same person", () => {
    const history: HistoryEntry[] = [
      { from: null, to: "placed", actor_id: "c-1", note: null, at: at("18:00:00") },
      { from: "placed", to: "placed", actor_id: BOSS, note: "modified", at: at("18:02:00") },
      same("19:00:00", "refunded 15.00 EUR (cash): oubli"),
      // Online: noted once the provider answered, a few seconds later.
      same("19:30:04", "refunded 2.00 EUR (online): tiède"),
    ];
    const payments = [
      payment("p-1", [refund("r-1", at("19:00:00"), { amount_cents: 1000 })]),
      payment("p-2", [refund("r-2", at("19:00:00"), { amount_cents: 500 }), refund("r-3", at("19:30:00"), { method: "online", reason: "tiède" })]),
    ];
    const entries = timeline(history, payments);
    expect(entries.map((e) => e.kind)).toEqual(["status", "modified", "refund", "refund", "refund"]);
    expect(entries.filter((e) => e.kind === "refund").map((e) => e.refund.id)).toEqual(["r-1", "r-2", "r-3"]);
  });

  it("calls a change without a matching refund a change, and a refund long before it no match", () => {
    const history = [same("18:00:00", "modified"), same("20:00:00", "modified", "u-other")];
    const entries = timeline(history, [payment("p-1", [refund("r-1", at("19:00:00"))])]);
    expect(entries.map((e) => e.kind)).toEqual(["modified", "refund", "modified"]);
  });

  it("says what a move means: paid online, a failed delivery with what the courier typed, not paid in time, cancelled with its reason", () => {
    const history: HistoryEntry[] = [
      { from: "pending_payment", to: "placed", actor_id: null, note: "paid online", at: at("18:01:00") },
      { from: "out_for_delivery", to: "ready", actor_id: "u-courier", note: "delivery failed: personne à l'interphone", at: at("18:40:00") },
      { from: "out_for_delivery", to: "ready", actor_id: "u-courier", note: "delivery failed: ", at: at("18:50:00") },
      { from: "pending_payment", to: "cancelled", actor_id: null, note: "not paid in time", at: at("19:00:00") },
      { from: "placed", to: "cancelled", actor_id: "c-1", note: "  ", at: at("19:10:00") },
    ];
    expect(timeline(history, [])).toEqual([
      { kind: "paid_online", at: at("18:01:00") },
      { kind: "delivery_failed", at: at("18:40:00"), reason: "personne à l'interphone" },
      { kind: "delivery_failed", at: at("18:50:00"), reason: null },
      { kind: "expired", at: at("19:00:00") },
      { kind: "cancelled", at: at("19:10:00"), reason: null },
    ]);
  });
});
