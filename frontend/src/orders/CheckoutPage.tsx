// Checkout, shown only when the orders API exists (see availability.ts). Until the ordering flow
// (quote, fulfilment, address, payment) is built on the generated client, it sends the customer
// back to the cart with an explanation rather than pretending to take the order.
import { Link } from "react-router-dom";
import { useDocumentTitle } from "../app/useDocumentTitle";
import { useI18n } from "../i18n";

export function CheckoutPage() {
  const { t } = useI18n();
  useDocumentTitle(t("cart.checkout"));
  return (
    <div className="page page--narrow">
      <div className="panel">
        <h1>{t("cart.checkout")}</h1>
        <p>{t("cart.checkoutSoon")}</p>
        <Link className="button" to="/cart">
          {t("cart.backToCart")}
        </Link>
      </div>
    </div>
  );
}
