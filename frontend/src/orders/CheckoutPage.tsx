// Checkout: delivery or pickup, address, payment on delivery/at pickup, notes; the server prices
// the cart (POST /orders/quote) and places the order (POST /orders, with an Idempotency-Key so a
// retried click never orders twice). Online payment waits for the payments API.
import { useMemo, useRef, useState, type FormEvent } from "react";
import { Link, Navigate } from "react-router-dom";
import { useAuth } from "../accounts/AuthContext";
import { api, call } from "../api/client";
import { fieldProblem, problemOf, type ProblemSummary } from "../api/problem";
import type { Fulfilment, OrderRequest, PaymentMethod, Quote, QuoteRequest, Shop } from "../api/types";
import { useResource } from "../api/useResource";
import { useDocumentTitle } from "../ui/useDocumentTitle";
import type { Cart } from "../cart/cart";
import { useCart } from "../cart/CartContext";
import { useI18n } from "../i18n";
import { useChosenShop } from "../shops/chosenShop";
import { useShop } from "../shops/api";
import { FormError } from "../ui/FormError";
import { ErrorPanel, Loading } from "../ui/LoadState";
import { fieldMessages } from "../ui/problemText";
import { AddressFields } from "./AddressFields";
import { NotesField } from "./NotesField";
import { EMPTY_ADDRESS, toDeliveryAddress, useDebounced, type AddressDraft } from "./address";
import { missingIngredients, newIdempotencyKey, splitItemErrors, toCartItems } from "./cartItems";

/** Online payment (POST /orders/{id}/payments, then Stripe or the offline test provider). */
export const onlinePaymentAvailable = true;

export function CheckoutPage() {
  const { t } = useI18n();
  useDocumentTitle(t("checkout.title"));
  const { shopId } = useChosenShop();
  const { cart } = useCart();
  const shop = useShop(shopId);
  // Set with the cart's clearing, so the empty cart does not send the customer back to /cart.
  const [placedId, setPlacedId] = useState<string | null>(null);

  if (placedId) return <Navigate to={`/orders/${placedId}`} replace state={{ justPlaced: true }} />;
  if (!shopId || !cart || cart.lines.length === 0) return <Navigate to="/cart" replace />;
  if (shop.status === "loading") return <div className="page"><Loading /></div>;
  if (shop.status === "error")
    return (
      <div className="page">
        <ErrorPanel problem={shop.problem} onRetry={shop.retry} />
      </div>
    );
  return <CheckoutForm cart={cart} shop={shop.data} onPlaced={setPlacedId} />;
}

