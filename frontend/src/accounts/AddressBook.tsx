// The customer's saved delivery addresses: the list, deleting one, adding one with the address
// form shared with checkout.
import { useState, type FormEvent } from "react";
import { AddressFields } from "../addresses/AddressFields";
import { EMPTY_ADDRESS, toAddressInput, type AddressDraft } from "../addresses/address";
import { deleteAddress, saveAddress, useSavedAddresses } from "../addresses/api";
import { problemOf } from "../api/problem";
import type { Address } from "../api/types";
import { useI18n } from "../i18n";
import { FormError } from "../ui/FormError";
import { ErrorPanel, Loading } from "../ui/LoadState";
import { fieldMessages } from "../ui/problemText";
import { useSubmit } from "../ui/useSubmit";

export function AddressBook() {
  const { t } = useI18n();
  const addresses = useSavedAddresses();
  const [adding, setAdding] = useState(false);

  return (
    <section className="card" aria-labelledby="addresses-title">
      <div className="page-heading">
        <h2 id="addresses-title">{t("account.addresses")}</h2>
        {!adding && addresses.status === "ready" && (
          <button type="button" className="button button--small" onClick={() => setAdding(true)}>
            {t("account.addAddress")}
          </button>
        )}
      </div>
      {addresses.status === "loading" && <Loading />}
      {addresses.status === "error" && <ErrorPanel problem={addresses.problem} onRetry={addresses.retry} />}
      {addresses.status === "ready" && (
        <>
          {addresses.data.length === 0 && !adding && <p className="muted">{t("account.noAddress")}</p>}
          <ul className="address-list">
            {addresses.data.map((address) => (
              <AddressItem
                key={address.id}
                address={address}
                onDeleted={() => addresses.replace(addresses.data.filter((a) => a.id !== address.id))}
              />
            ))}
          </ul>
          {adding && (
            <NewAddressForm
              onCancel={() => setAdding(false)}
              onSaved={(address) => {
                addresses.replace([...addresses.data, address]);
                setAdding(false);
              }}
            />
          )}
        </>
      )}
    </section>
  );
}

function AddressItem({ address, onDeleted }: { address: Address; onDeleted: () => void }) {
  const { t } = useI18n();
  const { busy, problem, submit } = useSubmit();

  function remove() {
    if (!window.confirm(t("account.deleteAddressConfirm", { label: address.label }))) return;
    void submit(
      async () => {
        try {
          await deleteAddress(address.id);
        } catch (error) {
          // Already gone (another tab): gone all the same.
          if (problemOf(error).status !== 404) throw error;
        }
        onDeleted();
      },
      { leaves: true },
    );
  }

  return (
    <li className="address">
      <div>
        <strong>{address.label}</strong>
        <p>
          {address.line1}
          {address.line2 && (
            <>
              <br />
              {address.line2}
            </>
          )}
          <br />
          {address.postal_code} {address.city}
        </p>
        {address.instructions && <p className="muted small">{address.instructions}</p>}
        <FormError problem={problem} />
      </div>
      <button type="button" className="link-button" onClick={remove} disabled={busy}>
        {t("common.delete")}
        <span className="visually-hidden"> {address.label}</span>
      </button>
    </li>
  );
}

function NewAddressForm({ onSaved, onCancel }: { onSaved: (address: Address) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<AddressDraft>(EMPTY_ADDRESS);
  const { busy, problem, submit } = useSubmit();

  function save(event: FormEvent) {
    event.preventDefault();
    void submit(
      async () => onSaved(await saveAddress(toAddressInput(draft, t("account.defaultAddressLabel")))),
      { leaves: true },
    );
  }

  return (
    <form className="address-form" onSubmit={save} noValidate aria-labelledby="address-form-title">
      <h3 id="address-form-title" className="subheading">
        {t("account.newAddress")}
      </h3>
      <FormError problem={problem} />
      <AddressFields draft={draft} setDraft={setDraft} errors={fieldMessages(t, problem)} named />
      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? t("common.pleaseWait") : t("common.save")}
        </button>
        <button type="button" className="button button--ghost" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}
