// One delivery: number, customer, address with map links, phone, what to collect; take it when
// ready, then mark it delivered with what was collected, or failed with a reason. A manager may
// cancel an order that came back after a failed delivery.
import { useId, useState, type FormEvent } from "react";
import type { Order } from "../../api/types";
import { useI18n } from "../../i18n";
import { FormError } from "../../ui/FormError";
import { useSubmit } from "../../ui/useSubmit";
import { cancelOrder, moveOrder, reportDeliveryFailure, type Collected } from "../api";
import { useStaff } from "../StaffContext";
import { addressLine, failureReason, geoUri, osmSearchUrl, telHref, toCollect } from "./delivery";

export function DeliveryCard({ order, onChanged }: { order: Order; onChanged: () => void }) {
  const { t, price } = useI18n();
  const { role } = useStaff();
  const { busy, problem, submit } = useSubmit();
  const [collected, setCollected] = useState<Collected>(order.payment_method === "cash" ? "cash" : "card_on_delivery");
  const [failing, setFailing] = useState(false);
  const [reason, setReason] = useState("");
  const ids = useId();
  const due = toCollect(order);
  const failed = failureReason(order);
  const address = order.delivery_address;

  const act = (action: () => Promise<unknown>) => void submit(async () => (await action(), onChanged()));

  function fail(event: FormEvent) {
    event.preventDefault();
    if (!reason.trim()) return;
    act(() => reportDeliveryFailure(order.id, reason.trim()));
  }

  return (
    <li className={`delivery delivery--${order.status}`} aria-labelledby={`${ids}-title`}>
      <h3 id={`${ids}-title`} className="delivery__title">
        <span>#{order.number}</span> {order.customer_name}
      </h3>
      {failed && (
        <p className="notice delivery__failed">
          <span aria-hidden="true">⚠ </span>
          {t("deliveries.failedBefore", { reason: failed })}
        </p>
      )}
      {address && (
        <address className="delivery__address">
          {address.line1}
          {address.line2 && <>, {address.line2}</>}
          <br />
          {address.postal_code} {address.city}
          {address.instructions && <span className="delivery__instructions">{address.instructions}</span>}
        </address>
      )}
      <p className="delivery__links">
        {address && (
          <>
            <a className="button button--small" href={osmSearchUrl(address)} target="_blank" rel="noreferrer noopener">
              {t("deliveries.map")}
              <span className="visually-hidden"> — {addressLine(address)}</span>
            </a>
            <a className="button button--small" href={geoUri(address)}>
              {t("deliveries.mapApp")}
            </a>
          </>
        )}
        {order.customer_phone && (
          <a className="button button--small" href={telHref(order.customer_phone)}>
            {t("deliveries.call", { phone: order.customer_phone })}
          </a>
        )}
      </p>
      <p className="delivery__due">
        {due > 0
          ? t("deliveries.toCollect", { amount: price(due, order.currency), how: t(`deliveries.how.${order.payment_method}`) })
          : t("deliveries.paidOnline")}
      </p>
      {order.notes && <p className="delivery__notes">✎ {order.notes}</p>}
      <FormError problem={problem} />

      {order.status === "ready" && (
        <div className="delivery__actions">
          <button type="button" className="button button--primary button--wide" disabled={busy} onClick={() => act(() => moveOrder(order.id, "out_for_delivery"))}>
            {t("deliveries.take", { number: order.number })}
          </button>
          {failed && (role === "manager" || role === "admin") && (
            <button type="button" className="button button--danger button--wide" disabled={busy} onClick={() => act(() => cancelOrder(order.id, t("deliveries.cancelReason", { reason: failed })))}>
              {t("deliveries.cancel", { number: order.number })}
            </button>
          )}
        </div>
      )}

      {order.status === "out_for_delivery" && !failing && (
        <div className="delivery__actions">
          {due > 0 && (
            <fieldset className="choice-group delivery__collected">
              <legend>{t("deliveries.collected")}</legend>
              {(["cash", "card_on_delivery"] as const).map((c) => (
                <label key={c} className="choice">
                  <input type="radio" name={`${ids}-collected`} checked={collected === c} onChange={() => setCollected(c)} />
                  <span className="choice__label">{t(`deliveries.collected.${c}`)}</span>
                </label>
              ))}
            </fieldset>
          )}
          <button
            type="button"
            className="button button--primary button--wide"
            disabled={busy}
            onClick={() => act(() => moveOrder(order.id, "delivered", due > 0 ? collected : undefined))}
          >
            {t("deliveries.delivered", { number: order.number })}
          </button>
          <button type="button" className="button button--wide" disabled={busy} onClick={() => setFailing(true)}>
            {t("deliveries.failed")}
          </button>
        </div>
      )}

      {order.status === "out_for_delivery" && failing && (
        <form className="delivery__actions" onSubmit={fail}>
          <div className="field">
            <label htmlFor={`${ids}-reason`}>{t("deliveries.reason")}</label>
            <input id={`${ids}-reason`} value={reason} required maxLength={200} onChange={(e) => setReason(e.target.value)} />
          </div>
          <p className="delivery__reasons">
            {(["absent", "address", "refused"] as const).map((r) => (
              <button key={r} type="button" className="button button--small" onClick={() => setReason(t(`deliveries.reason.${r}`))}>
                {t(`deliveries.reason.${r}`)}
              </button>
            ))}
          </p>
          <button type="submit" className="button button--danger button--wide" disabled={busy || !reason.trim()}>
            {t("deliveries.failedConfirm", { number: order.number })}
          </button>
          <button type="button" className="button button--wide" onClick={() => setFailing(false)}>
            {t("common.cancel")}
          </button>
        </form>
      )}
    </li>
  );
}
