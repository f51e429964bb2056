// Turns what the API answers on failure (RFC 9457 problem+json, or anything else) into one shape
// the forms can show: a sentence for the whole request and one message per bad field.
import type { FieldError, Problem } from "./types";

export interface ProblemSummary {
  /** HTTP status, or 0 when the server could not be reached. */
  status: number;
  /** The problem's `type` URI's last segment (`validation`, `conflict`…), or `network`. */
  kind: string;
  detail: string;
  /** Message per field path (`email`, `items[0].quantity`); the first error of a field wins. */
  fieldErrors: Record<string, string>;
  /** Machine-readable code per field path, to pick a translated message. */
  fieldCodes: Record<string, string>;
  /** The problem's `extra` facts (e.g. `missing_ingredients` of a refused order), if any. */
  extra: Record<string, unknown> | null;
}

function isFieldError(value: unknown): value is FieldError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.field === "string" && typeof v.message === "string";
}

function isProblemLike(value: unknown): value is Partial<Problem> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Summarises an error body from the API. `status` comes from the response. */
export function toProblem(body: unknown, status: number): ProblemSummary {
  const summary: ProblemSummary = {
    status,
    kind: status === 0 ? "network" : "unknown",
    detail: "",
    fieldErrors: {},
    fieldCodes: {},
    extra: null,
  };
  if (isProblemLike(body)) {
    if (isProblemLike(body.extra)) summary.extra = body.extra as Record<string, unknown>;
    if (typeof body.type === "string") {
      summary.kind = body.type.replace(/\/+$/, "").split("/").pop() || summary.kind;
    }
    if (typeof body.detail === "string") summary.detail = body.detail;
    else if (typeof body.title === "string") summary.detail = body.title;
    const errors: unknown[] = Array.isArray(body.errors) ? body.errors : [];
    for (const error of errors) {
      if (!isFieldError(error) || error.field in summary.fieldErrors) continue;
      summary.fieldErrors[error.field] = error.message;
      summary.fieldCodes[error.field] = typeof error.code === "string" ? error.code : "invalid";
    }
  } else if (typeof body === "string" && body.trim() !== "" && body.length < 300) {
    summary.detail = body.trim();
  }
  return summary;
}

/** The summary for a request that never got an answer (offline, server down, DNS…). */
/** A field error found before asking the server, shown like the server's own. */
export function fieldProblem(field: string, code: string, message: string): ProblemSummary {
  return {
    status: 422,
    kind: "validation",
    detail: "",
    fieldErrors: { [field]: message },
    fieldCodes: { [field]: code },
    extra: null,
  };
}

export function networkProblem(): ProblemSummary {
  return { status: 0, kind: "network", detail: "", fieldErrors: {}, fieldCodes: {}, extra: null };
}

/** An API failure carried through promise chains. */
export class ApiError extends Error {
  readonly problem: ProblemSummary;
  constructor(problem: ProblemSummary) {
    super(problem.detail || `HTTP ${problem.status}`);
    this.name = "ApiError";
    this.problem = problem;
  }
}

export function problemOf(error: unknown): ProblemSummary {
  if (error instanceof ApiError) return error.problem;
  return networkProblem();
}
