// The shop's open orders, oldest first, kept current by the shop's stream: status, pickup or
// delivery, total and payment; hand over a ready pickup with what was collected, cancel while
// allowed, print the ticket.
import { useState } from "react";
import type { Order } from "../../api/types";
import { useI18n } from "../../i18n";
import { FormError } from "../../ui/FormError";
import { ErrorPanel, Loading } from "../../ui/LoadState";
import { useSubmit } from "../../ui/useSubmit";
import { cancelOrder, moveOrder, type Collected } from "../api";
import { failureReason } from "../deliveries/delivery";
import { LiveBadge } from "../LiveBadge";
import { useStaff } from "../StaffContext";
import type { OpenOrdersState } from "./useOpenOrders";

export function OpenOrders({ open, onPrint }: { open: OpenOrdersState; onPrint: (order: Order) => void }) {
  const { t } = useI18n();
  return (
    <section className="counter-open" aria-labelledby="open-title">
      <div className="counter-row">
        <h2 id="open-title">{t("counter.open", { count: open.orders?.length ?? 0 })}</h2>
        <LiveBadge state={open.live} />
      </div>
      {open.problem && <ErrorPanel problem={open.problem} onRetry={open.reload} />}
      {!open.orders && !open.problem && <Loading />}
      {open.orders?.length === 0 && <p className="muted">{t("counter.noneOpen")}</p>}
      <ul className="counter-open__list">
        {open.orders?.map((order) => (
          <OpenOrder key={order.id} order={order} onChanged={open.reload} onPrint={() => onPrint(order)} />
        ))}
      </ul>
    </section>
  );
}

function OpenOrder({ order, onChanged, onPrint }: { order: Order; onChanged: () => void; onPrint: () => void }) {
  const { t, price, intlLocale } = useI18n();
  const { role } = useStaff();
  const { busy, problem, submit } = useSubmit();
  const [collected, setCollected] = useState<Collected>(order.payment_method === "cash" ? "cash" : "card_on_delivery");
  const [confirming, setConfirming] = useState(false);
  const failed = failureReason(order);
  const manager = role === "manager" || role === "admin";
  const cancellable = order.status === "placed" || order.status === "pending_payment" || (failed !== null && manager);
  const handOver = order.fulfilment === "pickup" && order.status === "ready";
  const due = order.payment_method !== "online";
  const placed = new Date(order.created_at).toLocaleTimeString(intlLocale, { hour: "2-digit", minute: "2-digit" });
  const act = (action: () => Promise<unknown>) => void submit(async () => (await action(), onChanged()));

  return (
    <li className={`card open-order open-order--${order.status}`}>
      <div className="open-order__head">
        <h3>
          #{order.number} <span className="open-order__name">{order.customer_name}</span>
        </h3>
        <span className={`status-pill status-pill--${order.status}`}>{t(`order.status.${order.status}`)}</span>
      </div>
      <p className="open-order__facts">
        {t(`kitchen.fulfilment.${order.fulfilment}`)} · {t("counter.placedAt", { time: placed })} · {price(order.total_cents, order.currency)} ·{" "}
        {t(`counter.payment.${order.payment_method}`)}
      </p>
      {failed && <p className="notice">⚠ {t("deliveries.failedBefore", { reason: failed })}</p>}
      <FormError problem={problem} />
      <div className="counter-row">
        {handOver && (
          <>
            {due && (
              <fieldset className="open-order__collected">
                <legend className="visually-hidden">{t("deliveries.collected")}</legend>
                {(["cash", "card_on_delivery"] as const).map((c) => (
                  <label key={c} className="choice choice--inline">
                    <input type="radio" name={`collected-${order.id}`} checked={collected === c} onChange={() => setCollected(c)} />
                    <span>{t(`deliveries.collected.${c}`)}</span>
                  </label>
                ))}
              </fieldset>
            )}
            <button
              type="button"
              className="button button--primary"
              disabled={busy}
              onClick={() => act(() => moveOrder(order.id, "picked_up", due ? collected : undefined))}
            >
              {t("counter.handOver", { number: order.number })}
            </button>
          </>
        )}
        <button type="button" className="button" onClick={onPrint}>
          {t("counter.print")}
        </button>
        {cancellable &&
          (confirming ? (
            <>
              <button type="button" className="button button--danger" disabled={busy} onClick={() => act(() => cancelOrder(order.id))}>
                {t("counter.cancelConfirm", { number: order.number })}
              </button>
              <button type="button" className="button" onClick={() => setConfirming(false)}>
                {t("counter.keep")}
              </button>
            </>
          ) : (
            <button type="button" className="button" onClick={() => setConfirming(true)}>
              {t("counter.cancel")}
            </button>
          ))}
      </div>
    </li>
  );
}
