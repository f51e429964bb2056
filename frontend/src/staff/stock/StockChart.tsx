// An ingredient's level at the end of each of the last 30 days (the reports' bar chart, its line
// following the same levels: the chart scales bars and line each to their own maximum, so a
// constant threshold would always sit at the top), with the same figures in a table.
import { useEffect, useRef } from "react";
import type { StockLine } from "../../api/types";
import { useResource } from "../../api/useResource";
import { useI18n } from "../../i18n";
import { ErrorPanel, Loading } from "../../ui/LoadState";
import { BarLineChart } from "../reports/charts";
import "../reports/reports.css";
import { fetchLevels } from "./stockApi";

export function StockChart({ shopId, line, onClose }: { shopId: string; line: StockLine; onClose: () => void }) {
  const { t, intlLocale } = useI18n();
  const levels = useResource(`levels:${shopId}:${line.ingredient_id}`, (signal) => fetchLevels(shopId, line.ingredient_id, signal));
  const unit = t(`stock.unit.${line.unit}` as "stock.unit.g");
  const number = (n: number) => `${new Intl.NumberFormat(intlLocale).format(n)} ${unit}`;
  const frame = useRef<HTMLElement>(null);
  // Opened from a line far down the list: brought into view.
  useEffect(() => {
    frame.current?.scrollIntoView?.({ block: "nearest" });
  }, []);
  const day = (d: string) => new Intl.DateTimeFormat(intlLocale, { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${d}T00:00:00Z`));
  return (
    <section ref={frame} className="stock-chart panel" aria-labelledby="stock-chart-title">
      <div className="stock-chart__head">
        <h2 id="stock-chart-title">{t("stock.chartTitle", { name: line.name })}</h2>
        <button type="button" className="button button--small" onClick={onClose}>
          {t("common.close")}
        </button>
      </div>
      {levels.status === "loading" && <Loading />}
      {levels.status === "error" && <ErrorPanel problem={levels.problem} onRetry={levels.retry} />}
      {levels.status === "ready" && (
        <>
          <p>{t("stock.chartThresholdIs", { n: number(levels.data.low_threshold) })}</p>
          <BarLineChart
            points={levels.data.items.map((p) => ({ label: day(p.day), bar: p.quantity, line: p.quantity }))}
            barLabel={t("stock.chartLevel")}
            lineLabel={t("stock.chartTrend")}
            formatBar={number}
            formatLine={number}
          />
          <details className="stock-chart__figures">
            <summary>{t("stock.chartFigures")}</summary>
            <div className="reports__table">
            <table>
              <caption className="visually-hidden">{t("stock.chartTitle", { name: line.name })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("stock.day")}</th>
                  <th scope="col">{t("stock.chartLevel")}</th>
                </tr>
              </thead>
              <tbody>
                {levels.data.items.map((p) => (
                  <tr key={p.day}>
                    <th scope="row">{day(p.day)}</th>
                    <td>{number(p.quantity)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            </div>
          </details>
        </>
      )}
    </section>
  );
}
