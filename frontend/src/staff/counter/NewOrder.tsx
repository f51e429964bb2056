// A phone or counter order: products from the shop's menu through the customers' product sheet,
// the same cart logic, delivery or pickup (with the address), cash or card at the counter or on
// delivery, priced by the server and placed with an Idempotency-Key (a retried click never
// orders twice), for the customer found or the walk-in.
import { useMemo, useReducer, useRef, useState, type FormEvent } from "react";
import { EMPTY_ADDRESS, toDeliveryAddress, type AddressDraft } from "../../addresses/address";
import { AddressFields } from "../../addresses/AddressFields";
import { fieldProblem } from "../../api/problem";
import type { Fulfilment, Menu, Order, OrderRequest, Product, QuoteRequest, Shop } from "../../api/types";
import type { Resource } from "../../api/useResource";
import { cartReducer, emptyCart } from "../../cart/cart";
import { CartLineItem } from "../../cart/CartLineItem";
import { ProductDialog } from "../../catalog/ProductDialog";
import { useI18n } from "../../i18n";
import { AddProducts } from "../../orders/AddProducts";
import { placeOrder, useQuote } from "../../orders/api";
import { missingIngredients, newIdempotencyKey, splitItemErrors, toCartItems } from "../../orders/cartItems";
import { FulfilmentChoice } from "../../orders/CheckoutChoices";
import { NotesField } from "../../orders/NotesField";
import { QuoteSummary } from "../../orders/QuoteSummary";
import { FormError } from "../../ui/FormError";
import { ErrorPanel, Loading } from "../../ui/LoadState";
import { fieldMessages } from "../../ui/problemText";
import { useDebounced } from "../../ui/useDebounced";
import { useSubmit } from "../../ui/useSubmit";
import type { OrderFor } from "./CustomerFinder";
import { displayPhone } from "./lookup";

type CounterPayment = "cash" | "card_on_delivery";

