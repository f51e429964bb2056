// The UI's languages: French by default, English on request (remembered in localStorage). Every
// text comes from fr.ts / en.ts through `t`, prices through `price`.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { en } from "./en";
import { formatPrice } from "./format";
import { fr, type MessageKey } from "./fr";

export type { MessageKey } from "./fr";
export type Locale = "fr" | "en";
export const LOCALES: readonly Locale[] = ["fr", "en"];

const catalogs: Record<Locale, Record<MessageKey, string>> = { fr, en };
/** Intl locale used for numbers, prices and dates. */
const intlLocales: Record<Locale, string> = { fr: "fr-FR", en: "en-GB" };
const STORAGE_KEY = "ocpizza.locale";

export type Params = Record<string, string | number>;

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(fr, key);
}

/** Fills `{name}` placeholders. */
export function interpolate(text: string, params?: Params): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  return interpolate(catalogs[locale][key], params);
}

function storedLocale(): Locale {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === "fr" || stored === "en") return stored;
  } catch {
    // storage unavailable: default
  }
  return "fr";
}

export interface I18n {
  locale: Locale;
  intlLocale: string;
  setLocale: (locale: Locale) => void;
  t: (key: MessageKey, params?: Params) => string;
  /** Amount in minor units (cents) of `currency`, formatted for the locale. */
  price: (minorUnits: number, currency: string) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children, initialLocale }: { children: ReactNode; initialLocale?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(() => initialLocale ?? storedLocale());

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // not remembered, still applied
    }
  }, []);

  const value = useMemo<I18n>(() => {
    const intlLocale = intlLocales[locale];
    return {
      locale,
      intlLocale,
      setLocale,
      t: (key, params) => translate(locale, key, params),
      price: (minorUnits, currency) => formatPrice(minorUnits, currency, intlLocale),
    };
  }, [locale, setLocale]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n outside I18nProvider");
  return value;
}
