// The shop's stock movements, newest first, filtered by ingredient, reason and days (in the
// shop's calendar), 25 at a time.
import { useEffect, useState } from "react";
import type { MovementReason, StockLine, StockMovement } from "../../api/types";
import { useI18n } from "../../i18n";
import { Field } from "../../ui/Field";
import { FormError } from "../../ui/FormError";
import { fieldMessages } from "../../ui/problemText";
import { useSubmit } from "../../ui/useSubmit";
import { useStaff } from "../StaffContext";
import { fetchMovements, type MovementFilter } from "./stockApi";

const REASONS: readonly MovementReason[] = ["restock", "waste", "count", "adjustment", "order", "cancel", "modify"];

export function StockHistory({ shopId, lines, refresh }: { shopId: string; lines: readonly StockLine[]; refresh: number }) {
  const { t, intlLocale } = useI18n();
  const { shop } = useStaff();
  const [filter, setFilter] = useState<MovementFilter>({ ingredient_id: "", reason: "", from: "", to: "" });
  const [items, setItems] = useState<StockMovement[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const { busy, problem, submit } = useSubmit();
  const fields = fieldMessages(t, problem);
  const units = new Map(lines.map((l) => [l.ingredient_id, t(`stock.unit.${l.unit}` as "stock.unit.g")]));

  useEffect(() => {
    const controller = new AbortController();
    void submit(async () => {
      const page = await fetchMovements(shopId, filter, null, controller.signal);
      if (!controller.signal.aborted) {
        setItems(page.items);
        setNext(page.next);
      }
    });
    return () => controller.abort();
  }, [shopId, filter, refresh, submit]);

  const more = async () => {
    const page = await submit(() => fetchMovements(shopId, filter, next));
    if (page) {
      setItems((old) => [...old, ...page.items]);
      setNext(page.next);
    }
  };
  const set = (change: Partial<MovementFilter>) => setFilter((f) => ({ ...f, ...change }));
  const when = (iso: string) =>
    new Intl.DateTimeFormat(intlLocale, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", timeZone: shop.timezone }).format(new Date(iso));
  const signed = (n: number) => `${n > 0 ? "+" : ""}${new Intl.NumberFormat(intlLocale).format(n)}`;

  return (
    <section className="stock-history">
      <h2 id="stock-history-title">{t("stock.history")}</h2>
      <div className="stock-history__filters">
        <div className="field">
          <label htmlFor="history-ingredient">{t("stock.ingredient")}</label>
          <select id="history-ingredient" value={filter.ingredient_id} onChange={(e) => set({ ingredient_id: e.target.value })}>
            <option value="">{t("stock.all")}</option>
            {[...lines]
              .sort((a, b) => a.name.localeCompare(b.name))
              .map((l) => (
                <option key={l.ingredient_id} value={l.ingredient_id}>
                  {l.name}
                </option>
              ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="history-reason">{t("stock.reason")}</label>
          <select id="history-reason" value={filter.reason} onChange={(e) => set({ reason: e.target.value as MovementReason | "" })}>
            <option value="">{t("stock.all")}</option>
            {REASONS.map((r) => (
              <option key={r} value={r}>
                {t(`stock.reason.${r}`)}
              </option>
            ))}
          </select>
        </div>
        <Field label={t("stock.from")} type="date" value={filter.from} onChange={(e) => set({ from: e.target.value })} />
        <Field label={t("stock.to")} type="date" value={filter.to} onChange={(e) => set({ to: e.target.value })} error={fields.to} />
      </div>
      <FormError problem={problem} />
      {/* Focusable, so a keyboard scrolls the table sideways on a phone. */}
      <div className="reports__table stock-history__table" tabIndex={0} role="region" aria-labelledby="stock-history-title">
        <table>
          <caption className="visually-hidden">{t("stock.history")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("stock.when")}</th>
              <th scope="col">{t("stock.ingredient")}</th>
              <th scope="col">{t("stock.change")}</th>
              <th scope="col">{t("stock.reason")}</th>
              <th scope="col">{t("stock.who")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((m) => (
              <tr key={m.id}>
                <td>{when(m.created_at)}</td>
                <th scope="row">{m.ingredient_name}</th>
                <td className={m.delta < 0 ? "stock-history__out" : "stock-history__in"}>
                  {signed(m.delta)} {units.get(m.ingredient_id) ?? ""}
                </td>
                <td>
                  {t(`stock.reason.${m.reason}`)}
                  {m.note ? ` — ${m.note}` : ""}
                </td>
                <td>{m.actor_name ?? (m.order_id ? t("stock.byOrder") : "—")}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.length === 0 && !busy && <p>{t("stock.noMovement")}</p>}
      </div>
      {next && (
        <button type="button" className="button" disabled={busy} onClick={() => void more()}>
          {busy ? t("common.pleaseWait") : t("stock.more")}
        </button>
      )}
    </section>
  );
}
