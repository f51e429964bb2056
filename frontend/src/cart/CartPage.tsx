// The cart of the chosen shop: lines with their customisations, quantities, an estimated subtotal
// (the server's quote will give the real amount), and the way to checkout.
import { Link } from "react-router-dom";
import type { Menu, Shop } from "../api/types";
import { useDocumentTitle } from "../ui/useDocumentTitle";
import { useI18n } from "../i18n";
import { CheckoutButton } from "./CheckoutButton";
import { useChosenShop } from "../shops/chosenShop";
import { useMenu, useShop } from "../shops/api";
import { ErrorPanel, Loading } from "../ui/LoadState";
import { estimateLine, estimateSubtotal, type Cart } from "./cart";
import { CartLineItem } from "./CartLineItem";
import { useCart } from "./CartContext";

export function CartPage() {
  const { t } = useI18n();
  useDocumentTitle(t("cart.title"));
  const { shopId } = useChosenShop();
  const { cart } = useCart();
  const shop = useShop(shopId);
  const menu = useMenu(shopId && cart && cart.lines.length ? shopId : null);

  if (!shopId || !cart) {
    return (
      <div className="page page--narrow">
        <h1>{t("cart.title")}</h1>
        <div className="panel">
          <p>{t("cart.noShop")}</p>
          <Link className="button button--primary" to="/">
            {t("cart.chooseShop")}
          </Link>
        </div>
      </div>
    );
  }

  return (
    <div className="page page--narrow">
      <h1>{t("cart.title")}</h1>
      {shop.status === "ready" && (
        <p className="muted">
          {t("cart.fromShop", { name: shop.data.name })} ·{" "}
          <Link to={`/shops/${shopId}`}>{t("cart.backToMenu")}</Link>
        </p>
      )}
      {shop.status === "error" && <ErrorPanel problem={shop.problem} onRetry={shop.retry} />}
      {cart.lines.length === 0 ? (
        <div className="panel">
          <p>{t("cart.empty")}</p>
          <Link className="button button--primary" to={`/shops/${shopId}`}>
            {t("cart.browseMenu")}
          </Link>
        </div>
      ) : (
        <>
          {menu.status === "loading" && <Loading label={t("cart.checkingMenu")} />}
          {menu.status === "error" && (
            <ErrorPanel problem={menu.problem} onRetry={menu.retry} title={t("cart.menuUnchecked")} />
          )}
          <CartLines cart={cart} menu={menu.status === "ready" ? menu.data : null} />
          <CartSummary
            cart={cart}
            menu={menu.status === "ready" ? menu.data : null}
            shop={shop.status === "ready" ? shop.data : null}
          />
        </>
      )}
    </div>
  );
}

function CartLines({ cart, menu }: { cart: Cart; menu: Menu | null }) {
  const { dispatch } = useCart();
  return (
    <ul className="cart-lines">
      {cart.lines.map((line) => (
        <CartLineItem key={line.key} line={line} menu={menu} currency={cart.currency} dispatch={dispatch} />
      ))}
    </ul>
  );
}

function CartSummary({ cart, menu, shop }: { cart: Cart; menu: Menu | null; shop: Shop | null }) {
  const { t, price } = useI18n();
  const { dispatch } = useCart();
  const subtotal = estimateSubtotal(cart, menu);
  const blocked = cart.lines.some((l) => estimateLine(l, menu).issue !== null);
  return (
    <section className="card cart-summary" aria-labelledby="cart-summary-title">
      <h2 id="cart-summary-title" className="visually-hidden">
        {t("cart.summary")}
      </h2>
      <dl className="totals">
        <div className="totals__total">
          <dt>{t("cart.estimatedSubtotal")}</dt>
          <dd className="price">{price(subtotal, cart.currency)}</dd>
        </div>
        {shop && (
          <div className="totals__sub">
            <dt>{t("cart.deliveryFee")}</dt>
            <dd>{price(shop.delivery_fee_cents, shop.currency)}</dd>
          </div>
        )}
      </dl>
      <p className="muted small">{t("cart.estimateNote")}</p>
      {shop && subtotal < shop.min_order_cents && (
        <p className="notice">{t("cart.minimumForDelivery", { minimum: price(shop.min_order_cents, shop.currency) })}</p>
      )}
      <CheckoutButton cart={cart} blocked={blocked} />
      <button
        type="button"
        className="link-button"
        onClick={() => {
          if (window.confirm(t("cart.clearConfirm"))) dispatch({ type: "clear" });
        }}
      >
        {t("cart.clear")}
      </button>
    </section>
  );
}
