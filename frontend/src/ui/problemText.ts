// Words for API problems in the UI's language. The API's own messages are English and meant for
// developers; a known status or field code gets our translated sentence, anything else falls back
// to the server's text.
import { isMessageKey, type I18n, type MessageKey } from "../i18n";
import type { ProblemSummary } from "../api/problem";

/** A sentence for the whole failed request. `overrides` let a page word a status its own way. */
export function problemDetail(
  t: I18n["t"],
  problem: ProblemSummary,
  overrides: Partial<Record<number, MessageKey>> = {},
): string {
  const own = overrides[problem.status];
  if (own) return t(own);
  if (problem.status === 0) return t("error.network");
  if (problem.status === 404) return t("error.notFound");
  if (problem.status === 401) return t("error.unauthorized");
  if (problem.status === 403) return t("error.forbidden");
  if (problem.status === 423) return t("error.locked");
  if (problem.status === 429) return t("error.tooMany");
  if (problem.status === 422 && Object.keys(problem.fieldErrors).length > 0) return t("error.validation");
  if (problem.status >= 500) return t("error.server");
  return problem.detail || t("error.unknown");
}

/** One translated message per bad field. */
export function fieldMessages(t: I18n["t"], problem: ProblemSummary | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!problem) return out;
  for (const [field, message] of Object.entries(problem.fieldErrors)) {
    const code = problem.fieldCodes[field] ?? "invalid";
    const specific = `field.${field}.${code}`;
    const generic = `field.${code}`;
    out[field] = isMessageKey(specific) ? t(specific) : isMessageKey(generic) ? t(generic) : message;
  }
  return out;
}
