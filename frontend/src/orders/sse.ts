// A small reader for server-sent events over fetch. EventSource cannot send the Authorization
// header, so live streams (GET /orders/{id}/events, GET /shops/{id}/events) are read from a fetch
// body stream. `id:` lines are kept so a reconnect can send `Last-Event-ID` and resume.

export interface SseMessage {
  event: string;
  data: string;
  /** The event's `id:` line, when it had one (the server numbers its events). */
  id?: string;
}

/** Parses a chunk stream into messages; `feed` returns complete messages, keeping the rest. */
export function createSseParser() {
  let buffer = "";
  return function feed(chunk: string): SseMessage[] {
    buffer += chunk.replace(/\r\n?/g, "\n");
    const messages: SseMessage[] = [];
    let end: number;
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      let id: string | undefined;
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line === "" || line.startsWith(":")) continue; // comments keep the connection alive
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
        else if (field === "id" && !value.includes("\0")) id = value; // the spec ignores ids with NUL
      }
      if (data.length > 0) messages.push(id === undefined ? { event, data: data.join("\n") } : { event, data: data.join("\n"), id });
    }
    return messages;
  };
}

/**
 * Reads a byte stream to its end, calling `onMessage` for each event, and `onBytes` whenever
 * anything arrives (keep-alive comments included: a silent connection may be a dead one).
 */
export async function readSse(
  stream: ReadableStream<Uint8Array>,
  onMessage: (message: SseMessage) => void,
  onBytes?: () => void,
) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const feed = createSseParser();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      onBytes?.();
      for (const message of feed(decoder.decode(value, { stream: true }))) onMessage(message);
    }
    for (const message of feed(decoder.decode() + "\n\n")) onMessage(message);
  } finally {
    reader.releaseLock();
  }
}
