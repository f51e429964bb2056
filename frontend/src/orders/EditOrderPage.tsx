// Changing an order before the kitchen starts: quantities, lines taken out or added from the shop's
// menu, the delivery address and the notes. The server prices the new content as the customer
// edits (POST /orders/quote) and PATCH /orders/{id} saves it in one transaction, the stock
// following the difference. A pizzeria that starts preparing meanwhile gets a clear "too late".
import { useMemo, useReducer, useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { AddressFields } from "../addresses/AddressFields";
import { draftOf, toDeliveryAddress } from "../addresses/address";
import { fieldProblem } from "../api/problem";
import type { Menu, ModifyRequest, Order, Product, QuoteRequest, Shop } from "../api/types";
import { useDocumentTitle } from "../ui/useDocumentTitle";
import { cartReducer, type NewLine } from "../cart/cart";
import { CartLineItem } from "../cart/CartLineItem";
import { ProductDialog } from "../catalog/ProductDialog";
import { useI18n } from "../i18n";
import { useMenu, useShop } from "../shops/api";
import { FormError } from "../ui/FormError";
import { ErrorPanel, Loading } from "../ui/LoadState";
import { fieldMessages } from "../ui/problemText";
import { useToast } from "../ui/Toast";
import { useDebounced } from "../ui/useDebounced";
import { useSubmit } from "../ui/useSubmit";
import { modifyOrder, useOrder, useQuote } from "./api";
import { AddProducts } from "./AddProducts";
import { NotesField } from "./NotesField";
import { cartFromOrder, missingIngredients, splitItemErrors, toCartItems } from "./cartItems";
import { isModifiable } from "./status";

export function EditOrderPage() {
  const { t } = useI18n();
  const { orderId = "" } = useParams();
  const order = useOrder(orderId);
  const shopId = order.status === "ready" ? order.data.shop_id : null;
  const shop = useShop(shopId);
  const menu = useMenu(shopId);
  useDocumentTitle(order.status === "ready" ? t("edit.title", { number: order.data.number }) : t("orders.title"));

  const failed = [order, shop, menu].find((r) => r.status === "error");
  if (failed?.status === "error")
    return (
      <div className="page page--narrow">
        <ErrorPanel problem={failed.problem} onRetry={failed.problem.status === 404 ? undefined : failed.retry}>
          <p>
            <Link to="/orders">{t("orders.all")}</Link>
          </p>
        </ErrorPanel>
      </div>
    );
  if (order.status !== "ready" || shop.status !== "ready" || menu.status !== "ready")
    return (
      <div className="page">
        <Loading />
      </div>
    );
  if (!isModifiable(order.data))
    return (
      <div className="page page--narrow">
        <h1>{t("edit.title", { number: order.data.number })}</h1>
        <p className="notice">{order.data.changeable ? t("edit.paidOnline") : t("order.tooLate")}</p>
        <p>
          <Link to={`/orders/${order.data.id}`}>{t("edit.back")}</Link>
        </p>
      </div>
    );
  return <EditOrderForm order={order.data} shop={shop.data} menu={menu.data} />;
}

function EditOrderForm({ order, shop, menu }: { order: Order; shop: Shop; menu: Menu }) {
  const { t, price } = useI18n();
  const toast = useToast();
  const navigate = useNavigate();
  const initial = useMemo(() => cartFromOrder(order), [order]);
  const [cart, dispatch] = useReducer(cartReducer, initial.cart);
  const [notes, setNotes] = useState(order.notes ?? "");
  const [draft, setDraft] = useState(() => draftOf(order.delivery_address));
  const [adding, setAdding] = useState<Product | null>(null);
  const { busy, problem, submit, fail, reset } = useSubmit();

  const delivery = order.fulfilment === "delivery";
  const items = toCartItems(cart);
  const itemsChanged = initial.dropped.length > 0 || JSON.stringify(items) !== JSON.stringify(toCartItems(initial.cart));
  const typedAddress = delivery ? toDeliveryAddress(draft) : null;
  const addressChanged = delivery && JSON.stringify(typedAddress) !== JSON.stringify(toDeliveryAddress(draftOf(order.delivery_address)));
  const notesChanged = notes.trim() !== (order.notes ?? "").trim();
  const changed = itemsChanged || addressChanged || notesChanged;

  // Priced with the address being typed once complete, else the order's own.
  const quotedAddress = toDeliveryAddress(useDebounced(draft, 500)) ?? order.delivery_address ?? null;
  // Rebuilt on each render; the resource reloads only when its key (the request's JSON) changes.
  const quoteRequest: QuoteRequest = {
    shop_id: order.shop_id,
    fulfilment: order.fulfilment,
    delivery_address: delivery ? quotedAddress : null,
    items,
  };
  const quote = useQuote(cart.lines.length ? quoteRequest : null);

  const { byLine, other } = splitItemErrors({ ...fieldMessages(t, quote.problem), ...fieldMessages(t, problem) });
  const missing = missingIngredients(problem);
  const addressError = Object.entries(other).find(([field]) => field.startsWith("delivery_address"))?.[1];

  function addLine(line: NewLine) {
    dispatch({ type: "add", line });
    toast(t("edit.added", { count: line.quantity, name: line.productName }));
  }

  function save(event: FormEvent) {
    event.preventDefault();
    reset();
    if (!changed) {
      navigate(`/orders/${order.id}`);
      return;
    }
    if (delivery && addressChanged && !typedAddress) {
      fail(fieldProblem("delivery_address", "incomplete", t("checkout.addressIncomplete")));
      return;
    }
    const body: ModifyRequest = {
      ...(itemsChanged ? { items } : {}),
      ...(addressChanged ? { delivery_address: typedAddress } : {}),
      ...(notesChanged ? { notes: notes.trim() } : {}),
    };
    void submit(
      async () => {
        await modifyOrder(order.id, body);
        toast(t("edit.saved"), { carry: true });
        navigate(`/orders/${order.id}`, { replace: true });
      },
      { leaves: true },
    );
  }

  const newTotal = quote.status === "ready" ? quote.data.total_cents : null;
  return (
    <div className="page checkout-page">
      <h1>{t("edit.title", { number: order.number })}</h1>
      <p className="muted">
        {t("cart.fromShop", { name: shop.name })} · <Link to={`/orders/${order.id}`}>{t("edit.back")}</Link>
      </p>
      <form className="checkout-layout" onSubmit={save} noValidate>
        <div className="checkout-main">
          <section aria-labelledby="edit-lines-title">
            <h2 id="edit-lines-title" className="subheading">
              {t("order.lines")}
            </h2>
            {initial.dropped.length > 0 && (
              <p className="notice">{t("edit.dropped", { names: initial.dropped.join(", ") })}</p>
            )}
            {cart.lines.length === 0 ? (
              <p className="notice">{t("edit.empty")}</p>
            ) : (
              <ul className="cart-lines">
                {cart.lines.map((line, index) => (
                  <CartLineItem
                    key={line.key}
                    line={line}
                    menu={menu}
                    currency={order.currency}
                    dispatch={dispatch}
                    errors={byLine.get(index)}
                  />
                ))}
              </ul>
            )}
          </section>

          <AddProducts menu={menu} onPick={setAdding} />

          {delivery && (
            <fieldset className="card choice-group">
              <legend>{t("checkout.address")}</legend>
              <div className="address-form">
                <AddressFields draft={draft} setDraft={setDraft} zone={shop.delivery_postal_codes} />
              </div>
              {addressError && (
                <p className="field__error" role="alert">
                  {addressError}
                </p>
              )}
            </fieldset>
          )}

          <NotesField value={notes} onChange={setNotes} error={other.notes} />
        </div>

        <aside className="card checkout-summary" aria-labelledby="edit-summary-title">
          <h2 id="edit-summary-title">{t("checkout.summary")}</h2>
          <dl className="totals" aria-busy={quote.status === "loading"}>
            <div className="totals__sub">
              <dt>{t("edit.previousTotal")}</dt>
              <dd>{price(order.total_cents, order.currency)}</dd>
            </div>
            <div className="totals__total">
              <dt>{t("edit.newTotal")}</dt>
              <dd className="price">{newTotal === null ? "—" : price(newTotal, order.currency)}</dd>
            </div>
          </dl>
          {quote.status === "loading" && cart.lines.length > 0 && <Loading label={t("checkout.pricing")} />}
          {quote.status === "error" && quote.problem.status !== 422 && (
            <ErrorPanel problem={quote.problem} onRetry={quote.retry} title={t("checkout.quoteFailed")} />
          )}
          {quote.status === "ready" && !quote.data.meets_minimum && (
            <p className="notice">
              {t("checkout.belowMinimum", { minimum: price(quote.data.minimum_order_cents, order.currency) })}
            </p>
          )}
          {other.items && <p className="notice">{other.items}</p>}
          <FormError problem={problem} overrides={{ 409: missing.length ? "checkout.outOfStock" : "order.tooLate" }} />
          {missing.length > 0 && <p className="notice">{t("checkout.missing", { names: missing.join(", ") })}</p>}
          {order.status === "pending_payment" && <p className="muted small">{t("edit.payAfter")}</p>}
          <button
            type="submit"
            className="button button--primary button--wide"
            disabled={busy || cart.lines.length === 0}
          >
            {busy ? t("common.pleaseWait") : changed ? t("edit.save") : t("edit.noChange")}
          </button>
        </aside>
      </form>
      {adding && (
        <ProductDialog product={adding} menu={menu} onClose={() => setAdding(null)} onAdd={addLine} />
      )}
    </div>
  );
}
