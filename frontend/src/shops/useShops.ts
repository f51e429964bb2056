// The shops list and one shop, from the API.
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
