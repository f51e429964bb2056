// A scripted stand-in for the API in component tests: each handler answers one method and path.
import { vi } from "vitest";

type Handler = (request: Request) => Response | Promise<Response>;

export function json(body: unknown, status = 200, type = "application/json"): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });
}

export function problem(status: number, body: Record<string, unknown>): Response {
  return json({ type: "about:blank", title: "Problem", status, detail: "", ...body }, status, "application/problem+json");
}

/** Replaces globalThis.fetch; returns the list of requests seen. */
export function mockApi(routes: Record<string, Handler>) {
  const seen: Request[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    seen.push(request.clone());
    const url = new URL(request.url);
    const handler = routes[`${request.method} ${url.pathname}`];
    if (!handler) return problem(404, { detail: `no route ${request.method} ${url.pathname}` });
    return handler(request);
  });
  vi.stubGlobal("fetch", fetchMock);
  return { seen, fetchMock };
}
