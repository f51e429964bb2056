// Where the session's tokens live. The access token is kept in memory for every request and
// mirrored in localStorage so a reload or another tab keeps the session; the refresh token (usable
// once, rotated on every refresh) lives in localStorage only. Other tabs' rotations arrive through
// the `storage` event, so two tabs do not spend the same refresh token.
import type { TokenPair } from "./types";

const ACCESS_KEY = "ocpizza.access_token";
const REFRESH_KEY = "ocpizza.refresh_token";

/** Why the tokens changed: a login/refresh, a logout, or a session the server no longer accepts. */
export type TokenChange = "set" | "logout" | "expired";

type Listener = (change: TokenChange) => void;

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function write(key: string, value: string | null) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Private mode or storage full: the session then lasts as long as the page.
  }
}

let access: string | null = read(ACCESS_KEY);
const listeners = new Set<Listener>();

function notify(change: TokenChange) {
  for (const listener of listeners) listener(change);
}

if (typeof window !== "undefined") {
  window.addEventListener("storage", (event) => {
    if (event.key !== ACCESS_KEY && event.key !== REFRESH_KEY && event.key !== null) return;
    const next = read(ACCESS_KEY);
    if (next === access) return;
    access = next;
    notify(next ? "set" : "logout");
  });
}

export const tokens = {
  access(): string | null {
    return access;
  },
  /** The newest access token, possibly written by another tab since this one last looked. */
  latestAccess(): string | null {
    access = read(ACCESS_KEY) ?? access;
    return access;
  },
  refresh(): string | null {
    return read(REFRESH_KEY);
  },
  hasSession(): boolean {
    return access !== null || read(REFRESH_KEY) !== null;
  },
  set(pair: TokenPair) {
    access = pair.access_token;
    write(ACCESS_KEY, pair.access_token);
    write(REFRESH_KEY, pair.refresh_token);
    notify("set");
  },
  clear(change: Exclude<TokenChange, "set"> = "logout") {
    const had = access !== null || read(REFRESH_KEY) !== null;
    access = null;
    write(ACCESS_KEY, null);
    write(REFRESH_KEY, null);
    if (had) notify(change);
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
