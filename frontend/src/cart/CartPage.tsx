// The cart of the chosen shop: lines with their customisations, quantities, an estimated subtotal
// (the server's quote will give the real amount), and the way to checkout.
import { Link } from "react-router-dom";
import type { Menu, Shop } from "../api/types";
import { useDocumentTitle } from "../app/useDocumentTitle";
import { useMenu } from "../catalog/useMenu";
import { useI18n } from "../i18n";
import { CheckoutButton } from "../orders/CheckoutButton";
import { useChosenShop } from "../shops/chosenShop";
import { useShop } from "../shops/useShops";
import { ErrorPanel, Loading } from "../ui/LoadState";
import { estimateLine, estimateSubtotal, MAX_QUANTITY, type Cart, type CartAction, type CartLine } from "./cart";
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
