// The shop's menu for the counter, loaded once for the screen (not again for each order taken)
// and refreshed in place when the shop's stream says the stock changed: a product that ran out is
// shown unavailable at once, without the list blinking through a loading state or losing the
// search typed into it.
import { useCallback, useEffect, useRef } from "react";
import type { Menu } from "../../api/types";
import type { Resource } from "../../api/useResource";
import { fetchMenu, useMenu } from "../../shops/api";

export interface CounterMenu {
  menu: Resource<Menu>;
  /** Fetches the menu again and shows it when it comes (the one shown stays until then). */
  refresh: () => void;
}

export function useCounterMenu(shopId: string): CounterMenu {
  const menu = useMenu(shopId);
  const latest = useRef(menu);
  const pending = useRef<AbortController | null>(null);
  useEffect(() => {
    latest.current = menu;
  });
  useEffect(() => () => pending.current?.abort(), []);

  const refresh = useCallback(() => {
    const shown = latest.current;
    if (shown.status !== "ready") {
      // Still loading, or failed: a fresh attempt is what the screen needs anyway.
      if (shown.status === "error") shown.retry();
      return;
    }
    pending.current?.abort();
    const controller = new AbortController();
    pending.current = controller;
    fetchMenu(shopId, controller.signal).then(
      (next) => {
        const now = latest.current;
        if (!controller.signal.aborted && now.status === "ready") now.replace(next);
      },
      () => undefined, // the menu shown stays; the next event or catch-up tries again
    );
  }, [shopId]);

  return { menu, refresh };
}
