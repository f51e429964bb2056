import { describe, expect, it } from "vitest";
import { toProblem } from "../api/problem";
import { cartReducer, emptyCart } from "../cart/cart";
import { missingIngredients, newIdempotencyKey, splitItemErrors, toCartItems } from "./cartItems";

describe("from the cart to the orders API", () => {
  it("sends each line with its extras and removals", () => {
    const cart = cartReducer(emptyCart("shop-1"), {
      type: "add",
      line: {
        productId: "p1",
        productName: "Reine",
        size: "large",
        sizeLabel: "Grande",
        sizePriceCents: 1600,
        extras: [{ ingredientId: "olives", name: "Olives", priceCents: 100 }],
        removed: [{ ingredientId: "champignons", name: "Champignons" }],
        quantity: 2,
      },
    });
    expect(toCartItems(cart)).toEqual([
      { product_id: "p1", size: "large", quantity: 2, add_ingredient_ids: ["olives"], remove_ingredient_ids: ["champignons"] },
    ]);
  });

  it("puts item errors on their cart line and keeps the others by field", () => {
    const { byLine, other } = splitItemErrors({
      "items[1].size": "unknown size",
      "items[1].quantity": "between 1 and 50",
      "items[0].add_ingredient_ids[0]": "not an extra",
      "delivery_address.postal_code": "outside the zone",
      items: "below the minimum",
    });
    expect(byLine.get(1)).toEqual(["unknown size", "between 1 and 50"]);
    expect(byLine.get(0)).toEqual(["not an extra"]);
    expect(other).toEqual({ "delivery_address.postal_code": "outside the zone", items: "below the minimum" });
  });

  it("names the ingredients a refused order lacks", () => {
    const problem = toProblem(
      {
        type: "https://ocpizza.fr/problems/conflict",
        status: 409,
        detail: "not enough stock",
        extra: { missing_ingredients: [{ ingredient_id: "i", name: "Mozzarella", unit: "g", needed: 240, available: 100 }] },
      },
      409,
    );
    expect(missingIngredients(problem)).toEqual(["Mozzarella"]);
    expect(missingIngredients(toProblem({ status: 409 }, 409))).toEqual([]);
  });

  it("makes a fresh idempotency key each time", () => {
    expect(newIdempotencyKey()).not.toBe(newIdempotencyKey());
  });
});
