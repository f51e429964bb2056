import { afterEach, describe, expect, it, vi } from "vitest";
import { json, problem } from "../test/http";
import { createApiClient } from "./client";
import { tokens } from "./tokens";

const me = { id: "u1", email: "client@ocpizza.fr", full_name: "Claire Client", role: "customer", created_at: "2026-01-01T00:00:00Z" };

function pair(n: number) {
  return { access_token: `access-${n}`, refresh_token: `refresh-${n}`, token_type: "Bearer", expires_in: 900 };
}

afterEach(() => tokens.clear());

describe("the API client's session handling", () => {
  it("sends the bearer token", async () => {
    tokens.set(pair(1));
    const fetch = vi.fn(async (_req: Request) => json(me));
    const api = createApiClient({ baseUrl: "http://api.test", fetch: fetch as unknown as typeof globalThis.fetch });
    const { data } = await api.GET("/api/v1/me");
    expect(data?.email).toBe("client@ocpizza.fr");
    expect(fetch.mock.calls[0]?.[0].headers.get("Authorization")).toBe("Bearer access-1");
  });

  it("refreshes once on 401, rotates the tokens and retries the request", async () => {
    tokens.set(pair(1));
    let refreshes = 0;
    const fetch = vi.fn(async (req: Request) => {
      const path = new URL(req.url).pathname;
      if (path === "/api/v1/auth/refresh") {
        refreshes += 1;
        expect(await req.json()).toEqual({ refresh_token: "refresh-1" });
        return json(pair(2));
      }
      if (req.headers.get("Authorization") === "Bearer access-2") {
        return path === "/api/v1/me" ? json(me) : json({ items: [], next_cursor: null });
      }
      return problem(401, { detail: "expired" });
    });
    const api = createApiClient({ baseUrl: "http://api.test", fetch: fetch as unknown as typeof globalThis.fetch });
    const [profile, addresses] = await Promise.all([api.GET("/api/v1/me"), api.GET("/api/v1/me/addresses")]);
    expect(profile.data?.full_name).toBe("Claire Client");
    expect(addresses.data?.items).toEqual([]);
    expect(refreshes).toBe(1); // concurrent 401s share one rotation
    expect(tokens.access()).toBe("access-2");
    expect(tokens.refresh()).toBe("refresh-2");
  });

  it("retries a request with a body after refreshing", async () => {
    tokens.set(pair(1));
    const fetch = vi.fn(async (req: Request) => {
      const path = new URL(req.url).pathname;
      if (path === "/api/v1/auth/refresh") return json(pair(2));
      if (req.headers.get("Authorization") !== "Bearer access-2") return problem(401, {});
      return json({ ...me, ...(await req.json()) });
    });
    const api = createApiClient({ baseUrl: "http://api.test", fetch: fetch as unknown as typeof globalThis.fetch });
    const { data } = await api.PATCH("/api/v1/me", { body: { full_name: "Claire Nouvelle" } });
    expect(data?.full_name).toBe("Claire Nouvelle");
  });

  it("ends the session when the refresh token is refused", async () => {
    tokens.set(pair(1));
    const changes: string[] = [];
    const unsubscribe = tokens.subscribe((c) => changes.push(c));
    const fetch = vi.fn(async () => problem(401, { detail: "nope" }));
    const api = createApiClient({ baseUrl: "http://api.test", fetch: fetch as unknown as typeof globalThis.fetch });
    const { response } = await api.GET("/api/v1/me");
    unsubscribe();
    expect(response.status).toBe(401);
    expect(fetch).toHaveBeenCalledTimes(2); // the request and one refresh, no loop
    expect(tokens.hasSession()).toBe(false);
    expect(changes).toEqual(["expired"]);
  });

  it("does not touch login failures", async () => {
    const fetch = vi.fn(async () => problem(401, { detail: "wrong e-mail address or password" }));
    const api = createApiClient({ baseUrl: "http://api.test", fetch: fetch as unknown as typeof globalThis.fetch });
    const { error } = await api.POST("/api/v1/auth/login", { body: { email: "a@b.fr", password: "x" } });
    expect(error?.detail).toBe("wrong e-mail address or password");
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
