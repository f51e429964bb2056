// One order followed live: its status along the way, its lines and totals, and changing or
// cancelling it while the kitchen has not started.
import { useState } from "react";
import { Link, useLocation, useParams } from "react-router-dom";
import type { Order } from "../api/types";
import { useDocumentTitle } from "../ui/useDocumentTitle";
import { useI18n } from "../i18n";
import { Dialog } from "../ui/Dialog";
import { FormError } from "../ui/FormError";
import { ErrorPanel, Loading } from "../ui/LoadState";
import { useToast } from "../ui/Toast";
import { useSubmit } from "../ui/useSubmit";
import { cancelOrder } from "./api";
import { PayOnline } from "./PayOnline";
import { isModifiable, statusSteps } from "./status";
import { useLiveOrder, type LiveState } from "./useLiveOrder";

export function OrderPage() {
  const { t } = useI18n();
  const { orderId = "" } = useParams();
  const { order, live } = useLiveOrder(orderId);
  const location = useLocation();
  const justPlaced = (location.state as { justPlaced?: boolean } | null)?.justPlaced === true;
  useDocumentTitle(order.status === "ready" ? t("order.title", { number: order.data.number }) : t("orders.title"));

  if (order.status === "loading") return <div className="page"><Loading /></div>;
  if (order.status === "error")
    return (
      <div className="page page--narrow">
        <ErrorPanel problem={order.problem} onRetry={order.problem.status === 404 ? undefined : order.retry}>
          <p>
            <Link to="/orders">{t("orders.all")}</Link>
          </p>
        </ErrorPanel>
      </div>
    );
  return <OrderView order={order.data} live={live} justPlaced={justPlaced} onChange={order.replace} />;
}

function OrderView({
  order,
  live,
  justPlaced,
  onChange,
}: {
  order: Order;
  live: LiveState;
  justPlaced: boolean;
  onChange: (order: Order) => void;
}) {
  const { t, price, intlLocale } = useI18n();
  const steps = statusSteps(order.fulfilment);
  const current = steps.indexOf(order.status);
  const time = (iso: string) =>
    new Intl.DateTimeFormat(intlLocale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));

  return (
    <div className="page page--narrow">
      {justPlaced && !["cancelled", "delivered", "picked_up"].includes(order.status) && (
        <p className="notice notice--ok" role="status">
          {order.status === "pending_payment" ? t("order.thanksPay") : t("order.thanks")}
        </p>
      )}
      <div className="page-heading">
        <h1>{t("order.title", { number: order.number })}</h1>
        <LiveBadge live={live} />
      </div>
      <p className="muted">
        {time(order.created_at)} · {t(`checkout.fulfilment.${order.fulfilment}`)} ·{" "}
        {t(`order.payment.${order.payment_method}`)}
      </p>

      <section className="card" aria-labelledby="order-status-title">
        <h2 id="order-status-title">{t("order.status")}</h2>
        {order.status === "cancelled" ? (
          <p className="notice">{t("order.status.cancelled")}</p>
        ) : order.status === "pending_payment" ? (
          <p className="notice">{t("order.status.pending_payment")}</p>
        ) : (
          <ol className="steps">
            {steps.map((step, index) => (
              <li
                key={step}
                className={index < current ? "steps__done" : index === current ? "steps__current" : undefined}
                aria-current={index === current ? "step" : undefined}
              >
                {t(`order.status.${step}`)}
              </li>
            ))}
          </ol>
        )}
      </section>

      <section className="card" aria-labelledby="order-lines-title">
        <h2 id="order-lines-title">{t("order.lines")}</h2>
        <ul className="quote-lines">
          {order.lines.map((line, index) => (
            <li key={index}>
              <div className="quote-line">
                <span>
                  {line.quantity} × {line.product_name} <span className="muted">({line.size_label})</span>
                </span>
                <span className="price">{price(line.line_total_cents, order.currency)}</span>
              </div>
              {line.removed.length > 0 && (
                <p className="cart-line__mods">{t("cart.without", { names: line.removed.map((r) => r.name).join(", ") })}</p>
              )}
              {line.added.length > 0 && (
                <p className="cart-line__mods">{t("cart.extras", { names: line.added.map((a) => a.name).join(", ") })}</p>
              )}
            </li>
          ))}
        </ul>
        <dl className="totals">
          <div className="totals__sub">
            <dt>{t("checkout.subtotal")}</dt>
            <dd>{price(order.subtotal_cents, order.currency)}</dd>
          </div>
          {order.fulfilment === "delivery" && (
            <div className="totals__sub">
              <dt>{t("checkout.deliveryFee")}</dt>
              <dd>{price(order.delivery_fee_cents, order.currency)}</dd>
            </div>
          )}
          <div className="totals__total">
            <dt>{t("checkout.total")}</dt>
            <dd className="price">{price(order.total_cents, order.currency)}</dd>
          </div>
        </dl>
        {order.delivery_address && (
          <p>
            <strong>{t("checkout.address")} :</strong> {order.delivery_address.line1}
            {order.delivery_address.line2 ? `, ${order.delivery_address.line2}` : ""}, {order.delivery_address.postal_code}{" "}
            {order.delivery_address.city}
          </p>
        )}
        {order.notes && (
          <p>
            <strong>{t("checkout.notes")} :</strong> {order.notes}
          </p>
        )}
      </section>

      {order.status === "pending_payment" && order.payment_method === "online" && (
        <PayOnline order={order} onOrder={onChange} />
      )}
      {order.changeable && <CancelOrder order={order} onCancelled={onChange} />}
      <p>
        <Link to="/orders">{t("orders.all")}</Link>
      </p>
    </div>
  );
}

function LiveBadge({ live }: { live: LiveState }) {
  const { t } = useI18n();
  if (live === "ended") return null;
  return (
    <span className={`badge ${live === "live" ? "badge--open" : "badge--closed"}`} role="status">
      {t(`order.live.${live}`)}
    </span>
  );
}

function CancelOrder({ order, onCancelled }: { order: Order; onCancelled: (order: Order) => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [open, setOpen] = useState(false);
  const { busy, problem, submit } = useSubmit();
  // A changeable order that cannot be modified is a paid online one: cancelled and refunded only.
  const modifiable = isModifiable(order);

  function cancel() {
    void submit(async () => {
      onCancelled(await cancelOrder(order.id));
      setOpen(false);
      toast(t("order.cancelled"));
    });
  }

  return (
    <section className="card">
      <p className="muted">{t(modifiable ? "order.changeableNote" : "order.paidCancelNote")}</p>
      <div className="actions">
        {modifiable && (
          <Link className="button" to={`/orders/${order.id}/edit`}>
            {t("order.modify")}
          </Link>
        )}
        <button type="button" className="button button--ghost" onClick={() => setOpen(true)}>
          {t("order.cancel")}
        </button>
      </div>
      {open && (
        <Dialog
          title={t("order.cancelConfirmTitle", { number: order.number })}
          onClose={() => setOpen(false)}
          footer={
            <>
              <button type="button" className="button button--ghost" onClick={() => setOpen(false)} autoFocus>
                {t("order.keep")}
              </button>
              <button type="button" className="button button--danger" onClick={cancel} disabled={busy}>
                {busy ? t("common.pleaseWait") : t("order.cancelConfirm")}
              </button>
            </>
          }
        >
          <p>{t(modifiable ? "order.cancelConfirmText" : "order.cancelConfirmRefund")}</p>
          <FormError problem={problem} overrides={{ 409: "order.tooLate" }} />
        </Dialog>
      )}
    </section>
  );
}