export function NewOrder({
  shop,
  menu,
  who,
  onPlaced,
  onChangeWho,
}: {
  shop: Shop;
  menu: Resource<Menu>;
  who: OrderFor;
  onPlaced: (order: Order) => void;
  onChangeWho: () => void;
}) {
  const { t, price } = useI18n();
  const [cart, dispatch] = useReducer(cartReducer, emptyCart(shop.id, shop.currency));
  const [picking, setPicking] = useState<Product | null>(null);
  const [fulfilment, setFulfilment] = useState<Fulfilment>("pickup");
  const [draft, setDraft] = useState<AddressDraft>(EMPTY_ADDRESS);
  const [payment, setPayment] = useState<CounterPayment>("cash");
  const [notes, setNotes] = useState("");
  const { busy, problem, submit, fail, reset } = useSubmit();
  const attempt = useRef<{ body: string; key: string } | null>(null);

  const debouncedDraft = useDebounced(draft, 500);
  const address = fulfilment === "delivery" ? toDeliveryAddress(debouncedDraft) : null;
  const quoteRequest: QuoteRequest | null = useMemo(
    () =>
      cart.lines.length === 0
        ? null
        : {
            shop_id: shop.id,
            fulfilment: fulfilment === "delivery" && address ? "delivery" : "pickup",
            delivery_address: address,
            items: toCartItems(cart),
          },
    [shop.id, fulfilment, address, cart],
  );
  const quote = useQuote(quoteRequest);
  const { byLine, other } = splitItemErrors({ ...fieldMessages(t, quote.problem), ...fieldMessages(t, problem) });
  const missing = missingIngredients(problem);
  const addressErrors: Record<string, string> = {};
  for (const [field, message] of Object.entries(other))
    if (field.startsWith("delivery_address.")) addressErrors[field.slice("delivery_address.".length)] = message;

  function place(event: FormEvent) {
    event.preventDefault();
    reset();
    const delivery = fulfilment === "delivery" ? toDeliveryAddress(draft) : null;
    if (fulfilment === "delivery" && !delivery) {
      fail(fieldProblem("delivery_address", "incomplete", t("checkout.addressIncomplete")));
      return;
    }
    const body: OrderRequest = {
      shop_id: shop.id,
      fulfilment,
      payment_method: payment,
      items: toCartItems(cart),
      notes: notes.trim() || null,
      ...(delivery ? { delivery_address: delivery } : {}),
      ...(who.kind === "customer" ? { customer_id: who.customer.id } : { walk_in: who.walkIn }),
    };
    const serialized = JSON.stringify(body);
    if (attempt.current?.body !== serialized) attempt.current = { body: serialized, key: newIdempotencyKey() };
    const { key } = attempt.current;
    void submit(async () => onPlaced(await placeOrder(body, key)), { leaves: true });
  }

  const name = who.kind === "customer" ? who.customer.full_name : who.walkIn.name;
  const phone = who.kind === "customer" ? who.customer.phone : who.walkIn.phone;
  return (
    <>
      <form className="counter-order" onSubmit={place} noValidate>
        <div className="counter-order__main">
          <section className="card counter-who" aria-labelledby="counter-who-title">
            <div>
              <h2 id="counter-who-title">{t(who.kind === "customer" ? "counter.for" : "counter.forWalkIn", { name })}</h2>
              <p>{displayPhone(phone)}</p>
            </div>
            <button type="button" className="button button--small" onClick={onChangeWho}>
              {t("counter.changeWho")}
            </button>
          </section>

          <div className="counter-how">
            <FulfilmentChoice shop={shop} fulfilment={fulfilment} onChange={setFulfilment} />
            <fieldset className="card choice-group">
              <legend>{t("checkout.payment")}</legend>
              {(["cash", "card_on_delivery"] as const).map((method) => (
                <label key={method} className="choice">
                  <input type="radio" name="counter-payment" checked={payment === method} onChange={() => setPayment(method)} />
                  <span className="choice__label">{t(`checkout.payment.${method}.${fulfilment}`)}</span>
                </label>
              ))}
            </fieldset>
          </div>
          {fulfilment === "delivery" && (
            <fieldset className="card">
              <legend className="subheading">{t("counter.address")}</legend>
              <AddressFields draft={draft} setDraft={setDraft} errors={addressErrors} zone={shop.delivery_postal_codes} />
              {other.delivery_address && <p className="field__error">{other.delivery_address}</p>}
            </fieldset>
          )}

          {menu.status === "loading" && <Loading />}
          {menu.status === "error" && <ErrorPanel problem={menu.problem} onRetry={menu.retry} />}
          {menu.status === "ready" && <AddProducts menu={menu.data} onPick={setPicking} />}

          <NotesField value={notes} onChange={setNotes} error={other.notes} />
        </div>

        {/* The order so far, kept in view beside the menu on a wide screen (after it on a narrow one). */}
        <aside className="card counter-order__summary" aria-labelledby="counter-cart-title">
          <h2 id="counter-cart-title">{t("counter.cart")}</h2>
          <div className="counter-order__lines">
            {cart.lines.length === 0 ? (
              <p className="muted">{t("counter.cartEmpty")}</p>
            ) : (
              <ul className="cart-lines">
                {cart.lines.map((line, i) => (
                  <CartLineItem
                    key={line.key}
                    line={line}
                    menu={menu.status === "ready" ? menu.data : null}
                    currency={shop.currency}
                    dispatch={dispatch}
                    errors={byLine.get(i)}
                  />
                ))}
              </ul>
            )}
          </div>
          <div className="counter-order__pay">
            {cart.lines.length > 0 && (
              <QuoteSummary
                quote={quote.status === "ready" ? quote.data : null}
                loading={quote.status === "loading"}
                cart={cart}
                byLine={byLine}
                delivery={fulfilment === "delivery"}
                deliveryPending={fulfilment === "delivery" && !address}
                shop={shop}
                totalsOnly
              />
            )}
            {other.items && <p className="notice">{other.items}</p>}
            {other.shop_id && <p className="notice">{other.shop_id}</p>}
            {other.delivery_address && <p className="notice">{other.delivery_address}</p>}
            <FormError problem={problem} overrides={{ 409: "checkout.outOfStock", 403: "checkout.forbidden" }} />
            {missing.length > 0 && <p className="notice">{t("checkout.missing", { names: missing.join(", ") })}</p>}
            <button type="submit" className="button button--primary button--wide" disabled={busy || cart.lines.length === 0}>
              {busy
                ? t("common.pleaseWait")
                : quote.status === "ready"
                  ? t("counter.place", { total: price(quote.data.total_cents, quote.data.currency) })
                  : t("checkout.placeNoTotal")}
            </button>
          </div>
        </aside>
      </form>
      {picking && menu.status === "ready" && (
        <ProductDialog product={picking} menu={menu.data} onClose={() => setPicking(null)} onAdd={(line) => dispatch({ type: "add", line })} />
      )}
    </>
  );
}