function CheckoutForm({ cart, shop, onPlaced }: { cart: Cart; shop: Shop; onPlaced: (orderId: string) => void }) {
  const { t, price } = useI18n();
  const { user } = useAuth();
  const { dispatch } = useCart();
  const addresses = useResource("addresses", async (signal) => (await call(api.GET("/api/v1/me/addresses", { signal }))).items);

  const [fulfilment, setFulfilment] = useState<Fulfilment>("delivery");
  const [addressChoice, setAddressChoice] = useState<string | null>(null); // an address id, or "new"
  const [draft, setDraft] = useState<AddressDraft>(EMPTY_ADDRESS);
  const [payment, setPayment] = useState<PaymentMethod>("card_on_delivery");
  const [notes, setNotes] = useState("");
  const [problem, setProblem] = useState<ProblemSummary | null>(null);
  const [busy, setBusy] = useState(false);
  const attempt = useRef<{ body: string; key: string } | null>(null);

  const saved = addresses.status === "ready" ? addresses.data : [];
  // Default to the first saved address in the shop's zone, else the first one, else a new one.
  const choice =
    addressChoice ??
    (saved.find((a) => shop.delivery_postal_codes.includes(a.postal_code)) ?? saved[0])?.id ??
    (addresses.status === "ready" ? "new" : null);
  const savedAddress = saved.find((a) => a.id === choice);
  const debouncedDraft = useDebounced(draft, 500);
  const deliveryAddress =
    fulfilment === "delivery"
      ? savedAddress
        ? toDeliveryAddress(savedAddress)
        : choice === "new"
          ? toDeliveryAddress(debouncedDraft)
          : null
      : null;

  // Without a complete address yet, a delivery is priced as a pickup plus the shop's fee.
  const quoteRequest: QuoteRequest = useMemo(
    () => ({
      shop_id: shop.id,
      fulfilment: fulfilment === "delivery" && deliveryAddress ? "delivery" : "pickup",
      delivery_address: fulfilment === "delivery" ? deliveryAddress : null,
      items: toCartItems(cart),
    }),
    [shop.id, fulfilment, deliveryAddress, cart],
  );
  const quoteKey = JSON.stringify(quoteRequest);
  const quote = useResource(`quote:${quoteKey}`, (signal) => call(api.POST("/api/v1/orders/quote", { body: quoteRequest, signal })));

  const quoteMessages = fieldMessages(t, quote.problem);
  const orderMessages = fieldMessages(t, problem);
  const { byLine, other } = splitItemErrors({ ...quoteMessages, ...orderMessages });
  const missing = missingIngredients(problem);
  const addressError =
    other["delivery_address.postal_code"] ?? other["delivery_address"] ?? other["address_id"] ?? undefined;

  async function placeOrder(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    const newAddress = fulfilment === "delivery" && !savedAddress ? toDeliveryAddress(draft) : null;
    const body: OrderRequest = {
      shop_id: shop.id,
      fulfilment,
      payment_method: payment,
      items: toCartItems(cart),
      notes: notes.trim() || null,
      ...(fulfilment === "delivery" ? (savedAddress ? { address_id: savedAddress.id } : { delivery_address: newAddress }) : {}),
    };
    if (fulfilment === "delivery" && !savedAddress && !newAddress) {
      setProblem(fieldProblem("delivery_address", "incomplete", t("checkout.addressIncomplete")));
      return;
    }
    const serialized = JSON.stringify(body);
    if (attempt.current?.body !== serialized) attempt.current = { body: serialized, key: newIdempotencyKey() };
    setBusy(true);
    try {
      const order = await call(
        api.POST("/api/v1/orders", { body, params: { header: { "Idempotency-Key": attempt.current.key } } }),
      );
      onPlaced(order.id);
      dispatch({ type: "clear" });
    } catch (error) {
      setProblem(problemOf(error));
      setBusy(false);
    }
  }

  return (
    <div className="page checkout-page">
      <h1>{t("checkout.title")}</h1>
      <p className="muted">
        {t("cart.fromShop", { name: shop.name })} · <Link to="/cart">{t("checkout.editCart")}</Link>
      </p>
      <form className="checkout-layout" onSubmit={placeOrder} noValidate>
        <div className="checkout-main">
          <fieldset className="card choice-group">
            <legend>{t("checkout.fulfilment")}</legend>
            {(["delivery", "pickup"] as const).map((f) => (
              <label key={f} className="choice">
                <input type="radio" name="fulfilment" checked={fulfilment === f} onChange={() => setFulfilment(f)} />
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

          {fulfilment === "delivery" && (
            <fieldset className="card choice-group">
              <legend>{t("checkout.address")}</legend>
              {addresses.status === "loading" && <Loading />}
              {addresses.status === "error" && <ErrorPanel problem={addresses.problem} onRetry={addresses.retry} />}
              {saved.map((a) => {
                const inZone = shop.delivery_postal_codes.includes(a.postal_code);
                return (
                  <label key={a.id} className={`choice${inZone ? "" : " choice--off"}`}>
                    <input type="radio" name="address" checked={choice === a.id} onChange={() => setAddressChoice(a.id)} />
                    <span className="choice__label">
                      <strong>{a.label}</strong> — {a.line1}, {a.postal_code} {a.city}
                      {!inZone && <span className="block small">{t("checkout.outsideZone")}</span>}
                    </span>
                  </label>
                );
              })}
              {addresses.status === "ready" && (
                <label className="choice">
                  <input type="radio" name="address" checked={choice === "new"} onChange={() => setAddressChoice("new")} />
                  <span className="choice__label">{saved.length ? t("checkout.newAddress") : t("checkout.enterAddress")}</span>
                </label>
              )}
              {choice === "new" && <AddressFields draft={draft} setDraft={setDraft} zone={shop.delivery_postal_codes} />}
              {addressError && (
                <p className="field__error" role="alert">
                  {addressError}
                </p>
              )}
            </fieldset>
          )}

          <fieldset className="card choice-group">
            <legend>{t("checkout.payment")}</legend>
            {(["card_on_delivery", "cash"] as const).map((method) => (
              <label key={method} className="choice">
                <input type="radio" name="payment" checked={payment === method} onChange={() => setPayment(method)} />
                <span className="choice__label">{t(`checkout.payment.${method}.${fulfilment}`)}</span>
              </label>
            ))}
            <label className={`choice${onlinePaymentAvailable ? "" : " choice--off"}`}>
              <input
                type="radio"
                name="payment"
                disabled={!onlinePaymentAvailable}
                checked={payment === "online"}
                onChange={() => setPayment("online")}
              />
              <span className="choice__label">
                {t("checkout.payment.online")}
                {!onlinePaymentAvailable && <span className="block small">{t("checkout.onlineSoon")}</span>}
              </span>
            </label>
          </fieldset>

          <NotesField value={notes} onChange={setNotes} error={other.notes} />
        </div>

        <aside className="card checkout-summary" aria-labelledby="checkout-summary-title">
          <h2 id="checkout-summary-title">{t("checkout.summary")}</h2>
          <QuoteView
            quote={quote.status === "ready" ? quote.data : null}
            loading={quote.status === "loading"}
            cart={cart}
            byLine={byLine}
            delivery={fulfilment === "delivery"}
            deliveryPending={fulfilment === "delivery" && !deliveryAddress}
            shop={shop}
          />
          {quote.status === "error" && quote.problem.status !== 422 && (
            <ErrorPanel problem={quote.problem} onRetry={quote.retry} title={t("checkout.quoteFailed")} />
          )}
          {other.shop_id && <p className="notice">{other.shop_id}</p>}
          {other.items && <p className="notice">{other.items}</p>}
          <FormError problem={problem} overrides={{ 409: "checkout.outOfStock", 403: "checkout.forbidden" }} />
          {missing.length > 0 && <p className="notice">{t("checkout.missing", { names: missing.join(", ") })}</p>}
          <p className="muted small">{t("checkout.as", { name: user?.full_name ?? "" })}</p>
          <button type="submit" className="button button--primary button--wide" disabled={busy}>
            {busy
              ? t("common.pleaseWait")
              : quote.status === "ready"
                ? t(payment === "online" ? "checkout.placeAndPay" : "checkout.place", { total: price(quote.data.total_cents + (fulfilment === "delivery" && !deliveryAddress ? shop.delivery_fee_cents : 0), quote.data.currency) })
                : t("checkout.placeNoTotal")}
          </button>
        </aside>
      </form>
    </div>
  );
}

function QuoteView({
  quote,
  loading,
  cart,
  byLine,
  delivery,
  deliveryPending,
  shop,
}: {
  quote: Quote | null;
  loading: boolean;
  cart: Cart;
  byLine: Map<number, string[]>;
  /** A delivery (else a pickup: no delivery fee line). */
  delivery: boolean;
  deliveryPending: boolean;
  shop: Shop;
}) {
  const { t, price } = useI18n();
  if (loading && !quote) return <Loading label={t("checkout.pricing")} />;
  return (
    <div aria-busy={loading}>
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
      {quote && !quote.shop_open && <p className="notice">{t("checkout.shopClosed")}</p>}
      {quote && !quote.meets_minimum && (
        <p className="notice">{t("checkout.belowMinimum", { minimum: price(quote.minimum_order_cents, quote.currency) })}</p>
      )}
      {quote && !quote.in_stock && <p className="notice">{t("checkout.notInStock")}</p>}
      {deliveryPending && <p className="muted small">{t("checkout.addressForTotal")}</p>}
    </div>
  );
}
