// The shops back office's calls (admins): every shop, inactive ones too; one shop; opening and
// editing a shop; adding and removing its closures.
import { api, call } from "../../api/client";
import type { ClosureInput, ShopInput } from "../../api/types";
import { useResource } from "../../api/useResource";

export function useAllShops(version: number) {
  return useResource(`admin-shops:${version}`, async (signal) => {
    const page = await call(api.GET("/api/v1/shops", { params: { query: { include_inactive: true, limit: 100 } }, signal }));
    return page.items;
  });
}

export function fetchShop(shopId: string, signal?: AbortSignal) {
  return call(api.GET("/api/v1/shops/{shop_id}", { params: { path: { shop_id: shopId } }, signal }));
}

export function useAdminShop(shopId: string | null) {
  return useResource(shopId ? `admin-shop:${shopId}` : null, (signal) => fetchShop(shopId ?? "", signal));
}

export function createShop(body: ShopInput) {
  return call(api.POST("/api/v1/shops", { body }));
}

export function updateShop(shopId: string, body: ShopInput) {
  return call(api.PATCH("/api/v1/shops/{shop_id}", { params: { path: { shop_id: shopId } }, body }));
}

export function addClosure(shopId: string, body: ClosureInput) {
  return call(api.POST("/api/v1/shops/{shop_id}/closures", { params: { path: { shop_id: shopId } }, body }));
}

export function removeClosure(shopId: string, closureId: string) {
  return call(api.DELETE("/api/v1/shops/{shop_id}/closures/{closure_id}", { params: { path: { shop_id: shopId, closure_id: closureId } } }));
}
