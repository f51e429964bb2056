// The shop the customer orders from, remembered across visits. The menu page sets it; the header,
// the cart and the home page read it.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";

const STORAGE_KEY = "ocpizza.shop_id";

interface ChosenShop {
  shopId: string | null;
  chooseShop: (shopId: string | null) => void;
}

const ChosenShopContext = createContext<ChosenShop | null>(null);

function stored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function ChosenShopProvider({ children }: { children: ReactNode }) {
  const [shopId, setShopId] = useState<string | null>(stored);
  const chooseShop = useCallback((next: string | null) => {
    setShopId(next);
    try {
      if (next) localStorage.setItem(STORAGE_KEY, next);
      else localStorage.removeItem(STORAGE_KEY);
    } catch {
      // not remembered, still chosen for this visit
    }
  }, []);
  const value = useMemo(() => ({ shopId, chooseShop }), [shopId, chooseShop]);
  return <ChosenShopContext.Provider value={value}>{children}</ChosenShopContext.Provider>;
}

export function useChosenShop(): ChosenShop {
  const value = useContext(ChosenShopContext);
  if (!value) throw new Error("useChosenShop outside ChosenShopProvider");
  return value;
}
