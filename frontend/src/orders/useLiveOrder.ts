// One order, kept current: loaded once, then followed through its server-sent events until it
// reaches a final status. The stream is reopened (with growing pauses) when the connection drops.
import { useEffect, useEffectEvent, useState } from "react";
import type { Order } from "../api/types";
import { fetchOrder, orderEvents, useOrder } from "./api";
import { readSse } from "./sse";
import { isFinal } from "./status";

export type LiveState = "connecting" | "live" | "reconnecting" | "ended";

function pause(ms: number, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export function useLiveOrder(orderId: string) {
  const order = useOrder(orderId);
  const [live, setLive] = useState<LiveState>("connecting");
  const ready = order.status === "ready";
  const final = ready && isFinal(order.data.status);

  const show = useEffectEvent((next: Order) => {
    if (order.status === "ready") order.replace(next);
  });

  useEffect(() => {
    if (!ready || final) return undefined;
    const controller = new AbortController();
    const { signal } = controller;
    const reload = () => fetchOrder(orderId, signal).then(show, () => undefined);

    void (async () => {
      let failures = 0;
      while (!signal.aborted) {
        try {
          const { data, response } = await orderEvents(orderId, signal);
          if (response.status === 404 || response.status === 403) return;
          if (!response.ok || !data) throw new Error(`HTTP ${response.status}`);
          setLive("live");
          failures = 0;
          await readSse(data, (message) => {
            if (message.event === "snapshot") show(JSON.parse(message.data) as Order);
            else if (message.event === "status" || message.event === "resync") void reload();
          });
        } catch {
          // dropped connection: try again below
        }
        if (signal.aborted) return;
        setLive("reconnecting");
        failures += 1;
        await pause(Math.min(30_000, 1_000 * 2 ** failures), signal);
        void reload();
      }
    })();
    return () => controller.abort();
  }, [orderId, ready, final]);

  return { order, live: final ? ("ended" as const) : live };
}
