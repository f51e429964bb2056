// Top products (with their sizes, the extras most added and the ingredients most removed), kitchen and delivery times (p50, p90), ingredient consumption with its gap.
import { useI18n, type MessageKey } from "../../i18n";
import { useProductsReport, useStockReport, useTimesReport, type ReportQuery } from "../api";
import { HBars } from "./charts";
import { ChartAndTable, ReportSection, Scroll, useFormats } from "./common";
import { duration } from "./shape";

const TOP = 10;

/** A table of extras added or ingredients removed: how many times, and what the extras brought. */
function ChangesTable({ rows, caption, currency, withRevenue }: { rows: readonly { ingredient_id?: string | null; name: string; times: number; revenue_cents: number }[]; caption: string; currency: string; withRevenue: boolean }) {
  const { t, price } = useI18n();
  const { num } = useFormats();
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t("reports.ingredient")}</th>
          <th scope="col">{t("reports.timesCount")}</th>
          {withRevenue && <th scope="col">{t("reports.revenue")}</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.ingredient_id ?? r.name}>
            <th scope="row">{r.name}</th>
            <td>{num(r.times)}</td>
            {withRevenue && <td>{price(r.revenue_cents, currency)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ProductsReport({ query }: { query: ReportQuery }) {
  const { t, price } = useI18n();
  const { num, pct } = useFormats();
  const products = useProductsReport(query);
  return (
    <ReportSection name="products" title={t("reports.products")} query={query} resource={products}>
      {(report) => {
        const top = report.items.slice(0, TOP);
        if (!top.length) return <p>{t("reports.none")}</p>;
        const sizes = report.sizes.slice(0, TOP);
        const extras = report.extras.slice(0, TOP);
        const removed = report.removed.slice(0, TOP);
        return (
          <>
            <ChartAndTable
              chart={<HBars rows={top.map((p) => ({ label: p.name, value: p.revenue_cents, text: price(p.revenue_cents, report.currency) }))} />}
              table={
                <Scroll label={t("reports.productsCaption", { count: top.length })}>
                <table>
                  <caption>{t("reports.productsCaption", { count: top.length })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("reports.product")}</th>
                      <th scope="col">{t("reports.quantity")}</th>
                      <th scope="col">{t("reports.revenue")}</th>
                      <th scope="col">{t("reports.share")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {top.map((p) => (
                      <tr key={p.product_id ?? p.name}>
                        <th scope="row">{p.name}</th>
                        <td>{num(p.quantity)}</td>
                        <td>{price(p.revenue_cents, report.currency)}</td>
                        <td>{pct(p.share)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                </Scroll>
              }
            />
            <h3>{t("reports.sizes")}</h3>
            <ChartAndTable
              chart={<HBars rows={sizes.map((z) => ({ label: `${z.name} · ${z.size_label}`, value: z.quantity, text: num(z.quantity) }))} />}
              table={
                <Scroll label={t("reports.sizesCaption", { count: sizes.length })}>
                <table>
                  <caption>{t("reports.sizesCaption", { count: sizes.length })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("reports.product")}</th>
                      <th scope="col">{t("reports.size")}</th>
                      <th scope="col">{t("reports.quantity")}</th>
                      <th scope="col">{t("reports.revenue")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {sizes.map((z) => (
                      <tr key={`${z.product_id ?? z.name}-${z.size_code}`}>
                        <th scope="row">{z.name}</th>
                        <td>{z.size_label}</td>
                        <td>{num(z.quantity)}</td>
                        <td>{price(z.revenue_cents, report.currency)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                </Scroll>
              }
            />
            <h3>{t("reports.extras")}</h3>
            {extras.length ? (
              <ChartAndTable
                chart={<HBars rows={extras.map((e) => ({ label: e.name, value: e.times, text: num(e.times) }))} />}
                table={<ChangesTable rows={extras} caption={t("reports.extrasCaption", { count: extras.length })} currency={report.currency} withRevenue />}
              />
            ) : (
              <p>{t("reports.none")}</p>
            )}
            <h3>{t("reports.removed")}</h3>
            {removed.length ? (
              <ChartAndTable
                chart={<HBars rows={removed.map((e) => ({ label: e.name, value: e.times, text: num(e.times) }))} />}
                table={<ChangesTable rows={removed} caption={t("reports.removedCaption", { count: removed.length })} currency={report.currency} withRevenue={false} />}
              />
            ) : (
              <p>{t("reports.none")}</p>
            )}
          </>
        );
      }}
    </ReportSection>
  );
}

const MEASURES = [
  ["preparation", "reports.preparation", "reports.preparationShort"],
  ["delivery", "reports.delivery", "reports.deliveryShort"],
  ["pickup_wait", "reports.pickupWait", "reports.pickupWaitShort"],
] as const satisfies readonly (readonly [string, MessageKey, MessageKey])[];

export function TimesReport({ query }: { query: ReportQuery }) {
  const { t } = useI18n();
  const { num } = useFormats();
  const times = useTimesReport(query);
  return (
    <ReportSection name="times" title={t("reports.times")} query={query} resource={times}>
      {(report) => (
        <ChartAndTable
          chart={
            <div>
              <HBars
                rows={MEASURES.map(([key, , short]) => ({
                  label: t(short),
                  value: report[key].p50_seconds ?? 0,
                  second: report[key].p90_seconds ?? 0,
                  text: `${duration(report[key].p50_seconds)} / ${duration(report[key].p90_seconds)}`,
                }))}
              />
              <p className="chart__legend" aria-hidden="true">
                <span className="chart__key chart__key--bar" /> p50 <span className="chart__key chart__key--light" /> p90
              </p>
            </div>
          }
          table={
            <Scroll label={t("reports.timesCaption")}>
            <table>
              <caption>{t("reports.timesCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("reports.measure")}</th>
                  <th scope="col">{t("reports.count")}</th>
                  <th scope="col">{t("reports.avg")}</th>
                  <th scope="col">p50</th>
                  <th scope="col">p90</th>
                </tr>
              </thead>
              <tbody>
                {MEASURES.map(([key, label]) => (
                  <tr key={key}>
                    <th scope="row">{t(label)}</th>
                    <td>{num(report[key].count)}</td>
                    <td>{duration(report[key].avg_seconds)}</td>
                    <td>{duration(report[key].p50_seconds)}</td>
                    <td>{duration(report[key].p90_seconds)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            </Scroll>
          }
        />
      )}
    </ReportSection>
  );
}

export function StockReport({ query }: { query: ReportQuery }) {
  const { t } = useI18n();
  const { num, pct } = useFormats();
  const stock = useStockReport(query);
  return (
    <ReportSection name="stock" title={t("reports.stock")} query={query} resource={stock}>
      {(report) => {
        const used = report.items.filter((i) => i.used_by_orders || i.returned_by_cancels || i.wasted || i.adjusted);
        const restockedOnly = report.items.filter((i) => !used.includes(i) && i.restocked).length;
        if (!used.length) return <p>{restockedOnly ? t("reports.moreInCsv", { count: restockedOnly }) : t("reports.none")}</p>;
        const top = used.filter((i) => i.used_by_orders > 0).sort((a, b) => b.used_by_orders - a.used_by_orders).slice(0, TOP);
        const unit = (u: string) => (u === "piece" ? t("reports.unitPiece") : u);
        return (
          <ChartAndTable
            wide
            chart={top.length > 0 && <HBars rows={top.map((i) => ({ label: i.name, value: i.used_by_orders, text: `${num(i.used_by_orders)} ${unit(i.unit)} · ${t("reports.gapShort", { gap: pct(i.gap) })}` }))} />}
            table={
              <div className="reports__scroll" tabIndex={0} role="region" aria-label={t("reports.stockCaption")}>
                <table>
                  <caption>{t("reports.stockCaption")}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("reports.ingredient")}</th>
                      <th scope="col">{t("reports.used")}</th>
                      <th scope="col">{t("reports.returned")}</th>
                      <th scope="col">{t("reports.wasted")}</th>
                      <th scope="col">{t("reports.adjusted")}</th>
                      <th scope="col">{t("reports.restocked")}</th>
                      <th scope="col">{t("reports.gap")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {used.map((i) => (
                      <tr key={i.ingredient_id}>
                        <th scope="row">
                          {i.name} <span className="reports__unit">({unit(i.unit)})</span>
                        </th>
                        <td>{num(i.used_by_orders)}</td>
                        <td>{num(i.returned_by_cancels)}</td>
                        <td>{num(i.wasted)}</td>
                        <td>{num(i.adjusted)}</td>
                        <td>{num(i.restocked)}</td>
                        <td className={i.gap && Math.abs(i.gap) >= 0.05 ? "reports__gap--high" : undefined}>{pct(i.gap)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <p className="reports__note">{t("reports.gapHint")}</p>
                {restockedOnly > 0 && <p className="reports__note">{t("reports.moreInCsv", { count: restockedOnly })}</p>}
              </div>
            }
          />
        );
      }}
    </ReportSection>
  );
}
