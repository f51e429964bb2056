// Who works here: the staff member, their role and the shop they work in (an admin, who belongs
// to no shop, picks one; the choice is remembered on the device).
import { createContext, useContext } from "react";
import type { Role } from "../accounts/roles";
import type { Shop, User } from "../api/types";

export interface StaffSession {
  user: User;
  role: Role;
  shop: Shop;
}

export const StaffContext = createContext<StaffSession | null>(null);

export function useStaff(): StaffSession {
  const value = useContext(StaffContext);
  if (!value) throw new Error("useStaff outside the staff frame");
  return value;
}

const ADMIN_SHOP_KEY = "ocpizza.staff.shop";

export function rememberedShop(): string | null {
  try {
    return localStorage.getItem(ADMIN_SHOP_KEY);
  } catch {
    return null;
  }
}

export function rememberShop(shopId: string) {
  try {
    localStorage.setItem(ADMIN_SHOP_KEY, shopId);
  } catch {
    // not remembered on this device
  }
}
