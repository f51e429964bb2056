// The chosen shop's cart, saved in localStorage under that shop (each shop keeps its own cart).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { useChosenShop } from "../shops/chosenShop";
import { cartReducer, emptyCart, itemCount, parseStoredCart, type Cart, type CartAction } from "./cart";

const storageKey = (shopId: string) => `ocpizza.cart.${shopId}`;

function load(shopId: string | null): Cart | null {
  if (!shopId) return null;
  try {
    return parseStoredCart(localStorage.getItem(storageKey(shopId)), shopId);
  } catch {
    return emptyCart(shopId);
  }
}

interface CartState {
  /** Null until a shop is chosen. */
  cart: Cart | null;
  count: number;
  dispatch: (action: CartAction) => void;
  setCurrency: (currency: string) => void;
}

const CartContext = createContext<CartState | null>(null);

export function CartProvider({ children }: { children: ReactNode }) {
  const { shopId } = useChosenShop();
  // The cart is held with the shop it belongs to, so a change of shop shows that shop's cart.
  const [state, setState] = useState<{ shopId: string | null; cart: Cart | null }>(() => ({
    shopId,
    cart: load(shopId),
  }));
  const cart = state.shopId === shopId ? state.cart : load(shopId);
  if (state.shopId !== shopId) setState({ shopId, cart });

  useEffect(() => {
    if (!cart) return;
    try {
      if (cart.lines.length) localStorage.setItem(storageKey(cart.shopId), JSON.stringify(cart));
      else localStorage.removeItem(storageKey(cart.shopId));
    } catch {
      // storage unavailable: the cart lasts as long as the page
    }
  }, [cart]);

  // Another tab changed this shop's cart.
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (!shopId || event.key !== storageKey(shopId)) return;
      setState({ shopId, cart: parseStoredCart(event.newValue, shopId) });
    };
    window.addEventListener("storage", onStorage);
    return () => window.removeEventListener("storage", onStorage);
  }, [shopId]);

  const dispatch = useCallback((action: CartAction) => {
    setState((s) => (s.cart ? { ...s, cart: cartReducer(s.cart, action) } : s));
  }, []);
  const setCurrency = useCallback((currency: string) => {
    setState((s) => (s.cart && s.cart.currency !== currency ? { ...s, cart: { ...s.cart, currency } } : s));
  }, []);

  const value = useMemo(
    () => ({ cart, count: cart ? itemCount(cart) : 0, dispatch, setCurrency }),
    [cart, dispatch, setCurrency],
  );
  return <CartContext.Provider value={value}>{children}</CartContext.Provider>;
}

export function useCart(): CartState {
  const value = useContext(CartContext);
  if (!value) throw new Error("useCart outside CartProvider");
  return value;
}
