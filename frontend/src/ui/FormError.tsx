// The sentence above a form when its submission failed.
import type { ProblemSummary } from "../api/problem";
import { useI18n, type MessageKey } from "../i18n";
import { problemDetail } from "./problemText";

export function FormError({
  problem,
  overrides,
}: {
  problem: ProblemSummary | null;
  overrides?: Partial<Record<number, MessageKey>>;
}) {
  const { t } = useI18n();
  if (!problem) return null;
  return (
    <p className="form-error" role="alert">
      {problemDetail(t, problem, overrides)}
    </p>
  );
}
