// One order for the back office: its lines, payments with their refunds, the refund form while
// something is left to pay back, and its history.
import { Link, useParams } from "react-router-dom";
import { api, call } from "../../api/client";
import type { Order, PaymentView } from "../../api/types";
import { useResource } from "../../api/useResource";
import { useI18n } from "../../i18n";
import { ErrorPanel, Loading } from "../../ui/LoadState";
import { useDocumentTitle } from "../../ui/useDocumentTitle";
import { useStaff } from "../StaffContext";
import { OrderTimeline } from "./OrderTimeline";
import { RefundForm, refundable } from "./RefundForm";

async function fetchOrderAndPayments(orderId: string, signal?: AbortSignal) {
  const [order, payments] = await Promise.all([
    call(api.GET("/api/v1/orders/{order_id}", { params: { path: { order_id: orderId } }, signal })),
    call(api.GET("/api/v1/orders/{order_id}/payments", { params: { path: { order_id: orderId } }, signal })),
  ]);
  return { order: order as Order, payments: payments.items as PaymentView[] };
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
  const left = refundable(payments);
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
                      {t("staffOrders.refundLine", {
                        amount: price(r.amount_cents, p.currency),
                        method: t(`staffOrders.method.${r.method}`),
                        // Nobody asked for it: the refund of a cancelled order (its reason is the server's).
                        reason: r.created_by ? (r.reason ?? "—") : t("staffOrders.event.cancelledRefund"),
                      })}
                      {r.status !== "succeeded" && ` (${t(`staffOrders.refundStatus.${r.status}`)})`} · {when(r.created_at)}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
        {left > 0 && <RefundForm order={order} left={left} onDone={data.retry} />}
      </section>
      <OrderTimeline history={order.history} payments={payments} when={when} />
    </div>
  );
}
