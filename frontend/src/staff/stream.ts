// The shop's live stream (GET /shops/{id}/events), kept open: messages are handed on as they come,
// the connection is reopened with growing pauses when it drops, and the reopening sends
// `Last-Event-ID` so the server replays what was missed (or sends a fresh snapshot). A connection
// silent for longer than two keep-alives is taken for dead (a tablet's Wi-Fi often fails without
// closing anything), and `interrupt()` drops the current connection or pause at once (the browser
// says it went offline or came back). Plain logic with its effects passed in, tested without a
// browser.
import type { SseMessage } from "../orders/sse";
import { readSse } from "../orders/sse";

export type StreamState = "connecting" | "live" | "reconnecting" | "unavailable";

export interface StreamDeps {
  /** Opens the stream; `lastEventId` is null on the first connection. */
  open: (lastEventId: string | null, signal: AbortSignal) => Promise<Response>;
  onMessage: (message: SseMessage) => void;
  onState: (state: StreamState) => void;
  /** After a reconnection: the caller reloads what it shows, in case events were lost. */
  onReconnected?: () => void;
  pause?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Silence after which the connection is dropped and reopened (the server pings every 15 s). */
  silenceMs?: number;
}

export function pause(ms: number, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Delay before the next attempt after `failures` failed ones: 1, 2, 4… up to 15 s. */
export function backoff(failures: number): number {
  return Math.min(15_000, 1_000 * 2 ** Math.max(0, failures - 1));
}

export interface Follower {
  done: Promise<void>;
  /** Drops the current connection (or cuts the pause short) and tries again at once. */
  interrupt: () => void;
}

export function followStream(deps: StreamDeps, signal: AbortSignal): Follower {
  const wait = deps.pause ?? pause;
  const silenceMs = deps.silenceMs ?? 40_000;
  let attempt = new AbortController();
  const interrupt = () => attempt.abort();
  signal.addEventListener("abort", interrupt);

  async function run() {
    let lastId: string | null = null;
    let failures = 0;
    let connectedBefore = false;
    while (!signal.aborted) {
      attempt = new AbortController();
      const current = attempt;
      let silence: ReturnType<typeof setTimeout> | undefined;
      const heard = () => {
        clearTimeout(silence);
        silence = setTimeout(() => current.abort(), silenceMs);
      };
      try {
        const response = await deps.open(lastId, current.signal);
        if (response.status === 403 || response.status === 404 || response.status === 405) {
          // Not for this user or not served by this API: the caller falls back to polling.
          deps.onState("unavailable");
          return;
        }
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        deps.onState("live");
        if (connectedBefore) deps.onReconnected?.();
        connectedBefore = true;
        failures = 0;
        heard();
        const body = response.body;
        current.signal.addEventListener("abort", () => void body.cancel().catch(() => undefined));
        await readSse(
          body,
          (message) => {
            if (message.id !== undefined) lastId = message.id;
            deps.onMessage(message);
          },
          heard,
        );
      } catch {
        // dropped, silent or interrupted: try again below
      } finally {
        clearTimeout(silence);
      }
      if (signal.aborted) return;
      deps.onState("reconnecting");
      failures += 1;
      const interrupted = current.signal.aborted;
      attempt = new AbortController();
      // An interruption (back online) retries at once; a failure waits a little longer each time.
      if (!interrupted || failures > 1) await wait(backoff(failures), attempt.signal);
    }
  }

  return { done: run().finally(() => signal.removeEventListener("abort", interrupt)), interrupt };
}
