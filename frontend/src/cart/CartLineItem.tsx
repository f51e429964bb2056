// One line of a cart (the chosen shop's, or an order being changed): its customisations, a
// quantity stepper, the estimated price and its removal.
import type { Menu } from "../api/types";
import { useI18n } from "../i18n";
import { estimateLine, MAX_QUANTITY, type CartAction, type CartLine } from "./cart";

/** One line with its quantity stepper and removal; `dispatch` changes the cart it belongs to. */
export function CartLineItem({
  line,
  menu,
  currency,
  dispatch,
  errors,
}: {
  line: CartLine;
  menu: Menu | null;
  currency: string;
  dispatch: (action: CartAction) => void;
  /** What the server said about this line. */
  errors?: string[];
}) {
  const { t, price } = useI18n();
  const estimate = estimateLine(line, menu);
  const setQuantity = (quantity: number) => dispatch({ type: "setQuantity", key: line.key, quantity });
  return (
    <li className={`card cart-line${estimate.issue ? " cart-line--issue" : ""}`}>
      <div className="cart-line__main">
        <h2 className="cart-line__name">
          {line.productName} <span className="muted">· {line.sizeLabel}</span>
        </h2>
        {line.removed.length > 0 && (
          <p className="cart-line__mods">
            {t("cart.without", { names: line.removed.map((r) => r.name).join(", ") })}
          </p>
        )}
        {line.extras.length > 0 && (
          <p className="cart-line__mods">
            {t("cart.extras", {
              names: line.extras.map((e) => `${e.name} (+${price(e.priceCents, currency)})`).join(", "),
            })}
          </p>
        )}
        {estimate.issue && (
          <p className="cart-line__issue" role="note">
            {t(`cart.issue.${estimate.issue}`)}
          </p>
        )}
        {errors?.map((message) => (
          <p key={message} className="cart-line__issue" role="alert">
            {message}
          </p>
        ))}
      </div>
      <div className="cart-line__side">
        <div className="quantity" role="group" aria-label={t("cart.quantityOf", { name: line.productName })}>
          <button
            type="button"
            className="icon-button"
            onClick={() => setQuantity(line.quantity - 1)}
            aria-label={line.quantity <= 1 ? t("cart.remove") : t("cart.decrease")}
          >
            −
          </button>
          <input
            type="number"
            min={1}
            max={MAX_QUANTITY}
            value={line.quantity}
            aria-label={t("cart.quantityOf", { name: line.productName })}
            onChange={(e) => {
              const n = Number(e.target.value);
              if (Number.isFinite(n) && n >= 1) setQuantity(n);
            }}
          />
          <button
            type="button"
            className="icon-button"
            onClick={() => setQuantity(line.quantity + 1)}
            disabled={line.quantity >= MAX_QUANTITY}
            aria-label={t("cart.increase")}
          >
            +
          </button>
        </div>
        <p className="price">{price(estimate.totalCents, currency)}</p>
        <button type="button" className="link-button" onClick={() => dispatch({ type: "remove", key: line.key })}>
          {t("cart.remove")}
          <span className="visually-hidden"> {line.productName}</span>
        </button>
      </div>
    </li>
  );
}
