// What a delivery person needs from an order, as plain functions: the address on one line, map
// links that load nothing (an OpenStreetMap search page and a geo: URI for the phone's own map
// app), the phone as a tel: link, what to collect, and why a delivery failed last time.
import type { DeliveryAddress, Order } from "../../api/types";

export function addressLine(address: DeliveryAddress): string {
  return [address.line1, address.line2, `${address.postal_code} ${address.city}`].filter(Boolean).join(", ");
}

export function osmSearchUrl(address: DeliveryAddress): string {
  return `https://www.openstreetmap.org/search?query=${encodeURIComponent(addressLine(address))}`;
}

export function geoUri(address: DeliveryAddress): string {
  return `geo:0,0?q=${encodeURIComponent(addressLine(address))}`;
}

/** A tel: link with only what a dialler reads (digits and a leading +). */
export function telHref(phone: string): string {
  const trimmed = phone.trim();
  return `tel:${trimmed.startsWith("+") ? "+" : ""}${trimmed.replace(/[^\d]/g, "")}`;
}

/** Cents to collect at the door: nothing for an order paid online. */
export function toCollect(order: Pick<Order, "payment_method" | "total_cents">): number {
  return order.payment_method === "online" ? 0 : order.total_cents;
}

const FAILED = /^delivery failed:\s*/i;

/**
 * What the courier typed when a delivery failed, from the history's note (the server writes it
 * after its own English words, "delivery failed: "): null when nothing was typed.
 */
export function typedFailureReason(note: string | null | undefined): string | null {
  if (!note) return null;
  return (FAILED.test(note) ? note.replace(FAILED, "") : note).trim() || null;
}

/** The reason of the last failed delivery, when the order came back to the shop after one. */
export function failureReason(order: Pick<Order, "history" | "status">): string | null {
  if (order.status !== "ready") return null;
  const last = order.history[order.history.length - 1];
  if (!last || last.from !== "out_for_delivery" || last.to !== "ready" || !last.note) return null;
  return typedFailureReason(last.note);
}
