import { describe, expect, it, vi } from "vitest";
import type { SseMessage } from "../orders/sse";
import { backoff, followStream, type StreamState } from "./stream";

function sse(text: string, status = 200) {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(text));
      controller.close();
    },
  });
  return new Response(body, { status, headers: { "Content-Type": "text/event-stream" } });
}

describe("the shop's stream", () => {
  it("resumes after a drop with the last id it saw, and says it reconnected", async () => {
    const controller = new AbortController();
    const asked: (string | null)[] = [];
    const answers = [
      sse("id: 7\nevent: snapshot\ndata: {}\n\nid: 8\nevent: order\ndata: {}\n\nevent: resync\ndata: {}\n\n"),
      sse("id: 9\nevent: order\ndata: {}\n\n"),
    ];
    const seen: SseMessage[] = [];
    const states: StreamState[] = [];
    const reconnected = vi.fn();
    await followStream(
      {
        open: async (lastId) => {
          asked.push(lastId);
          const next = answers.shift();
          if (!next) {
            controller.abort();
            throw new DOMException("aborted", "AbortError");
          }
          return next;
        },
        onMessage: (m) => seen.push(m),
        onState: (s) => states.push(s),
        onReconnected: reconnected,
        pause: async () => undefined,
      },
      controller.signal,
    ).done;
    expect(asked).toEqual([null, "8", "9"]);
    expect(seen.map((m) => m.event)).toEqual(["snapshot", "order", "resync", "order"]);
    expect(states).toEqual(["live", "reconnecting", "live", "reconnecting"]);
    expect(reconnected).toHaveBeenCalledTimes(1);
  });

  it("gives up on a stream the API does not serve to this user", async () => {
    const states: StreamState[] = [];
    await followStream(
      { open: async () => sse("", 403), onMessage: () => undefined, onState: (s) => states.push(s) },
      new AbortController().signal,
    ).done;
    expect(states).toEqual(["unavailable"]);
  });

  it("waits longer after each failure, up to 15 s", () => {
    expect([1, 2, 3, 4, 5, 9].map(backoff)).toEqual([1000, 2000, 4000, 8000, 15000, 15000]);
  });

  it("drops a connection that stays silent, and reconnects with the last id", async () => {
    const controller = new AbortController();
    const asked: (string | null)[] = [];
    let calls = 0;
    await followStream(
      {
        open: async (lastId, signal) => {
          asked.push(lastId);
          calls += 1;
          if (calls > 1) {
            controller.abort();
            throw new DOMException("aborted", "AbortError");
          }
          // An event, then nothing: the stream stays open until the reader is cancelled.
          const body = new ReadableStream<Uint8Array>({
            start(c) {
              c.enqueue(new TextEncoder().encode("id: 3\nevent: order\ndata: {}\n\n"));
              signal.addEventListener("abort", () => c.error(new DOMException("aborted", "AbortError")));
            },
          });
          return new Response(body, { status: 200 });
        },
        onMessage: () => undefined,
        onState: () => undefined,
        pause: async () => undefined,
        silenceMs: 20,
      },
      controller.signal,
    ).done;
    expect(asked).toEqual([null, "3"]);
  });
});
