// The orders area's calls to the API: pricing a cart, placing, reading, following, changing and
// cancelling an order, and paying one online.
import { api, call } from "../api/client";
import type { ModifyRequest, Order, OrderRequest, QuoteRequest } from "../api/types";
import { useResource } from "../api/useResource";

/** The server's price for a cart; reloads when the request changes (null: nothing to price). */
export function useQuote(request: QuoteRequest | null) {
  return useResource(request ? `quote:${JSON.stringify(request)}` : null, (signal) =>
    call(api.POST("/api/v1/orders/quote", { body: request as QuoteRequest, signal })),
  );
}

/** POST /orders; a retry of the same attempt sends the same key, so it never orders twice. */
export function placeOrder(order: OrderRequest, idempotencyKey: string) {
  return call(api.POST("/api/v1/orders", { body: order, params: { header: { "Idempotency-Key": idempotencyKey } } }));
}

export function fetchOrder(orderId: string, signal?: AbortSignal) {
  return call(api.GET("/api/v1/orders/{order_id}", { params: { path: { order_id: orderId } }, signal }));
}

export function useOrder(orderId: string) {
  return useResource(`order:${orderId}`, (signal) => fetchOrder(orderId, signal));
}

/** The customer's latest orders, newest first. */
export function useMyOrders() {
  return useResource("orders", async (signal) => {
    const page = await call(api.GET("/api/v1/orders", { params: { query: { limit: 50 } }, signal }));
    return page.items as Order[];
  });
}

/** The order's server-sent events, as the raw response (its body is read as a stream). */
export function orderEvents(orderId: string, signal: AbortSignal) {
  return api.GET("/api/v1/orders/{order_id}/events", {
    params: { path: { order_id: orderId } },
    parseAs: "stream",
    signal,
  });
}

export function modifyOrder(orderId: string, changes: ModifyRequest) {
  return call(api.PATCH("/api/v1/orders/{order_id}", { params: { path: { order_id: orderId } }, body: changes }));
}

export function cancelOrder(orderId: string) {
  return call(api.POST("/api/v1/orders/{order_id}/cancel", { params: { path: { order_id: orderId } }, body: {} }));
}

/** Starts paying an online order: a PaymentStart (200) for the customer. */
export function startOnlinePayment(orderId: string) {
  return call(
    api.POST("/api/v1/orders/{order_id}/payments", { params: { path: { order_id: orderId } }, body: { method: "online" } }),
  );
}

/** The offline test provider playing the bank's answer. */
export function confirmOfflinePayment(paymentIntentId: string, outcome: "succeeded" | "failed") {
  return call(api.POST("/api/v1/payments/offline/confirm", { body: { payment_intent_id: paymentIntentId, outcome } }));
}
