// The account's profile: name and phone (the e-mail address is shown, not changed here).
import { useState, type FormEvent } from "react";
import type { User } from "../api/types";
import { useI18n } from "../i18n";
import { Field } from "../ui/Field";
import { FormError } from "../ui/FormError";
import { fieldMessages } from "../ui/problemText";
import { useToast } from "../ui/Toast";
import { useSubmit } from "../ui/useSubmit";
import { updateProfile } from "./api";
import { useAuth } from "./AuthContext";

export function ProfileForm({ user }: { user: User }) {
  const { t } = useI18n();
  const { setUser } = useAuth();
  const toast = useToast();
  const [fullName, setFullName] = useState(user.full_name);
  const [phone, setPhone] = useState(user.phone ?? "");
  const { busy, problem, submit } = useSubmit();

  function save(event: FormEvent) {
    event.preventDefault();
    void submit(async () => {
      // An empty phone removes it (API convention).
      const updated = await updateProfile({ full_name: fullName.trim(), phone: phone.trim() });
      setUser(updated);
      toast(t("account.profileSaved"));
    });
  }

  const errors = fieldMessages(t, problem);
  return (
    <section className="card" aria-labelledby="profile-title">
      <h2 id="profile-title">{t("account.profile")}</h2>
      <p className="muted">
        {t("field.label.email")} : <strong>{user.email}</strong>
      </p>
      <form onSubmit={save} noValidate>
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
