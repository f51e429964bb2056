// The one typed client of the API (generated types from openapi.json), with the session plumbing:
// every request carries the access token, and a 401 triggers one silent refresh through
// /api/v1/auth/refresh followed by one retry of the request.
import createClient, { type Middleware } from "openapi-fetch";
import { ApiError, networkProblem, toProblem } from "./problem";
import type { paths } from "./schema";
import { tokens } from "./tokens";

type Fetch = typeof globalThis.fetch;

export interface ApiClientOptions {
  baseUrl?: string;
  fetch?: Fetch;
}

function bearer(token: string) {
  return `Bearer ${token}`;
}

export function createApiClient({ baseUrl = "", fetch }: ApiClientOptions = {}) {
  // Resolved at call time so tests (and polyfills) can replace globalThis.fetch later.
  const doFetch: Fetch = fetch ?? ((input, init) => globalThis.fetch(input, init));
  const client = createClient<paths>({ baseUrl, fetch: doFetch });

  // One refresh at a time: concurrent 401s wait for the same rotation.
  let refreshing: Promise<string | null> | null = null;

  async function refreshAccess(rejected: string): Promise<string | null> {
    const latest = tokens.latestAccess();
    if (latest && latest !== rejected) return latest; // another tab or request already rotated
    const refreshToken = tokens.refresh();
    if (!refreshToken) {
      tokens.clear("expired");
      return null;
    }
    try {
      const { data, response } = await client.POST("/api/v1/auth/refresh", {
        body: { refresh_token: refreshToken },
      });
      if (data) {
        tokens.set(data);
        return data.access_token;
      }
      if (response.status === 401 || response.status === 422) tokens.clear("expired");
      return null;
    } catch {
      return null; // offline: keep the session, the caller sees the original 401
    }
  }

  function refreshOnce(rejected: string) {
    refreshing ??= refreshAccess(rejected).finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  // Copies of authenticated requests, taken before fetch consumes their body, for the retry.
  const retries = new Map<string, { request: Request; token: string }>();

  const session: Middleware = {
    onRequest({ request, schemaPath, id }) {
      if (schemaPath.startsWith("/api/v1/auth/")) return undefined;
      const token = tokens.access();
      if (!token) return undefined;
      request.headers.set("Authorization", bearer(token));
      retries.set(id, { request: request.clone(), token });
      return request;
    },
    async onResponse({ response, id }) {
      const retry = retries.get(id);
      retries.delete(id);
      if (response.status !== 401 || !retry) return undefined;
      const fresh = await refreshOnce(retry.token);
      if (!fresh) return undefined;
      retry.request.headers.set("Authorization", bearer(fresh));
      const second = await doFetch(retry.request);
      if (second.status === 401) tokens.clear("expired");
      return second;
    },
    onError({ id }) {
      retries.delete(id);
      return undefined;
    },
  };
  client.use(session);
  return client;
}

export const api = createApiClient({ baseUrl: import.meta.env.VITE_API_BASE ?? "" });

type Outcome<T> = { data?: T; error?: unknown; response: Response };

/**
 * Awaits an API call and returns its data, or throws an ApiError summarising the problem
 * (status 0 when the server could not be reached). Aborts are rethrown as they are.
 */
export async function call<T>(request: Promise<Outcome<T>>): Promise<T> {
  let outcome: Outcome<T>;
  try {
    outcome = await request;
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(networkProblem());
  }
  const { data, error, response } = outcome;
  if (!response.ok) throw new ApiError(toProblem(error, response.status));
  return data as T;
}
