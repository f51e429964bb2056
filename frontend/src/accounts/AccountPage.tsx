// My account: profile (name, phone), saved delivery addresses, logout and account deletion.
import { useNavigate } from "react-router-dom";
import { useI18n } from "../i18n";
import { useDocumentTitle } from "../ui/useDocumentTitle";
import { AddressBook } from "./AddressBook";
import { useAuth } from "./AuthContext";
import { DeleteAccount } from "./DeleteAccount";
import { ProfileForm } from "./ProfileForm";

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
      <ProfileForm user={user} />
      <AddressBook />
      <DeleteAccount />
    </div>
  );
}
