// The staff area's calls to the API: the kitchen queue, the shop's open orders and deliveries,
// moving an order along its life cycle, cancelling, the counter's customer lookup, and the
// shop's live stream (read as a raw stream, see useShopStream).
import { api, call } from "../api/client";
import type { Order, OrderStatus } from "../api/types";
import { tokens } from "../api/tokens";
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
 * Opens the shop's event stream (text/event-stream). A raw fetch with the session's token: the
 * body is read as a stream by followStream, and `Last-Event-ID` resumes after a reconnect.
 */
export function openShopEvents(shopId: string, lastEventId: string | null, signal: AbortSignal) {
  const headers = new Headers({ Accept: "text/event-stream" });
  const token = tokens.access();
  if (token) headers.set("Authorization", `Bearer ${token}`);
  if (lastEventId) headers.set("Last-Event-ID", lastEventId);
  const base = import.meta.env.VITE_API_BASE ?? "";
  return fetch(`${base}/api/v1/shops/${encodeURIComponent(shopId)}/events`, { headers, signal, cache: "no-store" });
}

/**
 * POST /orders/{id}/delivery-failure {reason}: the order goes back to the shop (ready), its
 * history noting "delivery failed: <reason>".
 */
export async function reportDeliveryFailure(orderId: string, reason: string): Promise<Order> {
  const headers = new Headers({ "Content-Type": "application/json" });
  const token = tokens.access();
  if (token) headers.set("Authorization", `Bearer ${token}`);
  const base = import.meta.env.VITE_API_BASE ?? "";
  const request = fetch(`${base}/api/v1/orders/${encodeURIComponent(orderId)}/delivery-failure`, {
    method: "POST",
    headers,
    body: JSON.stringify({ reason }),
  }).then(async (response) => {
    const text = await response.text();
    const body: unknown = text ? JSON.parse(text) : undefined;
    return response.ok ? { data: body as Order, response } : { error: body, response };
  });
  return call(request);
}
