// The checkout's choices: delivery or pickup, and how the customer pays.
import type { Fulfilment, PaymentMethod, Shop } from "../api/types";
import { useI18n } from "../i18n";

export function FulfilmentChoice({
  shop,
  fulfilment,
  onChange,
}: {
  shop: Shop;
  fulfilment: Fulfilment;
  onChange: (fulfilment: Fulfilment) => void;
}) {
  const { t, price } = useI18n();
  return (
    <fieldset className="card choice-group">
      <legend>{t("checkout.fulfilment")}</legend>
      {(["delivery", "pickup"] as const).map((f) => (
        <label key={f} className="choice">
          <input type="radio" name="fulfilment" checked={fulfilment === f} onChange={() => onChange(f)} />
          <span className="choice__label">{t(`checkout.fulfilment.${f}`)}</span>
          <span className="choice__price">
            {f === "delivery" ? price(shop.delivery_fee_cents, shop.currency) : t("checkout.free")}
          </span>
        </label>
      ))}
      {fulfilment === "pickup" && (
        <p className="muted">{t("checkout.pickupAt", { address: `${shop.address_line}, ${shop.postal_code} ${shop.city}` })}</p>
      )}
    </fieldset>
  );
}

/** On delivery or at pickup (card or cash), or online right after placing the order. */
export function PaymentChoice({
  fulfilment,
  payment,
  onChange,
}: {
  fulfilment: Fulfilment;
  payment: PaymentMethod;
  onChange: (payment: PaymentMethod) => void;
}) {
  const { t } = useI18n();
  return (
    <fieldset className="card choice-group">
      <legend>{t("checkout.payment")}</legend>
      {(["card_on_delivery", "cash"] as const).map((method) => (
        <label key={method} className="choice">
          <input type="radio" name="payment" checked={payment === method} onChange={() => onChange(method)} />
          <span className="choice__label">{t(`checkout.payment.${method}.${fulfilment}`)}</span>
        </label>
      ))}
      <label className="choice">
        <input type="radio" name="payment" checked={payment === "online"} onChange={() => onChange("online")} />
        <span className="choice__label">{t("checkout.payment.online")}</span>
      </label>
    </fieldset>
  );
}
