// Where to deliver: one of the customer's saved addresses (those outside the shop's zone marked)
// or a new one typed in the shared address form.
import type { Dispatch, SetStateAction } from "react";
import { AddressFields } from "../addresses/AddressFields";
import type { AddressDraft } from "../addresses/address";
import type { Address, Shop } from "../api/types";
import type { Resource } from "../api/useResource";
import { useI18n } from "../i18n";
import { ErrorPanel, Loading } from "../ui/LoadState";

export function DeliveryAddressChoice({
  shop,
  addresses,
  choice,
  onChoose,
  draft,
  setDraft,
  error,
}: {
  shop: Shop;
  addresses: Resource<Address[]>;
  /** A saved address's id, "new", or null while the saved ones load. */
  choice: string | null;
  onChoose: (choice: string) => void;
  draft: AddressDraft;
  setDraft: Dispatch<SetStateAction<AddressDraft>>;
  error: string | undefined;
}) {
  const { t } = useI18n();
  const saved = addresses.status === "ready" ? addresses.data : [];
  return (
    <fieldset className="card choice-group">
      <legend>{t("checkout.address")}</legend>
      {addresses.status === "loading" && <Loading />}
      {addresses.status === "error" && <ErrorPanel problem={addresses.problem} onRetry={addresses.retry} />}
      {saved.map((a) => {
        const inZone = shop.delivery_postal_codes.includes(a.postal_code);
        return (
          <label key={a.id} className={`choice${inZone ? "" : " choice--off"}`}>
            <input type="radio" name="address" checked={choice === a.id} onChange={() => onChoose(a.id)} />
            <span className="choice__label">
              <strong>{a.label}</strong> — {a.line1}, {a.postal_code} {a.city}
              {!inZone && <span className="block small">{t("checkout.outsideZone")}</span>}
            </span>
          </label>
        );
      })}
      {addresses.status === "ready" && (
        <label className="choice">
          <input type="radio" name="address" checked={choice === "new"} onChange={() => onChoose("new")} />
          <span className="choice__label">{saved.length ? t("checkout.newAddress") : t("checkout.enterAddress")}</span>
        </label>
      )}
      {choice === "new" && (
        <div className="address-form">
          <AddressFields draft={draft} setDraft={setDraft} zone={shop.delivery_postal_codes} />
        </div>
      )}
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
