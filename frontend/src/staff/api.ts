// The staff area's calls to the API: the kitchen queue, the shop's open orders and deliveries,
// moving an order along its life cycle, cancelling, the counter's customer lookup and recording a
// new caller, and the shop's live stream (read as a raw stream, see useShopStream).
import { api, call } from "../api/client";
import type { NewCustomer, Order, OrderStatus, ProductsReport, SalesReport, StockReport, TimesReport } from "../api/types";
import { useResource } from "../api/useResource";

export function fetchKitchenQueue(shopId: string, signal?: AbortSignal) {
  return call(api.GET("/api/v1/shops/{shop_id}/kitchen", { params: { path: { shop_id: shopId } }, signal }));
}

export function fetchDeliveries(shopId: string, signal?: AbortSignal) {
  return call(api.GET("/api/v1/shops/{shop_id}/deliveries", { params: { path: { shop_id: shopId } }, signal }));
}

/** The open orders of the shop, one list per status (the API filters by one status at a time). */
export async function fetchOpenOrders(shopId: string, statuses: readonly OrderStatus[], signal?: AbortSignal) {
  const pages = await Promise.all(
    statuses.map((status) =>
      call(api.GET("/api/v1/orders", { params: { query: { status, shop_id: shopId, limit: 100 } }, signal })),
    ),
  );
  return pages.flatMap((page) => page.items as Order[]);
}

export function fetchOrder(orderId: string, signal?: AbortSignal) {
  return call(api.GET("/api/v1/orders/{order_id}", { params: { path: { order_id: orderId } }, signal }));
}

export type Collected = "cash" | "card_on_delivery";

export function moveOrder(orderId: string, to: OrderStatus, collected?: Collected) {
  return call(
    api.POST("/api/v1/orders/{order_id}/transitions", {
      params: { path: { order_id: orderId } },
      body: collected ? { to, collected } : { to },
    }),
  );
}

export function cancelOrder(orderId: string, reason?: string) {
  return call(
    api.POST("/api/v1/orders/{order_id}/cancel", {
      params: { path: { order_id: orderId } },
      body: reason ? { reason } : {},
    }),
  );
}

export function useStaffShop(shopId: string | null) {
  return useResource(shopId ? `staff-shop:${shopId}` : null, (signal) =>
    call(api.GET("/api/v1/shops/{shop_id}", { params: { path: { shop_id: shopId ?? "" } }, signal })),
  );
}

export function useShopList(enabled: boolean) {
  return useResource(enabled ? "staff-shops" : null, async (signal) => {
    const page = await call(api.GET("/api/v1/shops", { params: { query: { limit: 100 } }, signal }));
    return page.items;
  });
}

/**
 * The shop's event stream (text/event-stream), as the raw response: its body is read as a stream
 * by followStream, and `Last-Event-ID` resumes after a reconnect.
 */
export async function openShopEvents(shopId: string, lastEventId: string | null, signal: AbortSignal) {
  const { response } = await api.GET("/api/v1/shops/{shop_id}/events", {
    params: { path: { shop_id: shopId }, header: lastEventId ? { "Last-Event-ID": lastEventId } : {} },
    parseAs: "stream",
    signal,
  });
  return response;
}

/**
 * The order could not be delivered: it goes back to the shop (ready), its history's last line a
 * `delivery_failed` event with the reason typed.
 */
export function reportDeliveryFailure(orderId: string, reason: string) {
  return call(
    api.POST("/api/v1/orders/{order_id}/delivery-failure", { params: { path: { order_id: orderId } }, body: { reason } }),
  );
}

/** GET /customers?q=: a phone number (or its last 4+ digits) or a name (2+ letters). */
export function searchCustomers(q: string, signal?: AbortSignal) {
  return call(api.GET("/api/v1/customers", { params: { query: { q } }, signal })).then((list) => list.items);
}

/**
 * POST /customers: records a caller (name, phone, e-mail if given) as a customer, found by their
 * number next time. 409 with `phone` when a customer already has the number.
 */
export function createCustomer(body: NewCustomer) {
  return call(api.POST("/api/v1/customers", { body }));
}

/** The reports (managers: their shop; admins: any shop, or the chain with `shop_id` null). */
export type ReportName = "sales" | "products" | "times" | "stock";
export interface ReportQuery {
  from: string;
  to: string;
  shop_id: string | null;
  granularity: "hour" | "day" | "week" | "month";
}

function reportQuery({ from, to, shop_id, granularity }: ReportQuery) {
  return shop_id ? { from, to, shop_id, granularity } : { from, to, granularity };
}

function reportKey(name: ReportName, q: ReportQuery) {
  return `report:${name}:${q.shop_id ?? "chain"}:${q.from}:${q.to}:${q.granularity}`;
}

// The reports answer JSON unless CSV is asked for (fetchReportCsv): the spec's union of both
// bodies is narrowed to the JSON one here.
export function useSalesReport(q: ReportQuery) {
  return useResource(reportKey("sales", q), (signal) =>
    call(api.GET("/api/v1/reports/sales", { params: { query: reportQuery(q) }, signal })).then((r) => r as SalesReport),
  );
}

export function useProductsReport(q: ReportQuery) {
  return useResource(reportKey("products", q), (signal) =>
    call(api.GET("/api/v1/reports/products", { params: { query: reportQuery(q) }, signal })).then((r) => r as ProductsReport),
  );
}

export function useTimesReport(q: ReportQuery) {
  return useResource(reportKey("times", q), (signal) =>
    call(api.GET("/api/v1/reports/times", { params: { query: reportQuery(q) }, signal })).then((r) => r as TimesReport),
  );
}

export function useStockReport(q: ReportQuery) {
  return useResource(reportKey("stock", q), (signal) =>
    call(api.GET("/api/v1/reports/stock", { params: { query: reportQuery(q) }, signal })).then((r) => r as StockReport),
  );
}

/** A report as CSV (`Accept: text/csv`, with the bearer token like every call), as text. */
export async function fetchReportCsv(name: ReportName, q: ReportQuery): Promise<string> {
  const options = { params: { query: reportQuery(q) }, headers: { Accept: "text/csv" }, parseAs: "text" as const };
  const request =
    name === "sales"
      ? api.GET("/api/v1/reports/sales", options)
      : name === "products"
        ? api.GET("/api/v1/reports/products", options)
        : name === "times"
          ? api.GET("/api/v1/reports/times", options)
          : api.GET("/api/v1/reports/stock", options);
  return String(await call(request));
}
