// The shop's stock (/staff/stock, managers and admins): low items first, a search, a restock,
// waste or count in a few touches on each line, the shop's own low threshold, an ingredient's
// level over the last 30 days and the movement history with its filters.
import { useId, useMemo, useState, type FormEvent } from "react";
import type { StockLine } from "../../api/types";
import { useResource } from "../../api/useResource";
import { useI18n } from "../../i18n";
import { Field } from "../../ui/Field";
import { FormError } from "../../ui/FormError";
import { ErrorPanel, Loading } from "../../ui/LoadState";
import { fieldMessages } from "../../ui/problemText";
import { useToast } from "../../ui/Toast";
import { useDocumentTitle } from "../../ui/useDocumentTitle";
import { useSubmit } from "../../ui/useSubmit";
import { useStaff } from "../StaffContext";
import { StockChart } from "./StockChart";
import { StockHistory } from "./StockHistory";
import { fetchStock, recordMovement, setThreshold, type StockAction } from "./stockApi";
import "./stock.css";

/** Low lines first, then by name; the search keeps the names containing it (accents ignored). */
export function orderStock(lines: readonly StockLine[], search: string): StockLine[] {
  const fold = (s: string) => s.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase();
  const wanted = fold(search.trim());
  return lines
    .filter((l) => !wanted || fold(l.name).includes(wanted))
    .sort((a, b) => Number(b.low) - Number(a.low) || a.name.localeCompare(b.name));
}

export default function StockPage() {
  const { t } = useI18n();
  useDocumentTitle(t("stock.title"));
  const { shop } = useStaff();
  const stock = useResource(`stock:${shop.id}`, (signal) => fetchStock(shop.id, signal));
  const [search, setSearch] = useState("");
  const [chosen, setChosen] = useState<string | null>(null);
  const [changes, setChanges] = useState(0);
  const lines = useMemo(() => (stock.status === "ready" ? orderStock(stock.data, search) : []), [stock, search]);

  if (stock.status === "loading") return <Loading />;
  if (stock.status === "error") return <ErrorPanel problem={stock.problem} onRetry={stock.retry} />;
  const lowCount = stock.data.filter((l) => l.low).length;
  const replaceLine = (line: StockLine) => {
    stock.replace(stock.data.map((l) => (l.ingredient_id === line.ingredient_id ? line : l)));
    setChanges((n) => n + 1);
  };
  const selected = stock.data.find((l) => l.ingredient_id === chosen) ?? null;

  return (
    <div className="stock">
      <div className="stock__head">
        <h1>{t("stock.title")}</h1>
        <p aria-live="polite">{lowCount ? t("stock.lowCount", { count: lowCount }) : t("stock.noneLow")}</p>
      </div>
      {selected && <StockChart key={`${selected.ingredient_id}:${changes}`} shopId={shop.id} line={selected} onClose={() => setChosen(null)} />}
      <Field label={t("stock.search")} type="search" value={search} onChange={(e) => setSearch(e.target.value)} className="stock__search" />
      <ul className="stock__lines" aria-label={t("stock.lines")}>
        {lines.map((line) => (
          <StockRow
            key={line.ingredient_id}
            line={line}
            shopId={shop.id}
            onChanged={replaceLine}
            onShow={() => setChosen(line.ingredient_id)}
            shown={chosen === line.ingredient_id}
          />
        ))}
        {lines.length === 0 && <li className="stock__empty">{t("stock.noMatch")}</li>}
      </ul>
      <StockHistory shopId={shop.id} lines={stock.data} refresh={changes} />
    </div>
  );
}

const ACTIONS: readonly StockAction[] = ["restock", "waste", "count"];
/** The most the server takes in one movement or as a threshold. */
const MOST_AT_ONCE = 10_000_000;

