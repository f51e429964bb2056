// The shop's orders (/staff/orders, managers and admins): filtered by status, day, fulfilment and
// payment, 25 at a time; an order's page (/staff/orders/<id>) with its lines, history, payments
// and refunds, where a manager pays back an amount with a reason.
import { useEffect, useState } from "react";
import { Link, Route, Routes } from "react-router-dom";
import { api, call } from "../../api/client";
import type { Fulfilment, Order, OrderStatus, PaymentMethod } from "../../api/types";
import { useI18n } from "../../i18n";
import { Field } from "../../ui/Field";
import { FormError } from "../../ui/FormError";
import { useDocumentTitle } from "../../ui/useDocumentTitle";
import { useSubmit } from "../../ui/useSubmit";
import { useStaff } from "../StaffContext";
import { OrderDetail } from "./OrderDetail";
import "../stock/stock.css";

const STATUSES: readonly OrderStatus[] = ["pending_payment", "placed", "preparing", "ready", "out_for_delivery", "delivered", "picked_up", "cancelled"];
const FULFILMENTS: readonly Fulfilment[] = ["delivery", "pickup"];
const METHODS: readonly PaymentMethod[] = ["online", "cash", "card_on_delivery"];

export default function OrdersPage() {
  return (
    <Routes>
      <Route index element={<OrderList />} />
      <Route path=":orderId" element={<OrderDetail />} />
    </Routes>
  );
}

interface Filter {
  status: OrderStatus | "";
  fulfilment: Fulfilment | "";
  payment_method: PaymentMethod | "";
  from: string;
  to: string;
}

async function fetchOrders(shopId: string, f: Filter, cursor: string | null, signal?: AbortSignal) {
  const query = {
    shop_id: shopId,
    limit: 25,
    ...(f.status ? { status: f.status } : {}),
    ...(f.fulfilment ? { fulfilment: f.fulfilment } : {}),
    ...(f.payment_method ? { payment_method: f.payment_method } : {}),
    ...(f.from ? { from: f.from } : {}),
    ...(f.to ? { to: f.to } : {}),
    ...(cursor ? { cursor } : {}),
  };
  const page = await call(api.GET("/api/v1/orders", { params: { query }, signal }));
  return { items: page.items as Order[], next: page.next_cursor ?? null };
}

function OrderList() {
  const { t, price, intlLocale } = useI18n();
  useDocumentTitle(t("staffOrders.title"));
  const { shop } = useStaff();
  const [filter, setFilter] = useState<Filter>({ status: "", fulfilment: "", payment_method: "", from: "", to: "" });
  const [items, setItems] = useState<Order[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const { busy, problem, submit } = useSubmit();

  useEffect(() => {
    const controller = new AbortController();
    void submit(async () => {
      const page = await fetchOrders(shop.id, filter, null, controller.signal);
      if (!controller.signal.aborted) {
        setItems(page.items);
        setNext(page.next);
        setLoaded(true);
      }
    });
    return () => controller.abort();
  }, [shop.id, filter, submit]);

  const more = async () => {
    const page = await submit(() => fetchOrders(shop.id, filter, next));
    if (page) {
      setItems((old) => [...old, ...page.items]);
      setNext(page.next);
    }
  };
  const set = (change: Partial<Filter>) => setFilter((f) => ({ ...f, ...change }));
  const when = (iso: string) =>
    new Intl.DateTimeFormat(intlLocale, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: shop.timezone }).format(new Date(iso));

  return (
    <div className="stock">
      <h1>{t("staffOrders.title")}</h1>
      <div className="stock-history__filters">
        <Choice id="orders-status" label={t("staffOrders.status")} value={filter.status} options={STATUSES.map((s) => [s, t(`order.status.${s}`)])} onChange={(v) => set({ status: v as OrderStatus | "" })} />
        <Choice
          id="orders-fulfilment"
          label={t("staffOrders.fulfilment")}
          value={filter.fulfilment}
          options={FULFILMENTS.map((f) => [f, t(`staffOrders.fulfilment.${f}`)])}
          onChange={(v) => set({ fulfilment: v as Fulfilment | "" })}
        />
        <Choice
          id="orders-payment"
          label={t("staffOrders.payment")}
          value={filter.payment_method}
          options={METHODS.map((m) => [m, t(`staffOrders.paymentMethod.${m}`)])}
          onChange={(v) => set({ payment_method: v as PaymentMethod | "" })}
        />
        <Field label={t("staffOrders.from")} type="date" value={filter.from} onChange={(e) => set({ from: e.target.value })} />
        <Field label={t("staffOrders.to")} type="date" value={filter.to} onChange={(e) => set({ to: e.target.value })} />
      </div>
      <FormError problem={problem} />
      <ul className="stock__lines" aria-label={t("staffOrders.title")} aria-busy={busy}>
        {items.map((o) => (
          <li key={o.id} className="stock-line">
            <div className="stock-line__main">
              <h2 className="stock-line__name">
                <Link to={`/staff/orders/${o.id}`} aria-label={t("staffOrders.open", { number: o.number })}>
                  {t("staffOrders.number", { number: o.number })}
                </Link>{" "}
                · {o.customer_name}
              </h2>
              <p className="stock-line__qty">
                <strong>{price(o.total_cents, o.currency)}</strong>
                <span>{t(`order.status.${o.status}`)}</span>
                <span>{t(`staffOrders.fulfilment.${o.fulfilment}`)}</span>
                <span>{t(`staffOrders.paymentMethod.${o.payment_method}`)}</span>
                <span className="stock-line__threshold">{when(o.created_at)}</span>
              </p>
            </div>
          </li>
        ))}
        {loaded && items.length === 0 && <li className="stock__empty">{t("staffOrders.none")}</li>}
      </ul>
      {next && (
        <button type="button" className="button" disabled={busy} onClick={() => void more()}>
          {busy ? t("common.pleaseWait") : t("staffOrders.more")}
        </button>
      )}
    </div>
  );
}

function Choice({ id, label, value, options, onChange }: { id: string; label: string; value: string; options: [string, string][]; onChange: (v: string) => void }) {
  const { t } = useI18n();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t("staffOrders.all")}</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}
