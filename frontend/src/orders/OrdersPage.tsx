// My orders, newest first, each linking to its live page.
import { Link } from "react-router-dom";
import { useDocumentTitle } from "../ui/useDocumentTitle";
import { useI18n } from "../i18n";
import { ErrorPanel, Loading } from "../ui/LoadState";
import { useMyOrders } from "./api";
import { isFinal, isModifiable } from "./status";

export function OrdersPage() {
  const { t, price, intlLocale } = useI18n();
  useDocumentTitle(t("orders.title"));
  const orders = useMyOrders();
  const date = (iso: string) =>
    new Intl.DateTimeFormat(intlLocale, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));

  return (
    <div className="page page--narrow">
      <h1>{t("orders.title")}</h1>
      {orders.status === "loading" && <Loading />}
      {orders.status === "error" && <ErrorPanel problem={orders.problem} onRetry={orders.retry} />}
      {orders.status === "ready" &&
        (orders.data.length === 0 ? (
          <div className="panel">
            <p>{t("orders.none")}</p>
            <Link className="button button--primary" to="/">
              {t("cart.chooseShop")}
            </Link>
          </div>
        ) : (
          <ul className="order-list">
            {orders.data.map((order) => (
              <li key={order.id} className="card order-item">
                <div>
                  <h2 className="order-item__title">
                    <Link to={`/orders/${order.id}`}>{t("order.title", { number: order.number })}</Link>
                  </h2>
                  <p className="muted small">
                    {date(order.created_at)} · {t(`checkout.fulfilment.${order.fulfilment}`)}
                  </p>
                  {isModifiable(order) && (
                    <Link className="small" to={`/orders/${order.id}/edit`}>
                      {t("order.modify")}
                      <span className="visually-hidden"> {t("order.title", { number: order.number })}</span>
                    </Link>
                  )}
                </div>
                <div className="order-item__side">
                  <span className={`badge ${isFinal(order.status) ? "badge--closed" : "badge--open"}`}>
                    {t(`order.status.${order.status}`)}
                  </span>
                  <span className="price">{price(order.total_cents, order.currency)}</span>
                </div>
              </li>
            ))}
          </ul>
        ))}
    </div>
  );
}
