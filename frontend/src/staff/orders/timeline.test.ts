import { describe, expect, it } from "vitest";
import type { HistoryEntry, PaymentView, RefundView } from "../../api/types";
import { timeline } from "./timeline";

const BOSS = "u-boss";
const at = (hhmmss: string) => `2026-11-30T${hhmmss}Z`;

function refund(id: string, when: string, overrides: Partial<RefundView> = {}): RefundView {
  return { id, amount_cents: 100, method: "cash", status: "succeeded", reason: "oubli", created_by: BOSS, created_at: when, provider_ref: null, ...overrides };
}

function payment(id: string, refunds: RefundView[]): PaymentView {
  return { id, provider: "cash", status: "succeeded", amount_cents: 1000, refunded_cents: 0, refunds, currency: "EUR", provider_ref: null, created_at: at("18:00:00"), updated_at: at("18:00:00") };
}

function line(time: string, event: HistoryEntry["event"], more: Partial<HistoryEntry> = {}): HistoryEntry {
  return { from: "delivered", to: "delivered", actor_id: BOSS, event, reason: null, refund: null, note: "english words never shown", at: at(time), ...more };
}

describe("an order's timeline", () => {
  it("tells each line from its typed event, with what a person typed", () => {
    const history: HistoryEntry[] = [
      line("18:00:00", "moved", { from: null, to: "pending_payment", actor_id: "c-1" }),
      line("18:01:00", "paid", { from: "pending_payment", to: "placed", actor_id: null }),
      line("18:02:00", "modified", { from: "placed", to: "placed" }),
      line("18:40:00", "delivery_failed", { from: "out_for_delivery", to: "ready", reason: "personne à l'interphone" }),
      line("18:50:00", "delivery_failed", { from: "out_for_delivery", to: "ready", reason: "  " }),
      line("19:00:00", "refunded", { reason: "boisson oubliée", refund: { amount_cents: 250, method: "cash" } }),
      line("19:10:00", "moved", { from: "ready", to: "cancelled", reason: "plus faim" }),
    ];
    expect(timeline(history, [], "EUR")).toEqual([
      { kind: "status", at: at("18:00:00"), to: "pending_payment" },
      { kind: "paid_online", at: at("18:01:00") },
      { kind: "modified", at: at("18:02:00") },
      { kind: "delivery_failed", at: at("18:40:00"), reason: "personne à l'interphone" },
      { kind: "delivery_failed", at: at("18:50:00"), reason: null },
      { kind: "refund", at: at("19:00:00"), amount_cents: 250, method: "cash", reason: "boisson oubliée", asked: true, status: null, currency: "EUR" },
      { kind: "cancelled", at: at("19:10:00"), reason: "plus faim" },
    ]);
  });

  it("says an unpaid order expired, and shows once each refund: asked ones from the history, the server's own from the payments", () => {
    const history = [
      line("18:00:00", "moved", { from: null, to: "placed" }),
      line("19:00:00", "refunded", { refund: { amount_cents: 100, method: "cash" } }),
      line("20:00:00", "expired", { from: "pending_payment", to: "cancelled", actor_id: null }),
    ];
    const payments = [payment("p-1", [refund("asked", at("19:00:00")), refund("server", at("19:30:00"), { created_by: null, method: "online", status: "pending", amount_cents: 900 })])];
    const entries = timeline(history, payments, "EUR");
    expect(entries.map((e) => e.kind)).toEqual(["status", "refund", "refund", "expired"]);
    expect(entries[1]).toMatchObject({ asked: true, amount_cents: 100, reason: null });
    expect(entries[2]).toMatchObject({ asked: false, amount_cents: 900, method: "online", status: "pending" });
  });
});
