import { Link } from "react-router-dom";
import { useI18n } from "../i18n";
import { useDocumentTitle } from "../ui/useDocumentTitle";

export function NotFoundPage() {
  const { t } = useI18n();
  useDocumentTitle(t("notFound.title"));
  return (
    <div className="page page--narrow">
      <div className="panel">
        <p className="big-number" aria-hidden="true">
          404
        </p>
        <h1>{t("notFound.title")}</h1>
        <p>{t("notFound.text")}</p>
        <Link className="button button--primary" to="/">
          {t("notFound.home")}
        </Link>
      </div>
    </div>
  );
}
