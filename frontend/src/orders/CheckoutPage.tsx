// Checkout: delivery or pickup, address, payment on delivery/at pickup, notes; the server prices
// the cart (POST /orders/quote) and places the order (POST /orders, with an Idempotency-Key so a
// retried click never orders twice). An online payment follows on the order's page.
import { useMemo, useRef, useState, type FormEvent } from "react";
import { Link, Navigate } from "react-router-dom";
import { useAuth } from "../accounts/AuthContext";
import { EMPTY_ADDRESS, toDeliveryAddress, type AddressDraft } from "../addresses/address";
import { useSavedAddresses } from "../addresses/api";
import { fieldProblem } from "../api/problem";
import type { Fulfilment, OrderRequest, PaymentMethod, QuoteRequest, Shop } from "../api/types";
import type { Cart } from "../cart/cart";
import { useCart } from "../cart/CartContext";
import { useI18n } from "../i18n";
import { useShop } from "../shops/api";
import { useChosenShop } from "../shops/chosenShop";
import { FormError } from "../ui/FormError";
import { ErrorPanel, Loading } from "../ui/LoadState";
import { fieldMessages } from "../ui/problemText";
import { useDebounced } from "../ui/useDebounced";
import { useDocumentTitle } from "../ui/useDocumentTitle";
import { useSubmit } from "../ui/useSubmit";
import { placeOrder, useQuote } from "./api";
import { missingIngredients, namesPausedLines, newIdempotencyKey, splitItemErrors, toCartItems } from "./cartItems";
import { FulfilmentChoice, PaymentChoice } from "./CheckoutChoices";
import { DeliveryAddressChoice } from "./DeliveryAddressChoice";
import { NotesField } from "./NotesField";
import { QuoteSummary } from "./QuoteSummary";

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
  const addresses = useSavedAddresses();

  const [fulfilment, setFulfilment] = useState<Fulfilment>("delivery");
  const [addressChoice, setAddressChoice] = useState<string | null>(null); // an address id, or "new"
  const [draft, setDraft] = useState<AddressDraft>(EMPTY_ADDRESS);
  const [payment, setPayment] = useState<PaymentMethod>("card_on_delivery");
  const [notes, setNotes] = useState("");
  const { busy, problem, submit, fail, reset } = useSubmit();
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
  const quote = useQuote(quoteRequest);
  const closed = quote.status === "ready" && !quote.data.shop_open;
  // A line the shop has paused: nothing can be ordered until it leaves the cart.
  const pausedLines = quote.status === "error" && namesPausedLines(quote.problem);

  const quoteMessages = fieldMessages(t, quote.problem);
  const orderMessages = fieldMessages(t, problem);
  const { byLine, other } = splitItemErrors({ ...quoteMessages, ...orderMessages });
  const missing = missingIngredients(problem);
  const addressError =
    other["delivery_address.postal_code"] ?? other["delivery_address"] ?? other["address_id"] ?? undefined;

  function place(event: FormEvent) {
    event.preventDefault();
    reset();
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
      fail(fieldProblem("delivery_address", "incomplete", t("checkout.addressIncomplete")));
      return;
    }
    const serialized = JSON.stringify(body);
    if (attempt.current?.body !== serialized) attempt.current = { body: serialized, key: newIdempotencyKey() };
    const { key } = attempt.current;
    void submit(
      async () => {
        const order = await placeOrder(body, key);
        onPlaced(order.id);
        dispatch({ type: "clear" });
      },
      { leaves: true },
    );
  }

  return (
    <div className="page checkout-page">
      <h1>{t("checkout.title")}</h1>
      <p className="muted">
        {t("cart.fromShop", { name: shop.name })} · <Link to="/cart">{t("checkout.editCart")}</Link>
      </p>
      <form className="checkout-layout" onSubmit={place} noValidate>
        <div className="checkout-main">
          <FulfilmentChoice shop={shop} fulfilment={fulfilment} onChange={setFulfilment} />
          {fulfilment === "delivery" && (
            <DeliveryAddressChoice
              shop={shop}
              addresses={addresses}
              choice={choice}
              onChoose={setAddressChoice}
              draft={draft}
              setDraft={setDraft}
              error={addressError}
            />
          )}
          <PaymentChoice fulfilment={fulfilment} payment={payment} onChange={setPayment} />
          <NotesField value={notes} onChange={setNotes} error={other.notes} />
        </div>

        <aside className="card checkout-summary" aria-labelledby="checkout-summary-title">
          <h2 id="checkout-summary-title">{t("checkout.summary")}</h2>
          <QuoteSummary
            quote={quote.status === "ready" ? quote.data : null}
            loading={quote.status === "loading"}
            cart={cart}
            byLine={byLine}
            delivery={fulfilment === "delivery"}
            deliveryPending={fulfilment === "delivery" && !deliveryAddress}
            shop={shop}
          />
          {quote.status === "error" && quote.problem.status !== 422 && !namesPausedLines(quote.problem) && (
            <ErrorPanel problem={quote.problem} onRetry={quote.retry} title={t("checkout.quoteFailed")} />
          )}
          {other.shop_id && !closed && <p className="notice">{other.shop_id}</p>}
          {other.items && <p className="notice">{other.items}</p>}
          <FormError problem={problem} overrides={{ 409: namesPausedLines(problem) ? "checkout.paused" : "checkout.outOfStock", 403: "checkout.forbidden" }} />
          {missing.length > 0 && <p className="notice">{t("checkout.missing", { names: missing.join(", ") })}</p>}
          <p className="muted small">{t("checkout.as", { name: user?.full_name ?? "" })}</p>
          {/* A closed shop takes no order: the summary says when it opens; no button to press. */}
          {!closed && <button type="submit" className="button button--primary button--wide" disabled={busy || pausedLines}>
            {busy
              ? t("common.pleaseWait")
              : quote.status === "ready"
                ? t(payment === "online" ? "checkout.placeAndPay" : "checkout.place", { total: price(quote.data.total_cents + (fulfilment === "delivery" && !deliveryAddress ? shop.delivery_fee_cents : 0), quote.data.currency) })
                : t("checkout.placeNoTotal")}
          </button>}
        </aside>
      </form>
    </div>
  );
}
