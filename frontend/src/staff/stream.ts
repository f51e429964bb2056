// The shop's live stream (GET /shops/{id}/events), kept open: messages are handed on as they come,
// the connection is reopened with growing pauses when it drops, and the reopening sends
// `Last-Event-ID` so the server replays what was missed (or sends a fresh snapshot). Plain logic
// with its effects passed in, so it is tested without a browser.
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

export async function followStream(deps: StreamDeps, signal: AbortSignal): Promise<void> {
  const wait = deps.pause ?? pause;
  let lastId: string | null = null;
  let failures = 0;
  let connectedBefore = false;
  while (!signal.aborted) {
    try {
      const response = await deps.open(lastId, signal);
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
      await readSse(response.body, (message) => {
        if (message.id !== undefined) lastId = message.id;
        deps.onMessage(message);
      });
    } catch {
      // dropped: try again below
    }
    if (signal.aborted) return;
    deps.onState("reconnecting");
    failures += 1;
    await wait(backoff(failures), signal);
  }
}
