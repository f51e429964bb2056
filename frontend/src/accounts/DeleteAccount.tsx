// Deleting the account, after a confirmation; the session ends with it.
import { useState } from "react";
import { useNavigate } from "react-router-dom";
import { useI18n } from "../i18n";
import { Dialog } from "../ui/Dialog";
import { FormError } from "../ui/FormError";
import { useToast } from "../ui/Toast";
import { useSubmit } from "../ui/useSubmit";
import { deleteAccount } from "./api";
import { useAuth } from "./AuthContext";

export function DeleteAccount() {
  const { t } = useI18n();
  const { forget } = useAuth();
  const navigate = useNavigate();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const { busy, problem, submit } = useSubmit();

  function remove() {
    void submit(
      async () => {
        await deleteAccount();
        forget();
        toast(t("account.deleted"), { carry: true });
        navigate("/", { replace: true });
      },
      { leaves: true },
    );
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
