import { describe, expect, it } from "vitest";
import { menu } from "../test/fixtures";
import {
  cartReducer,
  emptyCart,
  estimateLine,
  estimateSubtotal,
  itemCount,
  MAX_QUANTITY,
  parseStoredCart,
  type Cart,
  type NewLine,
} from "./cart";

const margheritaMedium: NewLine = {
  productId: "p-margherita",
  productName: "Margherita",
  size: "medium",
  sizeLabel: "Moyenne (30 cm)",
  sizePriceCents: 1150,
  extras: [],
  removed: [],
  quantity: 1,
};
const mozza = { ingredientId: "i-mozza", name: "Mozzarella", priceCents: 150 };
const olives = { ingredientId: "i-olives", name: "Olives noires", priceCents: 100 };
const basil = { ingredientId: "i-basil", name: "Basilic frais" };

function add(cart: Cart, line: NewLine) {
  return cartReducer(cart, { type: "add", line });
}

describe("the cart", () => {
  it("adds a line", () => {
    const cart = add(emptyCart("shop-1"), margheritaMedium);
    expect(cart.lines).toHaveLength(1);
    expect(itemCount(cart)).toBe(1);
  });

  it("merges a product added again with the same size and customisations", () => {
    let cart = add(emptyCart("shop-1"), { ...margheritaMedium, extras: [mozza, olives], removed: [basil] });
    cart = add(cart, { ...margheritaMedium, extras: [olives, mozza], removed: [basil], quantity: 2 });
    expect(cart.lines).toHaveLength(1);
    expect(cart.lines[0]?.quantity).toBe(3);
  });

  it("keeps different sizes or customisations on separate lines", () => {
    let cart = add(emptyCart("shop-1"), margheritaMedium);
    cart = add(cart, { ...margheritaMedium, size: "small", sizeLabel: "Petite", sizePriceCents: 850 });
    cart = add(cart, { ...margheritaMedium, extras: [mozza] });
    cart = add(cart, { ...margheritaMedium, removed: [basil] });
    expect(cart.lines).toHaveLength(4);
    expect(new Set(cart.lines.map((l) => l.key)).size).toBe(4);
  });

  it("changes a quantity, clamps it, and removes the line at zero", () => {
    let cart = add(emptyCart("shop-1"), margheritaMedium);
    const key = cart.lines[0]!.key;
    cart = cartReducer(cart, { type: "setQuantity", key, quantity: 4 });
    expect(cart.lines[0]?.quantity).toBe(4);
    cart = cartReducer(cart, { type: "setQuantity", key, quantity: 999 });
    expect(cart.lines[0]?.quantity).toBe(MAX_QUANTITY);
    cart = cartReducer(cart, { type: "setQuantity", key, quantity: 0 });
    expect(cart.lines).toHaveLength(0);
  });

  it("never merges past the maximum quantity", () => {
    let cart = add(emptyCart("shop-1"), { ...margheritaMedium, quantity: 45 });
    cart = add(cart, { ...margheritaMedium, quantity: 10 });
    expect(cart.lines[0]?.quantity).toBe(MAX_QUANTITY);
  });

  it("removes a line and clears the cart", () => {
    let cart = add(emptyCart("shop-1"), margheritaMedium);
    cart = add(cart, { ...margheritaMedium, extras: [mozza] });
    cart = cartReducer(cart, { type: "remove", key: cart.lines[0]!.key });
    expect(cart.lines.map((l) => l.extras.length)).toEqual([1]);
    expect(cartReducer(cart, { type: "clear" }).lines).toEqual([]);
  });

  it("does not change the previous state (pure reducer)", () => {
    const before = add(emptyCart("shop-1"), margheritaMedium);
    const snapshot = JSON.stringify(before);
    cartReducer(before, { type: "add", line: margheritaMedium });
    cartReducer(before, { type: "setQuantity", key: before.lines[0]!.key, quantity: 3 });
    expect(JSON.stringify(before)).toBe(snapshot);
  });
});

describe("the estimated subtotal", () => {
  it("is size price plus extras, times quantity", () => {
    let cart = add(emptyCart("shop-1"), { ...margheritaMedium, extras: [mozza], quantity: 2 });
    cart = add(cart, { ...margheritaMedium, size: "small", sizeLabel: "Petite", sizePriceCents: 850 });
    expect(estimateSubtotal(cart)).toBe((1150 + 150) * 2 + 850);
  });

  it("prefers the menu's current prices and flags what cannot be ordered", () => {
    const stale = { ...margheritaMedium, sizePriceCents: 999, key: "k" };
    expect(estimateLine(stale, menu)).toEqual({ unitCents: 1150, totalCents: 1150, issue: null });
    expect(estimateLine({ ...stale, productId: "p-paysanne" }, menu).issue).toBe("unavailable");
    expect(estimateLine({ ...stale, productId: "p-gone" }, menu).issue).toBe("gone");
    const truffle = { ingredientId: "i-truffe", name: "Truffe", priceCents: 500 };
    expect(estimateLine({ ...stale, extras: [truffle] }, menu).issue).toBe("extraUnavailable");
  });
});

describe("the stored cart", () => {
  it("round-trips through JSON and ignores another shop's or broken data", () => {
    const cart = add(emptyCart("shop-1"), { ...margheritaMedium, extras: [mozza] });
    expect(parseStoredCart(JSON.stringify(cart), "shop-1")).toEqual(cart);
    expect(parseStoredCart(JSON.stringify(cart), "shop-2").lines).toEqual([]);
    expect(parseStoredCart("{not json", "shop-1").lines).toEqual([]);
    expect(parseStoredCart(JSON.stringify({ shopId: "shop-1", lines: [{ bogus: 1 }] }), "shop-1").lines).toEqual([]);
  });
});
