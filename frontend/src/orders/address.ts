// A delivery address as typed in a form, and what the orders API takes.
import { useEffect, useState } from "react";
import type { Address, DeliveryAddress } from "../api/types";

export const EMPTY_ADDRESS = { line1: "", line2: "", postal_code: "", city: "", instructions: "" };
export type AddressDraft = typeof EMPTY_ADDRESS;

/** The draft of an address already given (an order's), for editing. */
export function draftOf(address: DeliveryAddress | null | undefined): AddressDraft {
  if (!address) return EMPTY_ADDRESS;
  return {
    line1: address.line1,
    line2: address.line2 ?? "",
    postal_code: address.postal_code,
    city: address.city,
    instructions: address.instructions ?? "",
  };
}

/** Null while a required part is missing or the postal code is not five digits. */
export function toDeliveryAddress(draft: AddressDraft | Address): DeliveryAddress | null {
  const line1 = draft.line1.trim();
  const postal = draft.postal_code.trim();
  const city = draft.city.trim();
  if (!line1 || !/^\d{5}$/.test(postal) || !city) return null;
  return {
    line1,
    line2: draft.line2?.trim() || null,
    postal_code: postal,
    city,
    instructions: draft.instructions?.trim() || null,
  };
}

export function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}
