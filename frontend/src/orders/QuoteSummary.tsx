// The checkout's summary: the cart's lines as the server priced them (with what it said about
// each line), the subtotal, the delivery fee and the total, and why the order cannot go yet.
import type { Quote, Shop } from "../api/types";
import type { Cart } from "../cart/cart";
import { useI18n, type I18n } from "../i18n";
import { formatShopTime } from "../i18n/format";
import { closureText } from "../shops/closures";
import { Loading } from "../ui/LoadState";

/** Why the shop takes no order now: its closure (days, reason) and when it opens again. */
function closedText(shop: Shop, t: I18n["t"], locale: string): string {
  const when = shop.next_opening_at ? formatShopTime(shop.next_opening_at, shop.timezone, locale) : null;
  if (shop.closure_now) {
    const said = closureText(shop.closure_now, t, locale);
    return when ? t("checkout.closedFor", { closure: said, when }) : said;
  }
  return when ? t("checkout.closedUntil", { when }) : t("checkout.shopClosed");
}

export function QuoteSummary({
  quote,
  loading,
  cart,
  byLine,
  delivery,
  deliveryPending,
  shop,
  totalsOnly = false,
}: {
  quote: Quote | null;
  loading: boolean;
  cart: Cart;
  byLine: Map<number, string[]>;
  /** A delivery (else a pickup: no delivery fee line). */
  delivery: boolean;
  deliveryPending: boolean;
  shop: Shop;
  /** Only the totals and the warnings: the lines are shown beside it already (the counter's cart). */
  totalsOnly?: boolean;
}) {
  const { t, price, intlLocale } = useI18n();
  if (loading && !quote) return <Loading label={t("checkout.pricing")} />;
  return (
    <div aria-busy={loading}>
      {!totalsOnly && (
        <ul className="quote-lines">
          {cart.lines.map((line, index) => {
            const priced = quote?.lines[index];
            const errors = byLine.get(index);
            return (
              <li key={line.key}>
                <div className="quote-line">
                  <span>
                    {line.quantity} × {priced?.product_name ?? line.productName}{" "}
                    <span className="muted">({priced?.size_label ?? line.sizeLabel})</span>
                  </span>
                  <span className="price">{priced ? price(priced.line_total_cents, quote.currency) : "—"}</span>
                </div>
                {line.removed.length > 0 && (
                  <p className="cart-line__mods">{t("cart.without", { names: line.removed.map((r) => r.name).join(", ") })}</p>
                )}
                {line.extras.length > 0 && (
                  <p className="cart-line__mods">{t("cart.extras", { names: line.extras.map((e) => e.name).join(", ") })}</p>
                )}
                {errors?.map((message) => (
                  <p key={message} className="cart-line__issue">
                    {message}
                  </p>
                ))}
              </li>
            );
          })}
        </ul>
      )}
      {quote && (
        <dl className="totals">
          <div className="totals__sub">
            <dt>{t("checkout.subtotal")}</dt>
            <dd>{price(quote.subtotal_cents, quote.currency)}</dd>
          </div>
          {delivery && (
            <div className="totals__sub">
              <dt>{t("checkout.deliveryFee")}</dt>
              <dd>{price(deliveryPending ? shop.delivery_fee_cents : quote.delivery_fee_cents, quote.currency)}</dd>
            </div>
          )}
          <div className="totals__total">
            <dt>{t("checkout.total")}</dt>
            <dd className="price">
              {price(quote.total_cents + (deliveryPending ? shop.delivery_fee_cents : 0), quote.currency)}
            </dd>
          </div>
        </dl>
      )}
      {quote && !quote.shop_open && (
        <p className="notice" role="status">
          {closedText(shop, t, intlLocale)}
        </p>
      )}
      {quote && !quote.meets_minimum && (
        <p className="notice">{t("checkout.belowMinimum", { minimum: price(quote.minimum_order_cents, quote.currency) })}</p>
      )}
      {quote && !quote.in_stock && <p className="notice">{t("checkout.notInStock")}</p>}
      {deliveryPending && <p className="muted small">{t("checkout.addressForTotal")}</p>}
    </div>
  );
}
