// What every report section shares: its frame (heading, CSV download, loading and error states),
// the CSV download itself and the number formats.
import type { ReactNode } from "react";
import type { Resource } from "../../api/useResource";
import { useI18n, type MessageKey } from "../../i18n";
import { FormError } from "../../ui/FormError";
import { ErrorPanel, Loading } from "../../ui/LoadState";
import { useSubmit } from "../../ui/useSubmit";
import { fetchReportCsv, type ReportName, type ReportQuery } from "../api";

const FILE: Record<ReportName, MessageKey> = {
  sales: "reports.file.sales",
  products: "reports.file.products",
  times: "reports.file.times",
  stock: "reports.file.stock",
};

export function downloadText(text: string, filename: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function CsvButton({ name, query, title }: { name: ReportName; query: ReportQuery; title: string }) {
  const { t } = useI18n();
  const { busy, problem, submit } = useSubmit();
  const download = async () => {
    const text = await submit(() => fetchReportCsv(name, query));
    if (text !== undefined) downloadText(text, `${t(FILE[name])}_${query.from}_${query.to}.csv`);
  };
  return (
    <div className="reports__csv">
      <button type="button" className="button button--small" disabled={busy} onClick={() => void download()}>
        {busy ? (
          t("common.pleaseWait")
        ) : (
          <>
            {t("reports.csv")}
            <span className="visually-hidden"> ({title})</span>
          </>
        )}
      </button>
      <FormError problem={problem} />
    </div>
  );
}

export function ReportSection<T>({
  name,
  title,
  query,
  resource,
  children,
}: {
  name: ReportName;
  title: string;
  query: ReportQuery;
  resource: Resource<T>;
  children: (data: T) => ReactNode;
}) {
  const id = `report-${name}`;
  return (
    <section className={`reports__section reports__section--${name}`} aria-labelledby={id}>
      <div className="reports__section-head">
        <h2 id={id}>{title}</h2>
        <CsvButton name={name} query={query} title={title} />
      </div>
      {resource.status === "loading" && <Loading />}
      {resource.status === "error" && <ErrorPanel problem={resource.problem} onRetry={resource.retry} />}
      {resource.status === "ready" && children(resource.data)}
    </section>
  );
}

/** A chart and its table, side by side when there is room. */
export function ChartAndTable({ chart, table, wide }: { chart: ReactNode; table: ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? "reports__pair reports__pair--stacked" : "reports__pair"}>
      {chart}
      <div className="reports__table">{table}</div>
    </div>
  );
}

/** A table that scrolls sideways on its own on a narrow screen (focusable, named by its caption). */
export function Scroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="reports__scroll" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}

export function useFormats() {
  const { intlLocale } = useI18n();
  const number = new Intl.NumberFormat(intlLocale, { maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat(intlLocale, { style: "percent", maximumFractionDigits: 1 });
  return { num: (n: number) => number.format(n), pct: (n: number | null | undefined) => (n === null || n === undefined ? "—" : percent.format(n)) };
}
