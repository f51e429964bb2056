// The customer's saved delivery addresses (GET, POST /me/addresses, DELETE /me/addresses/{id}),
// shown in the account page and offered at checkout.
import { api, call } from "../api/client";
import type { AddressInput } from "../api/types";
import { useResource } from "../api/useResource";

export function useSavedAddresses() {
  return useResource("addresses", async (signal) => (await call(api.GET("/api/v1/me/addresses", { signal }))).items);
}

export function saveAddress(address: AddressInput) {
  return call(api.POST("/api/v1/me/addresses", { body: address }));
}

export function deleteAddress(addressId: string) {
  return call(api.DELETE("/api/v1/me/addresses/{address_id}", { params: { path: { address_id: addressId } } }));
}
