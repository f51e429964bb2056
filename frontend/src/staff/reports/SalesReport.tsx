// Sales: the totals, revenue and orders over time, orders by hour of the week, by fulfilment and
// by payment method, and the refunds shown apart from the revenue.
import { weekdayName } from "../../i18n/format";
import { useI18n, type MessageKey } from "../../i18n";
import { useSalesReport, type ReportQuery } from "../api";
import { BarLineChart, HBars, HeatMap } from "./charts";
import { ChartAndTable, ReportSection, Scroll, useFormats } from "./common";
import { heatGrid, periodLabel, trimHours } from "./shape";

const FULFILMENT: Record<"delivery" | "pickup", MessageKey> = {
  delivery: "reports.fulfilment.delivery",
  pickup: "reports.fulfilment.pickup",
};

const PAYMENT: Record<"online" | "cash" | "card_on_delivery", MessageKey> = {
  online: "reports.payment.online",
  cash: "reports.payment.cash",
  card_on_delivery: "reports.payment.card_on_delivery",
};

interface Split {
  key: string;
  label: string;
  orders: number;
  revenue_cents: number;
}

/** One breakdown of the sales (by fulfilment, by payment method): bars of revenue and their table. */
function SplitTable({ rows, caption, heading, currency, total }: { rows: readonly Split[]; caption: string; heading: string; currency: string; total: number }) {
  const { t, price } = useI18n();
  const { num, pct } = useFormats();
  if (!rows.length) return <p>{t("reports.none")}</p>;
  return (
    <ChartAndTable
      chart={<HBars rows={rows.map((r) => ({ label: r.label, value: r.revenue_cents, text: price(r.revenue_cents, currency) }))} />}
      table={
        <Scroll label={caption}>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{heading}</th>
              <th scope="col">{t("reports.orders")}</th>
              <th scope="col">{t("reports.revenue")}</th>
              <th scope="col">{t("reports.share")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">{r.label}</th>
                <td>{num(r.orders)}</td>
                <td>{price(r.revenue_cents, currency)}</td>
                <td>{pct(total ? r.revenue_cents / total : null)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </Scroll>
      }
    />
  );
}

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
            <h3>{t("reports.byFulfilment")}</h3>
            <SplitTable
              caption={t("reports.byFulfilmentCaption")}
              heading={t("reports.fulfilment")}
              currency={currency}
              total={totals.revenue_cents}
              rows={report.by_fulfilment.map((r) => ({ key: r.fulfilment, label: t(FULFILMENT[r.fulfilment]), orders: r.orders, revenue_cents: r.revenue_cents }))}
            />
            <h3>{t("reports.byPayment")}</h3>
            <SplitTable
              caption={t("reports.byPaymentCaption")}
              heading={t("reports.paymentMethod")}
              currency={currency}
              total={totals.revenue_cents}
              rows={report.by_payment_method.map((r) => ({ key: r.payment_method, label: t(PAYMENT[r.payment_method]), orders: r.orders, revenue_cents: r.revenue_cents }))}
            />
            <h3>{t("reports.refunds")}</h3>
            <ChartAndTable
              chart={<HBars
                  rows={[
                    { label: t("reports.revenue"), value: totals.revenue_cents, text: price(totals.revenue_cents, currency) },
                    { label: t("reports.refunded"), value: totals.refunded_cents, text: price(totals.refunded_cents, currency) },
                    { label: t("reports.net"), value: Math.max(0, totals.revenue_cents - totals.refunded_cents), text: price(totals.revenue_cents - totals.refunded_cents, currency) },
                  ]}
                />}
              table={
                <table data-table="refunds">
                  <caption>{t("reports.refundsCaption")}</caption>
                  <tbody>
                    <tr>
                      <th scope="row">{t("reports.revenue")}</th>
                      <td>{price(totals.revenue_cents, currency)}</td>
                    </tr>
                    <tr>
                      <th scope="row">{t("reports.refunded")}</th>
                      <td>{price(totals.refunded_cents, currency)}</td>
                    </tr>
                    <tr>
                      <th scope="row">{t("reports.net")}</th>
                      <td>{price(totals.revenue_cents - totals.refunded_cents, currency)}</td>
                    </tr>
                  </tbody>
                </table>
              }
            />
          </>
        );
      }}
    </ReportSection>
  );
}
