// The statistics dashboard (/staff/reports, managers and admins): a period (today, this week,
// this month in the shop's calendar, or custom dates), the shop or the whole chain (admins), then
// sales, products, times and stock, each chart with its table and its CSV.
import { useId, useState, type FormEvent } from "react";
import { useI18n, type MessageKey } from "../../i18n";
import { Field } from "../../ui/Field";
import { useDocumentTitle } from "../../ui/useDocumentTitle";
import { useShopList, type ReportQuery } from "../api";
import { useStaff } from "../StaffContext";
import { ProductsReport, StockReport, TimesReport } from "./OtherReports";
import { granularityFor, periodOf, periodProblem, type Period, type PeriodKind } from "./period";
import { SalesReport } from "./SalesReport";
import "./reports.css";

const KINDS: readonly [PeriodKind, MessageKey][] = [
  ["today", "reports.today"],
  ["week", "reports.week"],
  ["month", "reports.month"],
  ["custom", "reports.custom"],
];

const PROBLEMS: Record<NonNullable<ReturnType<typeof periodProblem>>, MessageKey> = {
  missing: "reports.problem.missing",
  inverted: "reports.problem.inverted",
  tooLong: "reports.problem.tooLong",
};

export default function ReportsPage() {
  const { t, intlLocale } = useI18n();
  useDocumentTitle(t("reports.title"));
  const { shop, role } = useStaff();
  const [kind, setKind] = useState<PeriodKind>("today");
  const [custom, setCustom] = useState<Period>(() => periodOf("week", new Date(), shop.timezone));
  const [draft, setDraft] = useState<Period>(custom);
  const [problem, setProblem] = useState<MessageKey | null>(null);
  const [shopId, setShopId] = useState<string | null>(shop.id);
  const shops = useShopList(role === "admin");
  const shopField = useId();

  const period = kind === "custom" ? custom : periodOf(kind, new Date(), shop.timezone);
  const query: ReportQuery = { ...period, shop_id: shopId, granularity: granularityFor(period) };
  const day = (date: string) =>
    new Intl.DateTimeFormat(intlLocale, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${date}T00:00:00Z`));
  const where = shopId === null ? t("reports.chain") : shops.data?.find((s) => s.id === shopId)?.name ?? shop.name;

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const wrong = periodProblem(draft);
    setProblem(wrong ? PROBLEMS[wrong] : null);
    if (!wrong) setCustom(draft);
  };

  return (
    <div className="reports">
      <div className="reports__head">
        <h1>{t("reports.title")}</h1>
        <p className="reports__scope" aria-live="polite">
          {period.from === period.to ? day(period.from) : t("reports.range", { from: day(period.from), to: day(period.to) })} · {where}
        </p>
      </div>
      <div className="reports__controls">
        <fieldset className="reports__periods">
          <legend>{t("reports.periodLegend")}</legend>
          {KINDS.map(([value, label]) => (
            <label key={value} className="reports__period">
              <input type="radio" name="period" value={value} checked={kind === value} onChange={() => setKind(value)} />
              {t(label)}
            </label>
          ))}
        </fieldset>
        {role === "admin" && shops.status === "ready" && (
          <div className="field reports__shop">
            <label htmlFor={shopField}>{t("reports.shop")}</label>
            <select id={shopField} value={shopId ?? ""} onChange={(e) => setShopId(e.target.value || null)}>
              <option value="">{t("reports.chain")}</option>
              {shops.data.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      {kind === "custom" && (
        <form className="reports__custom" onSubmit={apply} noValidate>
          <Field label={t("reports.from")} type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
          <Field label={t("reports.to")} type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
          <button type="submit" className="button button--primary">
            {t("reports.apply")}
          </button>
          {problem && (
            <p className="form-error" role="alert">
              {t(problem)}
            </p>
          )}
        </form>
      )}
      <SalesReport query={query} />
      <ProductsReport query={query} />
      <TimesReport query={query} />
      <StockReport query={query} />
    </div>
  );
}
