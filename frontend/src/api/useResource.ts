// Loads something from the API for a component, with the three states every page shows
// (loading, failed with a retry, ready). A new `key` reloads; `retry()` loads the same key again.
import { useCallback, useEffect, useEffectEvent, useState } from "react";
import { problemOf, type ProblemSummary } from "./problem";

export type Resource<T> =
  | { status: "loading"; data?: undefined; problem?: undefined; retry: () => void }
  | { status: "error"; data?: undefined; problem: ProblemSummary; retry: () => void }
  | { status: "ready"; data: T; problem?: undefined; retry: () => void; replace: (data: T) => void };

type Settled<T> = { id: string; ok: true; data: T } | { id: string; ok: false; problem: ProblemSummary };

/**
 * `key` names what is loaded (null: nothing yet); `load` fetches it and may throw an ApiError.
 * Answers that arrive for an older key are dropped.
 */
export function useResource<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Resource<T> {
  const [attempt, setAttempt] = useState(0);
  const [settled, setSettled] = useState<Settled<T> | null>(null);
  const id = `${attempt}:${key}`;
  const run = useEffectEvent((signal: AbortSignal) => load(signal));

  useEffect(() => {
    if (key === null) return undefined;
    const controller = new AbortController();
    run(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setSettled({ id, ok: true, data });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setSettled({ id, ok: false, problem: problemOf(error) });
      },
    );
    return () => controller.abort();
  }, [id, key]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  const replace = useCallback((data: T) => setSettled({ id, ok: true, data }), [id]);

  if (key === null || settled === null || settled.id !== id) return { status: "loading", retry };
  if (!settled.ok) return { status: "error", problem: settled.problem, retry };
  return { status: "ready", data: settled.data, retry, replace };
}
