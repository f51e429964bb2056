// The shops area's reads from the API: the shops list, one shop, and a shop's menu
// (GET /shops/{id}/menu: products, sizes, availability from its stock, extra toppings). The menu
// is read here, below the cart and the catalog, because both show it.
import { api, call } from "../api/client";
import type { Shop } from "../api/types";
import { useResource } from "../api/useResource";

export function useShops(postalCode: string | null) {
  return useResource(`shops:${postalCode ?? ""}`, async (signal) => {
    const query = postalCode ? { postal_code: postalCode } : {};
    const page = await call(api.GET("/api/v1/shops", { params: { query: { ...query, limit: 100 } }, signal }));
    return page.items as Shop[];
  });
}

export function useShop(shopId: string | null) {
  return useResource(shopId ? `shop:${shopId}` : null, (signal) =>
    call(api.GET("/api/v1/shops/{shop_id}", { params: { path: { shop_id: shopId ?? "" } }, signal })),
  );
}

export function fetchMenu(shopId: string, signal?: AbortSignal) {
  return call(api.GET("/api/v1/shops/{shop_id}/menu", { params: { path: { shop_id: shopId } }, signal }));
}

export function useMenu(shopId: string | null) {
  return useResource(shopId ? `menu:${shopId}` : null, (signal) => fetchMenu(shopId ?? "", signal));
}
