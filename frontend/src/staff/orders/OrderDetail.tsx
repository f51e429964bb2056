// One order for the back office: its lines, history, payments with their refunds, and the refund
// form (an amount and a reason; for an order paid cash or card on delivery, how the money went
// back). Never more than what is left: the server says so, naming the amount.
import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";
import { api, call } from "../../api/client";
import type { Order, PaymentView } from "../../api/types";
import { useResource } from "../../api/useResource";
import { useI18n } from "../../i18n";
import { Field } from "../../ui/Field";
import { FormError } from "../../ui/FormError";
import { ErrorPanel, Loading } from "../../ui/LoadState";
import { fieldMessages } from "../../ui/problemText";
import { useToast } from "../../ui/Toast";
import { useDocumentTitle } from "../../ui/useDocumentTitle";
import { useSubmit } from "../../ui/useSubmit";
import { useStaff } from "../StaffContext";

async function fetchOrderAndPayments(orderId: string, signal?: AbortSignal) {
  const [order, payments] = await Promise.all([
    call(api.GET("/api/v1/orders/{order_id}", { params: { path: { order_id: orderId } }, signal })),
    call(api.GET("/api/v1/orders/{order_id}/payments", { params: { path: { order_id: orderId } }, signal })),
  ]);
  return { order: order as Order, payments: payments.items as PaymentView[] };
}

/** "4,50" or "4.50" in euros to cents; null when it is not a positive amount. */
export function parseAmount(text: string): number | null {
  const m = /^\s*(\d+)(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  const cents = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  return cents > 0 ? cents : null;
}

export function OrderDetail() {
  const { t, price, intlLocale } = useI18n();
  const { orderId = "" } = useParams();
  const { shop } = useStaff();
  const data = useResource(`staff-order:${orderId}`, (signal) => fetchOrderAndPayments(orderId, signal));
  useDocumentTitle(data.status === "ready" ? t("staffOrders.number", { number: data.data.order.number }) : t("staffOrders.title"));
  if (data.status === "loading") return <Loading />;
  if (data.status === "error") return <ErrorPanel problem={data.problem} onRetry={data.retry} />;
  const { order, payments } = data.data;
  const when = (iso: string) =>
    new Intl.DateTimeFormat(intlLocale, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: shop.timezone }).format(new Date(iso));
  const collected = payments.filter((p) => p.status === "succeeded");
  const left = collected.reduce((sum, p) => sum + p.amount_cents - p.refunded_cents, 0);
  return (
    <div className="stock">
      <p>
        <Link to="/staff/orders">{t("staffOrders.back")}</Link>
      </p>
      <h1>
        {t("staffOrders.number", { number: order.number })} · {order.customer_name}
      </h1>
      <p className="stock-line__qty">
        <strong>{price(order.total_cents, order.currency)}</strong>
        <span>{t(`order.status.${order.status}`)}</span>
        <span>{t(`staffOrders.fulfilment.${order.fulfilment}`)}</span>
        <span>{t(`staffOrders.paymentMethod.${order.payment_method}`)}</span>
      </p>
      <ul>
        {order.lines.map((l, i) => (
          <li key={i}>
            {l.quantity} × {l.product_name} ({l.size_label}) — {price(l.line_total_cents, order.currency)}
          </li>
        ))}
      </ul>
      <section className="panel" aria-labelledby="order-payments">
        <h2 id="order-payments">{t("staffOrders.payments")}</h2>
        {payments.length === 0 && <p>{t("staffOrders.noPayment")}</p>}
        <ul>
          {payments.map((p) => (
            <li key={p.id}>
              {t("staffOrders.paid", {
                amount: price(p.amount_cents, p.currency),
                provider: t(`staffOrders.provider.${p.provider}`),
                refunded: price(p.refunded_cents, p.currency),
              })}
              {p.refunds.length > 0 && (
                <ul>
                  {p.refunds.map((r) => (
                    <li key={r.id}>
                      {t("staffOrders.refundLine", { amount: price(r.amount_cents, p.currency), method: t(`staffOrders.method.${r.method}`), reason: r.reason ?? "—" })} · {when(r.created_at)}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
        {left > 0 && <RefundForm order={order} onDone={data.retry} />}
      </section>
      <section aria-labelledby="order-history">
        <h2 id="order-history">{t("staffOrders.history")}</h2>
        <ol>
          {order.history.map((h, i) => (
            <li key={i}>
              {when(h.at)} — {t(`order.status.${h.to}`)}
              {h.note ? ` · ${h.note}` : ""}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

function RefundForm({ order, onDone }: { order: Order; onDone: () => void }) {
  const { t, price } = useI18n();
  const toast = useToast();
  const { busy, problem, submit, fail } = useSubmit();
  const byHand = order.payment_method !== "online";
  const [amount, setAmount] = useState("");
  const [reason, setReason] = useState("");
  const [method, setMethod] = useState<"cash" | "card">(order.payment_method === "card_on_delivery" ? "card" : "cash");
  const fields = fieldMessages(t, problem);
  const send = async (event: FormEvent) => {
    event.preventDefault();
    const cents = parseAmount(amount);
    if (cents === null) {
      fail({ status: 422, kind: "validation", detail: t("staffOrders.badAmount"), fieldErrors: { amount_cents: t("staffOrders.badAmount") }, fieldCodes: { amount_cents: "client_check" }, extra: null });
      return;
    }
    const body = byHand ? { amount_cents: cents, reason, method } : { amount_cents: cents, reason: reason || null };
    const done = await submit(() => call(api.POST("/api/v1/orders/{order_id}/refunds", { params: { path: { order_id: order.id } }, body })));
    if (done) {
      toast(t("staffOrders.refundDone", { amount: price(done.amount_cents, order.currency) }));
      setAmount("");
      setReason("");
      onDone();
    }
  };
  return (
    <form className="stock-line__form" onSubmit={send} noValidate>
      <Field label={t("staffOrders.refundAmount", { currency: order.currency })} inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} error={fields.amount_cents} />
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
