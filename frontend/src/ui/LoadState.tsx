// What a page shows while its data comes, or when it could not come: never a blank screen.
import type { ReactNode } from "react";
import type { ProblemSummary } from "../api/problem";
import { useI18n, type MessageKey } from "../i18n";
import { problemDetail } from "./problemText";

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t("common.loading")}</span>
    </div>
  );
}

export function ErrorPanel({
  problem,
  onRetry,
  title,
  overrides,
  children,
}: {
  problem: ProblemSummary;
  onRetry?: () => void;
  title?: string;
  overrides?: Partial<Record<number, MessageKey>>;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const network = problem.status === 0;
  return (
    <div className="panel panel--error" role="alert">
      <h2 className="panel__title">{title ?? (network ? t("error.networkTitle") : t("error.title"))}</h2>
      <p>{problemDetail(t, problem, overrides)}</p>
      {children}
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          {t("common.retry")}
        </button>
      )}
    </div>
  );
}
