// Sales: the totals, revenue and orders over time, orders by hour of the week.
import { weekdayName } from "../../i18n/format";
import { useI18n } from "../../i18n";
import { useSalesReport, type ReportQuery } from "../api";
import { BarLineChart, HeatMap } from "./charts";
import { ChartAndTable, ReportSection, useFormats } from "./common";
import { heatGrid, periodLabel, trimHours } from "./shape";

export function SalesReport({ query }: { query: ReportQuery }) {
  const { t, price, intlLocale } = useI18n();
  const { num } = useFormats();
  const sales = useSalesReport(query);
  return (
    <ReportSection name="sales" title={t("reports.sales")} query={query} resource={sales}>
      {(report) => {
        const { totals, currency } = report;
        const grid = heatGrid(report.by_hour_of_week);
        const days = [1, 2, 3, 4, 5, 6, 7].map((d) => weekdayName(d, intlLocale, "short"));
        const series = trimHours(report.series, report.granularity === "hour");
        const points = series.map((p) => ({
          label: periodLabel(p.period, report.granularity, intlLocale),
          bar: p.revenue_cents,
          line: p.orders,
        }));
        return (
          <>
            <dl className="reports__kpis">
              <div data-kpi="orders">
                <dt>{t("reports.orders")}</dt>
                <dd>{num(totals.orders)}</dd>
              </div>
              <div data-kpi="revenue">
                <dt>{t("reports.revenue")}</dt>
                <dd>{price(totals.revenue_cents, currency)}</dd>
              </div>
              <div>
                <dt>{t("reports.basket")}</dt>
                <dd>{price(totals.average_basket_cents, currency)}</dd>
              </div>
              <div>
                <dt>{t("reports.cancelled")}</dt>
                <dd>{num(totals.cancelled)}</dd>
              </div>
              <div>
                <dt>{t("reports.refunded")}</dt>
                <dd>{price(totals.refunded_cents, currency)}</dd>
              </div>
            </dl>
            <h3>{t("reports.overTime")}</h3>
            <ChartAndTable
              chart={<BarLineChart
                  points={points}
                  barLabel={t("reports.revenue")}
                  lineLabel={t("reports.orders")}
                  formatBar={(cents) => price(cents, currency)}
                  formatLine={num}
                />}
              table={
                <table>
                  <caption>{t("reports.overTimeCaption")}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("reports.period")}</th>
                      <th scope="col">{t("reports.orders")}</th>
                      <th scope="col">{t("reports.revenue")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {series.map((p, i) => (
                      <tr key={p.period}>
                        <th scope="row">{points[i]?.label}</th>
                        <td>{num(p.orders)}</td>
                        <td>{price(p.revenue_cents, currency)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              }
            />
            <h3>{t("reports.byHour")}</h3>
            <ChartAndTable
              wide
              chart={<HeatMap grid={grid} dayNames={days} />}
              table={
                <div className="reports__scroll" tabIndex={0} role="region" aria-label={t("reports.byHourCaption")}>
                  <table className="reports__heat-table">
                    <caption>{t("reports.byHourCaption")}</caption>
                    <thead>
                      <tr>
                        <td />
                        {grid.hours.map((h) => (
                          <th key={h} scope="col">
                            {t("reports.hour", { hour: h })}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {grid.rows.map((row, r) => (
                        <tr key={row.weekday}>
                          <th scope="row">{days[r]}</th>
                          {row.cells.map((n, c) => (
                            <td key={c}>{n || ""}</td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              }
            />
          </>
        );
      }}
    </ReportSection>
  );
}
