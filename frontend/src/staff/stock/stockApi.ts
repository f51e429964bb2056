// The stock screen's calls: the shop's stock lines, a movement (restock, waste, adjustment, or a
// count that the server turns into the difference), a per-shop threshold, the history and the
// closing levels of an ingredient over the last days.
import { api, call } from "../../api/client";
import type { MovementReason, StockMovement } from "../../api/types";

export function fetchStock(shopId: string, signal?: AbortSignal) {
  return call(api.GET("/api/v1/shops/{shop_id}/stock", { params: { path: { shop_id: shopId } }, signal })).then((list) => list.items);
}

export type StockAction = "restock" | "waste" | "count";

/** `amount` is what came in (restock), what was thrown away (waste) or what was counted (count). */
export function recordMovement(shopId: string, ingredientId: string, action: StockAction, amount: number, note?: string) {
  const body =
    action === "count"
      ? { ingredient_id: ingredientId, reason: action, quantity: amount, note: note || null }
      : { ingredient_id: ingredientId, reason: action, delta: action === "waste" ? -amount : amount, note: note || null };
  return call(api.POST("/api/v1/shops/{shop_id}/stock/movements", { params: { path: { shop_id: shopId } }, body }));
}

export function setThreshold(shopId: string, ingredientId: string, lowThreshold: number) {
  return call(
    api.PATCH("/api/v1/shops/{shop_id}/stock/{ingredient_id}", {
      params: { path: { shop_id: shopId, ingredient_id: ingredientId } },
      body: { low_threshold: lowThreshold },
    }),
  );
}

export interface MovementFilter {
  ingredient_id: string;
  reason: MovementReason | "";
  from: string;
  to: string;
}

export async function fetchMovements(shopId: string, f: MovementFilter, cursor: string | null, signal?: AbortSignal) {
  const query = {
    limit: 25,
    ...(f.ingredient_id ? { ingredient_id: f.ingredient_id } : {}),
    ...(f.reason ? { reason: f.reason } : {}),
    ...(f.from ? { from: f.from } : {}),
    ...(f.to ? { to: f.to } : {}),
    ...(cursor ? { cursor } : {}),
  };
  const page = await call(api.GET("/api/v1/shops/{shop_id}/stock/movements", { params: { path: { shop_id: shopId }, query }, signal }));
  return { items: page.items as StockMovement[], next: page.next_cursor ?? null };
}

export function fetchLevels(shopId: string, ingredientId: string, signal?: AbortSignal) {
  return call(
    api.GET("/api/v1/shops/{shop_id}/stock/{ingredient_id}/levels", {
      params: { path: { shop_id: shopId, ingredient_id: ingredientId }, query: { days: 30 } },
      signal,
    }),
  );
}
