// A shop's menu (products, sizes, availability from its stock, extra toppings).
import { api, call } from "../api/client";
import { useResource } from "../api/useResource";

export function useMenu(shopId: string | null) {
  return useResource(shopId ? `menu:${shopId}` : null, (signal) =>
    call(api.GET("/api/v1/shops/{shop_id}/menu", { params: { path: { shop_id: shopId ?? "" } }, signal })),
  );
}
