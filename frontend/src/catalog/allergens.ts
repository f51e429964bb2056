// Allergen codes from the API (EU regulation 1169/2011) in the UI's words.
import { isMessageKey, type I18n } from "../i18n";

export function allergenName(t: I18n["t"], code: string): string {
  const key = `allergen.${code}`;
  return isMessageKey(key) ? t(key) : code;
}
