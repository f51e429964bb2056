// Logging in, then back where the user was going, else to their screen: the account page for a
// customer, the kitchen, counter or deliveries for staff (known once the profile is loaded).
import { useState, type FormEvent } from "react";
import { Link, Navigate, useLocation } from "react-router-dom";
import { useI18n } from "../i18n";
import { Field } from "../ui/Field";
import { FormError } from "../ui/FormError";
import { fieldMessages } from "../ui/problemText";
import { useDocumentTitle } from "../ui/useDocumentTitle";
import { useSubmit } from "../ui/useSubmit";
import { useAuth } from "./AuthContext";
import { landingPath, type Role } from "./roles";

export function returnPath(state: unknown, role?: Role): string {
  const from = (state as { from?: unknown } | null)?.from;
  if (typeof from === "string" && from.startsWith("/") && !from.startsWith("//")) return from;
  return role ? landingPath(role) : "/account";
}

export function LoginPage() {
  const { t } = useI18n();
  useDocumentTitle(t("login.title"));
  const { login, state } = useAuth();
  const location = useLocation();
  // Set once logged in: the page then waits for the profile, which says where to go.
  const [loggedIn, setLoggedIn] = useState(false);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { busy, problem, submit: send } = useSubmit();

  if (state.status === "authenticated" && (!busy || loggedIn))
    return <Navigate to={returnPath(location.state, state.user.role)} replace />;

  function submit(event: FormEvent) {
    event.preventDefault();
    void send(
      async () => {
        await login(email.trim(), password);
        setLoggedIn(true);
      },
      { leaves: true },
    );
  }

  const errors = fieldMessages(t, problem);
  return (
    <div className="page page--narrow">
      <div className="card form-card">
        <h1>{t("login.title")}</h1>
        {state.status === "anonymous" && state.expired && <p className="notice">{t("login.sessionExpired")}</p>}
        <form onSubmit={submit} noValidate>
          <FormError problem={problem} overrides={{ 401: "login.wrongCredentials" }} />
          <Field
            label={t("field.label.email")}
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={errors.email}
          />
          <Field
            label={t("field.label.password")}
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={errors.password}
          />
          <button type="submit" className="button button--primary button--wide" disabled={busy}>
            {busy ? t("common.pleaseWait") : t("login.submit")}
          </button>
        </form>
        <p>
          <Link to="/forgot-password">{t("login.forgot")}</Link>
        </p>
        <p>
          {t("login.noAccount")}{" "}
          <Link to="/register" state={location.state}>
            {t("login.createAccount")}
          </Link>
        </p>
      </div>
    </div>
  );
}
