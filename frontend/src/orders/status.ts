// An order's life cycle as the customer follows it.
import type { Fulfilment, Order, OrderStatus } from "../api/types";

const DELIVERY: OrderStatus[] = ["placed", "preparing", "ready", "out_for_delivery", "delivered"];
const PICKUP: OrderStatus[] = ["placed", "preparing", "ready", "picked_up"];

export function statusSteps(fulfilment: Fulfilment): OrderStatus[] {
  return fulfilment === "delivery" ? DELIVERY : PICKUP;
}

/** No further change will come (the live stream ends there). */
export function isFinal(status: OrderStatus): boolean {
  return status === "delivered" || status === "picked_up" || status === "cancelled";
}

/**
 * Whether the customer may change the order's content: before preparation (`changeable`), and
 * for an online payment only while it is unpaid (a paid one is cancelled and refunded instead).
 */
export function isModifiable(order: Pick<Order, "changeable" | "payment_method" | "status">): boolean {
  return order.changeable && (order.payment_method !== "online" || order.status === "pending_payment");
}
