// The back office's catalog calls: every product with its recipes and steps (the public list is
// light: each product's recipe is read at GET /products/{id}/recipe), the categories and ingredients,
// a change merged by size code (PATCH /products/{id}), and a product's photo sent as its bytes.
import { api, call } from "../../api/client";
import type { ProductPatch } from "../../api/types";
import { useResource } from "../../api/useResource";

export function useCatalog() {
  return useResource("staff-catalog", async (signal) => {
    const [products, categories, ingredients] = await Promise.all([
      call(api.GET("/api/v1/products", { params: { query: { limit: 100 } }, signal })),
      call(api.GET("/api/v1/categories", { signal })),
      call(api.GET("/api/v1/ingredients", { params: { query: {} }, signal })),
    ]);
    const full = await Promise.all(
      products.items.map((p) =>
        call(api.GET("/api/v1/products/{product_id}/recipe", { params: { path: { product_id: p.id } }, signal })),
      ),
    );
    return { products: full, categories: categories.items, ingredients: ingredients.items };
  });
}

export function changeProduct(productId: string, body: ProductPatch) {
  return call(api.PATCH("/api/v1/products/{product_id}", { params: { path: { product_id: productId } }, body }));
}

/** Sends the file as it is: the API reads its type from the bytes. */
export function uploadPhoto(productId: string, file: Blob) {
  return call(
    api.PUT("/api/v1/products/{product_id}/image", {
      params: { path: { product_id: productId } },
      body: file as unknown as string,
      bodySerializer: (body: unknown) => body as BodyInit,
      headers: { "Content-Type": file.type },
    }),
  );
}

export function removePhoto(productId: string) {
  return call(api.DELETE("/api/v1/products/{product_id}/image", { params: { path: { product_id: productId } } }));
}

/** Pauses (`available: false`, optionally until a time) or resumes a product in one shop. */
export function setPaused(shopId: string, productId: string, body: { available: boolean; until?: string }) {
  return call(
    api.PATCH("/api/v1/shops/{shop_id}/menu/{product_id}", { params: { path: { shop_id: shopId, product_id: productId } }, body }),
  );
}
