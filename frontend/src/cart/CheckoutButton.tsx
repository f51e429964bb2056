// The cart's way to checkout. Plug-in point for ordering: once the orders API is in the spec (and
// the client regenerated), this leads to the checkout page that asks POST /api/v1/orders/quote for
// the real prices and then places the order with POST /api/v1/orders.
import { Link } from "react-router-dom";
import type { Cart } from "./cart";
import { useI18n } from "../i18n";
import { ordersApiAvailable } from "../api/availability";

export function CheckoutButton({ cart, blocked }: { cart: Cart; blocked: boolean }) {
  const { t } = useI18n();
  if (!ordersApiAvailable) {
    return (
      <div className="checkout">
        <button type="button" className="button button--primary button--wide" disabled aria-describedby="checkout-soon">
          {t("cart.checkoutSoonButton")}
        </button>
        <p id="checkout-soon" className="notice">
          {t("cart.checkoutSoon")}
        </p>
      </div>
    );
  }
  return (
    <div className="checkout">
      {blocked || cart.lines.length === 0 ? (
        <button type="button" className="button button--primary button--wide" disabled>
          {t("cart.checkout")}
        </button>
      ) : (
        <Link to="/checkout" className="button button--primary button--wide">
          {t("cart.checkout")}
        </Link>
      )}
    </div>
  );
}