function StockRow({
  line,
  shopId,
  onChanged,
  onShow,
  shown,
}: {
  line: StockLine;
  shopId: string;
  onChanged: (line: StockLine) => void;
  onShow: () => void;
  shown: boolean;
}) {
  const { t, intlLocale } = useI18n();
  const [action, setAction] = useState<StockAction | "threshold" | null>(null);
  const number = (n: number) => new Intl.NumberFormat(intlLocale).format(n);
  const unit = t(`stock.unit.${line.unit}` as "stock.unit.g");
  return (
    <li className={`stock-line${line.low ? " stock-line--low" : ""}`}>
      <div className="stock-line__main">
        <h2 className="stock-line__name">{line.name}</h2>
        <p className="stock-line__qty">
          <strong>
            {number(line.quantity)} {unit}
          </strong>
          {line.low && <span className="badge stock-line__low">{t("stock.low")}</span>}
          <span className="stock-line__threshold">{t("stock.threshold", { n: number(line.low_threshold), unit })}</span>
        </p>
      </div>
      <div className="stock-line__actions" role="group" aria-label={t("stock.actionsFor", { name: line.name })}>
        {ACTIONS.map((a) => (
          <button
            key={a}
            type="button"
            className={`button button--small${action === a ? " button--primary" : ""}`}
            aria-expanded={action === a}
            onClick={() => setAction(action === a ? null : a)}
          >
            {t(`stock.action.${a}`)}
          </button>
        ))}
        <button type="button" className="button button--small button--ghost" aria-expanded={action === "threshold"} onClick={() => setAction(action === "threshold" ? null : "threshold")}>
          {t("stock.action.threshold")}
        </button>
        <button type="button" className="button button--small button--ghost" aria-pressed={shown} onClick={onShow}>
          {t("stock.action.chart")}
        </button>
      </div>
      {action && action !== "threshold" && (
        <MovementForm key={action} shopId={shopId} line={line} action={action} unit={unit} onDone={(l) => (onChanged(l), setAction(null))} />
      )}
      {action === "threshold" && <ThresholdForm shopId={shopId} line={line} unit={unit} onDone={(l) => (onChanged(l), setAction(null))} />}
    </li>
  );
}

function MovementForm({
  shopId,
  line,
  action,
  unit,
  onDone,
}: {
  shopId: string;
  line: StockLine;
  action: StockAction;
  unit: string;
  onDone: (line: StockLine) => void;
}) {
  const { t } = useI18n();
  const toast = useToast();
  const { busy, problem, submit, fail } = useSubmit();
  const [amount, setAmount] = useState("");
  const [note, setNote] = useState("");
  const fields = fieldMessages(t, problem);
  const send = async (event: FormEvent) => {
    event.preventDefault();
    const n = Number(amount);
    if (amount.trim() === "" || !Number.isInteger(n) || n < 0 || n > MOST_AT_ONCE || (action !== "count" && n === 0)) {
      fail({ status: 422, kind: "validation", detail: t("stock.badAmount"), fieldErrors: { amount: t("stock.badAmount") }, fieldCodes: { amount: "client_check" }, extra: null });
      return;
    }
    const saved = await submit(() => recordMovement(shopId, line.ingredient_id, action, n, note.trim()));
    if (saved) {
      toast(t(`stock.done.${action}`, { name: line.name }));
      onDone(saved);
    }
  };
  return (
    <form className="stock-line__form" onSubmit={send} noValidate>
      <Field
        label={t(`stock.amount.${action}`, { unit })}
        type="number"
        inputMode="numeric"
        min={0}
        step={1}
        value={amount}
        autoFocus
        onChange={(e) => setAmount(e.target.value)}
        error={fields.amount ?? fields.delta ?? fields.quantity}
      />
      <Field label={t("stock.note")} value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
      <button type="submit" className="button button--primary" disabled={busy}>
        {busy ? t("common.pleaseWait") : t(`stock.submit.${action}`)}
      </button>
      {/* A 409 names what is short in the server's English words: said here in ours. */}
      <FormError problem={problem} overrides={{ 409: "stock.notEnough" }} />
    </form>
  );
}

function ThresholdForm({ shopId, line, unit, onDone }: { shopId: string; line: StockLine; unit: string; onDone: (line: StockLine) => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const { busy, problem, submit, fail } = useSubmit();
  const [value, setValue] = useState(String(line.low_threshold));
  const fields = fieldMessages(t, problem);
  const id = useId();
  const send = async (event: FormEvent) => {
    event.preventDefault();
    // Number("") is 0 and Number("abc") NaN (sent as null): neither is what was meant.
    const n = Number(value);
    if (value.trim() === "" || !Number.isInteger(n) || n < 0 || n > MOST_AT_ONCE) {
      fail({ status: 422, kind: "validation", detail: t("stock.badThreshold"), fieldErrors: { low_threshold: t("stock.badThreshold") }, fieldCodes: { low_threshold: "client_check" }, extra: null });
      return;
    }
    const saved = await submit(() => setThreshold(shopId, line.ingredient_id, n));
    if (saved) {
      toast(t("stock.done.threshold", { name: line.name }));
      onDone(saved);
    }
  };
  return (
    <form className="stock-line__form" onSubmit={send} noValidate aria-describedby={id}>
      <Field
        label={t("stock.thresholdLabel", { unit })}
        type="number"
        inputMode="numeric"
        min={0}
        step={1}
        value={value}
        autoFocus
        onChange={(e) => setValue(e.target.value)}
        error={fields.low_threshold}
      />
      <p id={id} className="field__hint">
        {t("stock.thresholdHint")}
      </p>
      <button type="submit" className="button button--primary" disabled={busy}>
        {busy ? t("common.pleaseWait") : t("common.save")}
      </button>
      <FormError problem={problem} />
    </form>
  );
}
