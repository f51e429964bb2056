// Keeps a staff screen current: follows the shop's stream and asks the screen to reload (at most
// a few times a second) on each event, after a reconnection, and every 15 s while the stream is
// down or not served, so a screen left alone always catches up by itself.
import { useEffect, useEffectEvent, useRef, useState } from "react";
import type { SseMessage } from "../orders/sse";
import { openShopEvents } from "./api";
import { followStream, type StreamState } from "./stream";

const POLL_MS = 15_000;
const COALESCE_MS = 150;

export function useLiveShop(shopId: string | null, reload: () => void, onMessage?: (message: SseMessage) => void) {
  const [state, setState] = useState<StreamState>("connecting");
  const timer = useRef<number | undefined>(undefined);
  const doReload = useEffectEvent(() => reload());
  const seen = useEffectEvent((message: SseMessage) => onMessage?.(message));

  useEffect(() => {
    if (!shopId) return undefined;
    const controller = new AbortController();
    const soon = () => {
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(() => doReload(), COALESCE_MS);
    };
    const follower = followStream(
      {
        open: (lastId, signal) => openShopEvents(shopId, lastId, signal),
        onMessage: (message) => {
          seen(message);
          soon();
        },
        onState: setState,
        onReconnected: soon,
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
