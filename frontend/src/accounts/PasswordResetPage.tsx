// Forgotten password: ask for a link (POST /auth/password-reset), then set a new password with
// the code it carries (POST /auth/password-reset/confirm). The e-mailed link opens
// /reset-password?token=… which lands directly on the second step.
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useI18n } from "../i18n";
import { Field } from "../ui/Field";
import { FormError } from "../ui/FormError";
import { fieldMessages } from "../ui/problemText";
import { useDocumentTitle } from "../ui/useDocumentTitle";
import { useSubmit } from "../ui/useSubmit";
import { confirmPasswordReset, requestPasswordReset } from "./api";

export function PasswordResetPage() {
  const { t } = useI18n();
  useDocumentTitle(t("reset.title"));
  const [params] = useSearchParams();
  const linkToken = params.get("token");
  const [step, setStep] = useState<"request" | "sent" | "confirm" | "done">(linkToken ? "confirm" : "request");
  const [email, setEmail] = useState("");
  const [token, setToken] = useState(linkToken ?? "");
  const [password, setPassword] = useState("");
  const { busy, problem, submit } = useSubmit();

  function request(event: FormEvent) {
    event.preventDefault();
    void submit(async () => {
      await requestPasswordReset(email.trim());
      setStep("sent");
    });
  }

  function confirm(event: FormEvent) {
    event.preventDefault();
    void submit(async () => {
      await confirmPasswordReset(token.trim(), password);
      setStep("done");
    });
  }

  const errors = fieldMessages(t, problem);
  return (
    <div className="page page--narrow">
      <div className="card form-card">
        <h1>{t("reset.title")}</h1>
        {step === "request" && (
          <form onSubmit={request} noValidate>
            <p>{t("reset.requestIntro")}</p>
            <FormError problem={problem} />
            <Field
              label={t("field.label.email")}
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              error={errors.email}
            />
            <button type="submit" className="button button--primary button--wide" disabled={busy}>
              {busy ? t("common.pleaseWait") : t("reset.requestSubmit")}
            </button>
            <p>
              <button type="button" className="link-button" onClick={() => setStep("confirm")}>
                {t("reset.haveCode")}
              </button>
            </p>
          </form>
        )}
        {step === "sent" && (
          <div role="status">
            <p>{t("reset.sent")}</p>
            <button type="button" className="button" onClick={() => setStep("confirm")}>
              {t("reset.enterCode")}
            </button>
          </div>
        )}
        {step === "confirm" && (
          <form onSubmit={confirm} noValidate>
            <p>{t("reset.confirmIntro")}</p>
            <FormError problem={problem} />
            <Field
              label={t("field.label.token")}
              autoComplete="one-time-code"
              required
              value={token}
              onChange={(e) => setToken(e.target.value)}
              error={errors.token}
            />
            <Field
              label={t("field.label.newPassword")}
              type="password"
              autoComplete="new-password"
              required
              minLength={10}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              hint={t("field.hint.password")}
              error={errors.password}
            />
            <button type="submit" className="button button--primary button--wide" disabled={busy}>
              {busy ? t("common.pleaseWait") : t("reset.confirmSubmit")}
            </button>
          </form>
        )}
        {step === "done" && (
          <div role="status">
            <p>{t("reset.done")}</p>
            <Link className="button button--primary" to="/login">
              {t("login.title")}
            </Link>
          </div>
        )}
        {step !== "done" && (
          <p>
            <Link to="/login">{t("reset.backToLogin")}</Link>
          </p>
        )}
      </div>
    </div>
  );
}
