// Keeps a staff screen current: follows the shop's stream and asks the screen to reload (at most
// a few times a second) on each order event, after a reconnection, and every 15 s while the stream
// is down or not served, so a screen left alone always catches up by itself. A screen showing the
// menu's availability (the counter) is also told of stock events, through `onStock`, at the same
// moments of catching up.
import { useEffect, useEffectEvent, useRef, useState } from "react";
import type { SseMessage } from "../orders/sse";
import { openShopEvents } from "./api";
import { followStream, type StreamState } from "./stream";

const POLL_MS = 15_000;
const COALESCE_MS = 150;

export type Touches = "orders" | "stock" | "both";

/**
 * What a message of the shop's stream may have changed: `stock` (kind stock_changed: a product's
 * availability), `resync` (the server dropped events: anything), or the open orders (`snapshot`,
 * `order`, and whatever else).
 */
export function touches(message: SseMessage): Touches {
  if (message.event === "stock") return "stock";
  if (message.event === "resync") return "both";
  return "orders";
}

export interface LiveOptions {
  onMessage?: (message: SseMessage) => void;
  /** A stock event, or a catch-up (reconnection, polling, wake): availability may have changed. */
  onStock?: () => void;
}

export function useLiveShop(shopId: string | null, reload: () => void, options: LiveOptions = {}) {
  const { onMessage, onStock } = options;
  const [state, setState] = useState<StreamState>("connecting");
  const timer = useRef<number | undefined>(undefined);
  const stockTimer = useRef<number | undefined>(undefined);
  const reloadOrders = useEffectEvent(() => reload());
  const reloadStock = useEffectEvent(() => onStock?.());
  const doReload = useEffectEvent(() => {
    reload();
    onStock?.();
  });
  const seen = useEffectEvent((message: SseMessage) => onMessage?.(message));

  useEffect(() => {
    if (!shopId) return undefined;
    const controller = new AbortController();
    const ordersSoon = () => {
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => reloadOrders(), COALESCE_MS);
    };
    const stockSoon = () => {
      window.clearTimeout(stockTimer.current);
      stockTimer.current = window.setTimeout(() => reloadStock(), COALESCE_MS);
    };
    const follower = followStream(
      {
        open: (lastId, signal) => openShopEvents(shopId, lastId, signal),
        onMessage: (message) => {
          seen(message);
          const what = touches(message);
          if (what !== "stock") ordersSoon();
          if (what !== "orders") stockSoon();
        },
        onState: setState,
        onReconnected: () => {
          ordersSoon();
          stockSoon();
        },
      },
      controller.signal,
    );
    // The browser knows first when the network goes or comes back: drop the connection (it may be
    // dead without knowing it), or retry at once instead of waiting out the pause.
    const kick = () => follower.interrupt();
    window.addEventListener("offline", kick);
    window.addEventListener("online", kick);
    return () => {
      controller.abort();
      window.clearTimeout(timer.current);
      window.clearTimeout(stockTimer.current);
      window.removeEventListener("offline", kick);
      window.removeEventListener("online", kick);
    };
  }, [shopId]);

  // While the stream is not live, poll.
  useEffect(() => {
    if (!shopId || state === "live" || state === "connecting") return undefined;
    const id = window.setInterval(() => doReload(), POLL_MS);
    return () => window.clearInterval(id);
  }, [shopId, state]);

  // Back from a sleeping tablet or a lost network: reload at once.
  useEffect(() => {
    const wake = () => {
      if (document.visibilityState === "visible") doReload();
    };
    document.addEventListener("visibilitychange", wake);
    window.addEventListener("online", wake);
    return () => {
      document.removeEventListener("visibilitychange", wake);
      window.removeEventListener("online", wake);
    };
  }, []);

  return state;
}
