// An address as typed in the address form, and what the API takes: a delivery address for an
// order, or a saved address (with its name) for the customer's address book.
import type { Address, AddressInput, DeliveryAddress } from "../api/types";

export const EMPTY_ADDRESS = { label: "", line1: "", line2: "", postal_code: "", city: "", instructions: "" };
export type AddressDraft = typeof EMPTY_ADDRESS;

/** The draft of an address already given (an order's), for editing. */
export function draftOf(address: DeliveryAddress | null | undefined): AddressDraft {
  if (!address) return EMPTY_ADDRESS;
  return {
    label: "",
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

/** A saved address as typed; the server checks it and names each bad field. */
export function toAddressInput(draft: AddressDraft, defaultLabel: string): AddressInput {
  const optional = (value: string) => value.trim() || null;
  return {
    label: draft.label.trim() || defaultLabel,
    line1: draft.line1.trim(),
    line2: optional(draft.line2),
    postal_code: draft.postal_code.trim(),
    city: draft.city.trim(),
    instructions: optional(draft.instructions),
  };
}
