// My account: profile (name, phone), saved delivery addresses, logout and account deletion.
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { api, call } from "../api/client";
import { problemOf, type ProblemSummary } from "../api/problem";
import type { Address, User } from "../api/types";
import { useResource } from "../api/useResource";
import { useDocumentTitle } from "../ui/useDocumentTitle";
import { useI18n } from "../i18n";
import { Dialog } from "../ui/Dialog";
import { Field } from "../ui/Field";
import { FormError } from "../ui/FormError";
import { ErrorPanel, Loading } from "../ui/LoadState";
import { fieldMessages } from "../ui/problemText";
import { useToast } from "../ui/Toast";
import { useAuth } from "./AuthContext";

export function AccountPage() {
  const { t } = useI18n();
  useDocumentTitle(t("account.title"));
  const { user, logout } = useAuth();
  const navigate = useNavigate();
  if (!user) return null;
  return (
    <div className="page page--narrow">
      <div className="page-heading">
        <h1>{t("account.title")}</h1>
        <button
          type="button"
          className="button button--ghost"
          onClick={() => {
            void logout().then(() => navigate("/"));
          }}
        >
          {t("nav.logout")}
        </button>
      </div>
      <ProfileSection user={user} />
      <AddressesSection />
      <DeleteAccountSection />
    </div>
  );
}

function ProfileSection({ user }: { user: User }) {
  const { t } = useI18n();
  const { setUser } = useAuth();
  const toast = useToast();
  const [fullName, setFullName] = useState(user.full_name);
  const [phone, setPhone] = useState(user.phone ?? "");
  const [problem, setProblem] = useState<ProblemSummary | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      // An empty phone removes it (API convention).
      const updated = await call(api.PATCH("/api/v1/me", { body: { full_name: fullName.trim(), phone: phone.trim() } }));
      setUser(updated);
      toast(t("account.profileSaved"));
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  }

  const errors = fieldMessages(t, problem);
  return (
    <section className="card" aria-labelledby="profile-title">
      <h2 id="profile-title">{t("account.profile")}</h2>
      <p className="muted">
        {t("field.label.email")} : <strong>{user.email}</strong>
      </p>
      <form onSubmit={submit} noValidate>
        <FormError problem={problem} />
        <div className="form-row">
          <Field
            label={t("field.label.full_name")}
            autoComplete="name"
            required
            value={fullName}
            onChange={(e) => setFullName(e.target.value)}
            error={errors.full_name}
          />
          <Field
            label={t("field.label.phoneOptional")}
            type="tel"
            autoComplete="tel"
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
            error={errors.phone}
          />
        </div>
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? t("common.pleaseWait") : t("common.save")}
        </button>
      </form>
    </section>
  );
}

const EMPTY_ADDRESS = { label: "", line1: "", line2: "", postal_code: "", city: "", instructions: "" };

function AddressesSection() {
  const { t } = useI18n();
  const addresses = useResource("addresses", async (signal) => (await call(api.GET("/api/v1/me/addresses", { signal }))).items);
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
            <AddressForm
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
  const [problem, setProblem] = useState<ProblemSummary | null>(null);
  const [busy, setBusy] = useState(false);
  async function remove() {
    if (!window.confirm(t("account.deleteAddressConfirm", { label: address.label }))) return;
    setBusy(true);
    setProblem(null);
    try {
      await call(api.DELETE("/api/v1/me/addresses/{address_id}", { params: { path: { address_id: address.id } } }));
      onDeleted();
    } catch (error) {
      const p = problemOf(error);
      if (p.status === 404) onDeleted();
      else setProblem(p);
      setBusy(false);
    }
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

function AddressForm({ onSaved, onCancel }: { onSaved: (address: Address) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState(EMPTY_ADDRESS);
  const [problem, setProblem] = useState<ProblemSummary | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (name: keyof typeof EMPTY_ADDRESS) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [name]: e.target.value }));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    const optional = (value: string) => value.trim() || null;
    try {
      const address = await call(
        api.POST("/api/v1/me/addresses", {
          body: {
            label: form.label.trim() || t("account.defaultAddressLabel"),
            line1: form.line1.trim(),
            line2: optional(form.line2),
            postal_code: form.postal_code.trim(),
            city: form.city.trim(),
            instructions: optional(form.instructions),
          },
        }),
      );
      onSaved(address);
    } catch (error) {
      setProblem(problemOf(error));
      setBusy(false);
    }
  }

  const errors = fieldMessages(t, problem);
  return (
    <form className="address-form" onSubmit={submit} noValidate aria-labelledby="address-form-title">
      <h3 id="address-form-title" className="subheading">
        {t("account.newAddress")}
      </h3>
      <FormError problem={problem} />
      <Field
        label={t("field.label.label")}
        placeholder={t("account.defaultAddressLabel")}
        value={form.label}
        onChange={set("label")}
        error={errors.label}
      />
      <Field
        label={t("field.label.line1")}
        autoComplete="address-line1"
        required
        value={form.line1}
        onChange={set("line1")}
        error={errors.line1}
      />
      <Field
        label={t("field.label.line2")}
        autoComplete="address-line2"
        value={form.line2}
        onChange={set("line2")}
        error={errors.line2}
      />
      <div className="form-row">
        <Field
          label={t("field.label.postal_code")}
          autoComplete="postal-code"
          inputMode="numeric"
          required
          value={form.postal_code}
          onChange={set("postal_code")}
          error={errors.postal_code}
        />
        <Field
          label={t("field.label.city")}
          autoComplete="address-level2"
          required
          value={form.city}
          onChange={set("city")}
          error={errors.city}
        />
      </div>
      <Field
        label={t("field.label.instructions")}
        hint={t("field.hint.instructions")}
        value={form.instructions}
        onChange={set("instructions")}
        error={errors.instructions}
      />
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

function DeleteAccountSection() {
  const { t } = useI18n();
  const { forget } = useAuth();
  const navigate = useNavigate();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<ProblemSummary | null>(null);
  const [busy, setBusy] = useState(false);

  async function remove() {
    setBusy(true);
    setProblem(null);
    try {
      await call(api.DELETE("/api/v1/me"));
      forget();
      toast(t("account.deleted"));
      navigate("/", { replace: true });
    } catch (error) {
      setProblem(problemOf(error));
      setBusy(false);
    }
  }

  return (
    <section className="card card--danger" aria-labelledby="delete-title">
      <h2 id="delete-title">{t("account.deleteTitle")}</h2>
      <p>{t("account.deleteText")}</p>
      <button type="button" className="button button--danger" onClick={() => setConfirming(true)}>
        {t("account.deleteButton")}
      </button>
      {confirming && (
        <Dialog
          title={t("account.deleteConfirmTitle")}
          onClose={() => setConfirming(false)}
          footer={
            <>
              <button type="button" className="button button--ghost" onClick={() => setConfirming(false)} autoFocus>
                {t("common.cancel")}
              </button>
              <button type="button" className="button button--danger" onClick={remove} disabled={busy}>
                {busy ? t("common.pleaseWait") : t("account.deleteConfirm")}
              </button>
            </>
          }
        >
          <p>{t("account.deleteConfirmText")}</p>
          <FormError problem={problem} overrides={{ 403: "account.deleteForbidden" }} />
        </Dialog>
      )}
    </section>
  );
}
