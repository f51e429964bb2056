// The one way a form sends something to the API: `busy` while it runs (the button says "please
// wait" and cannot be clicked again), the problem of the last failed attempt for FormError and
// the fields, and the next attempt clearing it. A second submit while one runs is ignored, and
// nothing is set after the component is gone (the action often navigates away).
import { useCallback, useEffect, useRef, useState } from "react";
import { problemOf, type ProblemSummary } from "../api/problem";

export interface SubmitOptions {
  /**
   * The action ends by leaving the form (navigation, the form closing): on success stay busy, so
   * nothing can be sent twice in the moment before it goes.
   */
  leaves?: boolean;
}

export interface Submit {
  busy: boolean;
  problem: ProblemSummary | null;
  /** Runs `action`; resolves to its result, or to undefined when it failed or was not run. */
  submit: <T>(action: () => Promise<T>, options?: SubmitOptions) => Promise<T | undefined>;
  /** Shows a problem found before asking the server (a field left incomplete). */
  fail: (problem: ProblemSummary) => void;
  /** Forgets the last problem. */
  reset: () => void;
}

export function useSubmit(): Submit {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ProblemSummary | null>(null);
  const running = useRef(false);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const submit = useCallback(async <T>(action: () => Promise<T>, options: SubmitOptions = {}) => {
    if (running.current) return undefined;
    running.current = true;
    setBusy(true);
    setProblem(null);
    let succeeded = false;
    try {
      const result = await action();
      succeeded = true;
      return result;
    } catch (error) {
      if (mounted.current) setProblem(problemOf(error));
      return undefined;
    } finally {
      if (!(succeeded && options.leaves)) {
        running.current = false;
        if (mounted.current) setBusy(false);
      }
    }
  }, []);

  const fail = useCallback((next: ProblemSummary) => setProblem(next), []);
  const reset = useCallback(() => setProblem(null), []);

  return { busy, problem, submit, fail, reset };
}
