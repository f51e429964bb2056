// Creating a customer account; the server's field errors appear next to their fields.
import { useState, type FormEvent } from "react";
import { Link, Navigate, useLocation, useNavigate } from "react-router-dom";
import { useI18n } from "../i18n";
import { Field } from "../ui/Field";
import { FormError } from "../ui/FormError";
import { fieldMessages } from "../ui/problemText";
import { useDocumentTitle } from "../ui/useDocumentTitle";
import { useSubmit } from "../ui/useSubmit";
import { useAuth } from "./AuthContext";
import { returnPath } from "./LoginPage";

export function RegisterPage() {
  const { t } = useI18n();
  useDocumentTitle(t("register.title"));
  const { register, state } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const [form, setForm] = useState({ full_name: "", email: "", phone: "", password: "" });
  const { busy, problem, submit: send } = useSubmit();

  if (state.status === "authenticated" && !busy) return <Navigate to={returnPath(location.state)} replace />;

  const set = (name: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [name]: e.target.value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    void send(
      async () => {
        await register({
          full_name: form.full_name.trim(),
          email: form.email.trim(),
          phone: form.phone.trim() || null,
          password: form.password,
        });
        navigate(returnPath(location.state), { replace: true });
      },
      { leaves: true },
    );
  }

  const errors = fieldMessages(t, problem);
  return (
    <div className="page page--narrow">
      <div className="card form-card">
        <h1>{t("register.title")}</h1>
        <form onSubmit={submit} noValidate>
          <FormError problem={problem} />
          <Field
            label={t("field.label.full_name")}
            autoComplete="name"
            required
            value={form.full_name}
            onChange={set("full_name")}
            error={errors.full_name}
          />
          <Field
            label={t("field.label.email")}
            type="email"
            autoComplete="email"
            required
            value={form.email}
            onChange={set("email")}
            error={errors.email}
          />
          <Field
            label={t("field.label.phoneOptional")}
            type="tel"
            autoComplete="tel"
            value={form.phone}
            onChange={set("phone")}
            error={errors.phone}
          />
          <Field
            label={t("field.label.password")}
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            value={form.password}
            onChange={set("password")}
            hint={t("field.hint.password")}
            error={errors.password}
          />
          <button type="submit" className="button button--primary button--wide" disabled={busy}>
            {busy ? t("common.pleaseWait") : t("register.submit")}
          </button>
        </form>
        <p>
          {t("register.haveAccount")}{" "}
          <Link to="/login" state={location.state}>
            {t("register.login")}
          </Link>
        </p>
      </div>
    </div>
  );
}
