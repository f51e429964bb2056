// The refund form of an order's page: an amount, never more than what is left (collected minus
// already refunded), and a reason, shown in the order's history; for an order paid cash or card
// on delivery, how the money went back. The server checks the same and names the amount.
import { useState, type FormEvent } from "react";
import { api, call } from "../../api/client";
import type { Order } from "../../api/types";
import { useI18n } from "../../i18n";
import { Field } from "../../ui/Field";
import { FormError } from "../../ui/FormError";
import { fieldMessages } from "../../ui/problemText";
import { useToast } from "../../ui/Toast";
import { useSubmit } from "../../ui/useSubmit";

/** "4,50" or "4.50" in euros to cents; null when it is not a positive amount. */
export function parseAmount(text: string): number | null {
  const m = /^\s*(\d+)(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  const cents = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  return cents > 0 ? cents : null;
}

/** What is left to pay back: what was collected minus what was refunded, in cents. */
export function refundable(payments: readonly { status: string; amount_cents: number; refunded_cents: number }[]): number {
  return payments.filter((p) => p.status === "succeeded").reduce((sum, p) => sum + p.amount_cents - p.refunded_cents, 0);
}

export function RefundForm({ order, left, onDone }: { order: Order; left: number; onDone: () => void }) {
  const { t, price } = useI18n();
  const toast = useToast();
  const { busy, problem, submit, fail } = useSubmit();
  const byHand = order.payment_method !== "online";
  const [amount, setAmount] = useState("");
  const [reason, setReason] = useState("");
  const [method, setMethod] = useState<"cash" | "card">(order.payment_method === "card_on_delivery" ? "card" : "cash");
  const fields = fieldMessages(t, problem);
  const most = price(left, order.currency);
  const send = async (event: FormEvent) => {
    event.preventDefault();
    const cents = parseAmount(amount);
    const errors: Record<string, string> = {};
    if (cents === null) errors.amount_cents = t("staffOrders.badAmount");
    else if (cents > left) errors.amount_cents = t("staffOrders.tooMuch", { amount: most });
    // Asked for every refund, not only by hand: the server would write its own English words.
    if (!reason.trim()) errors.reason = t("field.reason.required");
    if (cents === null || Object.keys(errors).length > 0) {
      const codes = Object.fromEntries(Object.keys(errors).map((f) => [f, "client_check"]));
      fail({ status: 422, kind: "validation", detail: Object.values(errors).join(" "), fieldErrors: errors, fieldCodes: codes, extra: null });
      return;
    }
    const body = byHand ? { amount_cents: cents, reason: reason.trim(), method } : { amount_cents: cents, reason: reason.trim() };
    const done = await submit(() => call(api.POST("/api/v1/orders/{order_id}/refunds", { params: { path: { order_id: order.id } }, body })));
    if (done) {
      toast(t("staffOrders.refundDone", { amount: price(done.amount_cents, order.currency) }));
      setAmount("");
      setReason("");
      onDone();
    }
  };
  return (
    <form className="stock-line__form" onSubmit={send} noValidate aria-label={t("staffOrders.refundForm")}>
      <Field
        label={t("staffOrders.refundAmount", { currency: order.currency })}
        inputMode="decimal"
        value={amount}
        hint={t("staffOrders.refundMax", { amount: most })}
        onChange={(e) => setAmount(e.target.value)}
        error={fields.amount_cents}
      />
      {byHand && (
        <div className="field">
          <label htmlFor="refund-method">{t("staffOrders.refundMethod")}</label>
          <select id="refund-method" value={method} onChange={(e) => setMethod(e.target.value as "cash" | "card")}>
            <option value="cash">{t("staffOrders.method.cash")}</option>
            <option value="card">{t("staffOrders.method.card")}</option>
          </select>
        </div>
      )}
      <Field label={t("staffOrders.refundReason")} value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} error={fields.reason} />
      <button type="submit" className="button button--primary" disabled={busy}>
        {busy ? t("common.pleaseWait") : t("staffOrders.refund")}
      </button>
      <FormError problem={problem} />
    </form>
  );
}
