// Which screens each role works on: the shop floor's screens for staff, the customer pages for
// customers (managers and admins also keep the back office: orders, stock, team, the menu and the shop's statistics;
// admins alone the chain's shops). The login sends staff to their first screen instead of the customer account page.
import type { User } from "../api/types";

export type Role = User["role"];
export type StaffScreen = "kitchen" | "counter" | "deliveries" | "reports" | "stock" | "team" | "orders" | "menu" | "shops";

const SCREENS: Record<Role, readonly StaffScreen[]> = {
  customer: [],
  order_taker: ["counter"],
  pizzaiolo: ["kitchen"],
  delivery: ["deliveries"],
  manager: ["counter", "kitchen", "deliveries", "orders", "stock", "team", "menu", "reports"],
  admin: ["counter", "kitchen", "deliveries", "orders", "stock", "team", "menu", "reports", "shops"],
};

export function staffScreens(role: Role): readonly StaffScreen[] {
  return SCREENS[role];
}

export function isStaff(role: Role): boolean {
  return SCREENS[role].length > 0;
}

export function mayOpen(role: Role, screen: StaffScreen): boolean {
  return SCREENS[role].includes(screen);
}

/** Where a user goes after logging in when nothing else was asked for. */
export function landingPath(role: Role): string {
  const first = SCREENS[role][0];
  return first ? `/staff/${first}` : "/account";
}
