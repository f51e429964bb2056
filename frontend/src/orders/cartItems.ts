// From the browser's cart to what the orders API takes, and back from the API's field errors
// (`items[2].size`) to the cart line they are about.
import { cartReducer, emptyCart, type Cart } from "../cart/cart";
import type { CartItem, Order } from "../api/types";
import type { ProblemSummary } from "../api/problem";

export function toCartItems(cart: Cart): CartItem[] {
  return cart.lines.map((line) => ({
    product_id: line.productId,
    size: line.size,
    quantity: line.quantity,
    add_ingredient_ids: line.extras.map((e) => e.ingredientId),
    remove_ingredient_ids: line.removed.map((r) => r.ingredientId),
  }));
}

/** Field errors about items, by cart line index; the rest stays keyed by field. */
export function splitItemErrors(messages: Record<string, string>): {
  byLine: Map<number, string[]>;
  other: Record<string, string>;
} {
  const byLine = new Map<number, string[]>();
  const other: Record<string, string> = {};
  for (const [field, message] of Object.entries(messages)) {
    const match = /^items\[(\d+)\]/.exec(field);
    if (match) {
      const index = Number(match[1]);
      byLine.set(index, [...(byLine.get(index) ?? []), message]);
    } else {
      other[field] = message;
    }
  }
  return { byLine, other };
}

/** Whether a 409 is about products the shop has paused (each named at its line), not stock. */
export function namesPausedLines(problem: ProblemSummary | null | undefined): boolean {
  return Object.entries(problem?.fieldCodes ?? {}).some(([field, code]) => code === "paused" && /^items\[\d+\]/.test(field));
}

/** Names of the ingredients a 409 says the shop lacks. */
export function missingIngredients(problem: ProblemSummary | null): string[] {
  const list = problem?.extra?.missing_ingredients;
  if (!Array.isArray(list)) return [];
  return list
    .map((item: unknown) => (typeof item === "object" && item !== null ? (item as { name?: unknown }).name : null))
    .filter((name): name is string => typeof name === "string");
}

/** A key for POST /orders retries: the same attempt keeps its key, a changed cart gets a new one. */
export function newIdempotencyKey(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * An order's lines as a cart to edit. Lines whose product has left the catalog cannot be sent
 * again: they are dropped and named.
 */
export function cartFromOrder(order: Order): { cart: Cart; dropped: string[] } {
  let cart = emptyCart(order.shop_id, order.currency);
  const dropped: string[] = [];
  for (const line of order.lines) {
    if (!line.product_id) {
      dropped.push(line.product_name);
      continue;
    }
    const extrasCents = line.added.reduce((sum, a) => sum + a.price_cents, 0);
    cart = cartReducer(cart, {
      type: "add",
      line: {
        productId: line.product_id,
        productName: line.product_name,
        size: line.size,
        sizeLabel: line.size_label,
        sizePriceCents: line.unit_price_cents - extrasCents,
        extras: line.added.map((a) => ({ ingredientId: a.ingredient_id, name: a.name, priceCents: a.price_cents })),
        removed: line.removed.map((r) => ({ ingredientId: r.ingredient_id, name: r.name })),
        quantity: line.quantity,
      },
    });
  }
  return { cart, dropped };
}
