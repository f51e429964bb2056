// French or English, for every frame (the customer's header and the staff's).
import { LOCALES, useI18n, type Locale } from "../i18n";

export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  const names: Record<Locale, string> = { fr: "Français", en: "English" };
  return (
    <div className="lang-switch" role="group" aria-label={t("nav.language")}>
      {LOCALES.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          aria-pressed={locale === l}
          className={locale === l ? "is-active" : undefined}
          onClick={() => setLocale(l)}
          title={names[l]}
        >
          <span aria-hidden="true">{l.toUpperCase()}</span>
          <span className="visually-hidden">{names[l]}</span>
        </button>
      ))}
    </div>
  );
}
