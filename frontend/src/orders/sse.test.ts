import { describe, expect, it } from "vitest";
import { createSseParser, readSse, type SseMessage } from "./sse";

describe("server-sent events over fetch", () => {
  it("parses events split across chunks, skipping keep-alive comments", () => {
    const feed = createSseParser();
    expect(feed("event: snapshot\ndata: {\"status\":")).toEqual([]);
    expect(feed("\"placed\"}\n\n: keep-alive\n\nevent: status\r\ndata: {\"status\":\"preparing\"}\r\n\r\n")).toEqual([
      { event: "snapshot", data: '{"status":"placed"}' },
      { event: "status", data: '{"status":"preparing"}' },
    ]);
  });

  it("joins multi-line data and defaults the event name", () => {
    expect(createSseParser()("data: a\ndata: b\n\n")).toEqual([{ event: "message", data: "a\nb" }]);
  });

  it("reads a byte stream to its end", async () => {
    const bytes = new TextEncoder().encode("event: snapshot\ndata: 1\n\nevent: status\ndata: 2\n\n");
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 7));
        controller.enqueue(bytes.slice(7));
        controller.close();
      },
    });
    const seen: SseMessage[] = [];
    await readSse(stream, (m) => seen.push(m));
    expect(seen.map((m) => `${m.event}:${m.data}`)).toEqual(["snapshot:1", "status:2"]);
  });

  it("keeps each event's id, and none on events without an id line", () => {
    const feed = createSseParser();
    expect(
      feed('id: 41\nevent: snapshot\ndata: {}\n\nevent: resync\ndata: {}\n\n: keep-alive\n\nid:42\nevent: order\ndata: {"n":1}\n\n'),
    ).toEqual([
      { event: "snapshot", data: "{}", id: "41" },
      { event: "resync", data: "{}" },
      { event: "order", data: '{"n":1}', id: "42" },
    ]);
  });

  it("ignores an id containing NUL, as browsers do", () => {
    expect(createSseParser()("id: 4\u00002\ndata: x\n\n")).toEqual([{ event: "message", data: "x" }]);
  });
});
