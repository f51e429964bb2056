// The cart, kept in the browser until the orders API prices it. A line is one product in one size
// with its customisations; adding the same product, size, extras and removals again only raises
// the quantity. Prices here are estimates from the menu; the server's quote is the authority.
import type { Menu, Product, ProductSize } from "../api/types";

/** Limits the server applies to an order (orders/pricing.rs); the quote will enforce them. */
export const MAX_QUANTITY = 50;
export const MAX_EXTRAS = 10;
export const MAX_LINES = 30;

export interface Topping {
  ingredientId: string;
  name: string;
}

export interface Extra extends Topping {
  priceCents: number;
}

export interface CartLine {
  /** Identity of the customisation: product, size, sorted extras and removals. */
  key: string;
  productId: string;
  productName: string;
  size: string;
  sizeLabel: string;
  /** Size price when added, in minor units; the estimate prefers the current menu's price. */
  sizePriceCents: number;
  extras: Extra[];
  removed: Topping[];
  quantity: number;
}

export interface Cart {
  shopId: string;
  currency: string;
  lines: CartLine[];
}

export type NewLine = Omit<CartLine, "key">;

export type CartAction =
  | { type: "add"; line: NewLine }
  | { type: "setQuantity"; key: string; quantity: number }
  | { type: "remove"; key: string }
  | { type: "clear" };

function byId(a: Topping, b: Topping) {
  return a.ingredientId.localeCompare(b.ingredientId);
}

export function lineKey(line: Pick<CartLine, "productId" | "size" | "extras" | "removed">): string {
  const extras = [...line.extras].sort(byId).map((e) => e.ingredientId);
  const removed = [...line.removed].sort(byId).map((r) => r.ingredientId);
  return `${line.productId}|${line.size}|+${extras.join(",")}|-${removed.join(",")}`;
}

function clampQuantity(quantity: number): number {
  if (!Number.isFinite(quantity)) return 1;
  return Math.min(MAX_QUANTITY, Math.max(1, Math.round(quantity)));
}

export function cartReducer(cart: Cart, action: CartAction): Cart {
  switch (action.type) {
    case "add": {
      const extras = [...action.line.extras].sort(byId);
      const removed = [...action.line.removed].sort(byId);
      const fields = { ...action.line, extras, removed, quantity: clampQuantity(action.line.quantity) };
      const line: CartLine = { ...fields, key: lineKey(fields) };
      const existing = cart.lines.find((l) => l.key === line.key);
      if (existing) {
        return {
          ...cart,
          lines: cart.lines.map((l) =>
            l.key === line.key ? { ...l, quantity: clampQuantity(l.quantity + line.quantity) } : l,
          ),
        };
      }
      if (cart.lines.length >= MAX_LINES) return cart;
      return { ...cart, lines: [...cart.lines, line] };
    }
    case "setQuantity":
      if (action.quantity <= 0) return cartReducer(cart, { type: "remove", key: action.key });
      return {
        ...cart,
        lines: cart.lines.map((l) => (l.key === action.key ? { ...l, quantity: clampQuantity(action.quantity) } : l)),
      };
    case "remove":
      return { ...cart, lines: cart.lines.filter((l) => l.key !== action.key) };
    case "clear":
      return { ...cart, lines: [] };
  }
}

export function emptyCart(shopId: string, currency = "EUR"): Cart {
  return { shopId, currency, lines: [] };
}

export function itemCount(cart: Cart): number {
  return cart.lines.reduce((n, l) => n + l.quantity, 0);
}

/** Why a line cannot be ordered as it is, judged against the shop's current menu. */
export type LineIssue = "gone" | "unavailable" | "extraUnavailable";

export interface LineEstimate {
  unitCents: number;
  totalCents: number;
  issue: LineIssue | null;
}

function findProduct(menu: Menu, productId: string): Product | undefined {
  for (const category of menu.categories) {
    const product = category.products.find((p) => p.id === productId);
    if (product) return product;
  }
  return undefined;
}

export function findSize(product: Product, code: string): ProductSize | undefined {
  return product.sizes.find((s) => s.code === code);
}

/** Price of one line: the menu's current prices when known, else what was seen when adding. */
export function estimateLine(line: CartLine, menu?: Menu | null): LineEstimate {
  let sizeCents = line.sizePriceCents;
  let extraCents = line.extras.reduce((sum, e) => sum + e.priceCents, 0);
  let issue: LineIssue | null = null;
  if (menu) {
    const product = findProduct(menu, line.productId);
    const size = product && findSize(product, line.size);
    if (!product || !size) {
      issue = "gone";
    } else {
      sizeCents = size.price_cents;
      if (product.available === false || size.available === false) issue = "unavailable";
      extraCents = 0;
      for (const extra of line.extras) {
        const current = menu.extras.find((x) => x.ingredient_id === extra.ingredientId);
        extraCents += current ? current.price_cents : extra.priceCents;
        if (!current || !current.available) issue ??= "extraUnavailable";
      }
    }
  }
  const unitCents = sizeCents + extraCents;
  return { unitCents, totalCents: unitCents * line.quantity, issue };
}

export function estimateSubtotal(cart: Cart, menu?: Menu | null): number {
  return cart.lines.reduce((sum, line) => sum + estimateLine(line, menu).totalCents, 0);
}

/** Reads a stored cart defensively: anything malformed gives an empty cart. */
export function parseStoredCart(raw: string | null, shopId: string): Cart {
  if (!raw) return emptyCart(shopId);
  try {
    const value = JSON.parse(raw) as Partial<Cart>;
    if (value.shopId !== shopId || !Array.isArray(value.lines)) return emptyCart(shopId);
    const lines = value.lines.filter(
      (l): l is CartLine =>
        typeof l === "object" &&
        l !== null &&
        typeof l.productId === "string" &&
        typeof l.size === "string" &&
        typeof l.quantity === "number" &&
        Array.isArray(l.extras) &&
        Array.isArray(l.removed),
    );
    const cart = emptyCart(shopId, typeof value.currency === "string" ? value.currency : "EUR");
    return lines.reduce((c, line) => cartReducer(c, { type: "add", line }), cart);
  } catch {
    return emptyCart(shopId);
  }
}
