// The kitchen queue, kept current by the shop's stream: loaded at once, reloaded on every event
// (and by polling while the stream is down); new tickets are flagged for a few seconds; bumps and
// recalls are sent one at a time per ticket and the queue reloaded after each.
import { useCallback, useEffect, useRef, useState } from "react";
import { problemOf, type ProblemSummary } from "../../api/problem";
import type { OrderStatus } from "../../api/types";
import { fetchKitchenQueue, moveOrder } from "../api";
import { useLiveShop } from "../useLiveShop";
import { newTicketIds, oldestFirst } from "./tickets";
import type { KitchenQueue, KitchenTicket } from "./types";

const NEW_FOR_MS = 12_000;
const LOCAL_RECENT_MS = 15 * 60_000;

export function useKitchen(shopId: string, now: number, onNewTickets: (ids: string[]) => void) {
  const [queue, setQueue] = useState<KitchenQueue | null>(null);
  const [problem, setProblem] = useState<ProblemSummary | null>(null);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  // Made ready from this screen, for recall when the API does not list recent tickets.
  const [bumpedReady, setBumpedReady] = useState<{ ticket: KitchenTicket; at: number }[]>([]);
  const known = useRef<Set<string> | null>(null);
  const generation = useRef(0);
  const announce = useRef(onNewTickets);
  useEffect(() => {
    announce.current = onNewTickets;
  });

  const reload = useCallback(() => {
    const mine = ++generation.current;
    fetchKitchenQueue(shopId).then(
      (next: KitchenQueue) => {
        if (mine !== generation.current) return; // a newer load is on its way
        const added = newTicketIds(known.current, next.items);
        known.current = new Set(next.items.map((t) => t.order_id));
        setQueue(next);
        setProblem(null);
        if (added.length) {
          setFresh((f) => new Set([...f, ...added]));
          window.setTimeout(() => setFresh((f) => new Set([...f].filter((id) => !added.includes(id)))), NEW_FOR_MS);
          announce.current(added);
        }
      },
      (error: unknown) => {
        if (mine === generation.current) setProblem(problemOf(error));
      },
    );
  }, [shopId]);

  useEffect(() => {
    known.current = null;
    reload();
  }, [reload]);

  const live = useLiveShop(shopId, reload);

  const move = useCallback(
    async (ticket: KitchenTicket, to: OrderStatus) => {
      if (pending.has(ticket.order_id)) return;
      setPending((p) => new Set(p).add(ticket.order_id));
      try {
        await moveOrder(ticket.order_id, to);
        if (to === "ready") setBumpedReady((r) => [{ ticket: { ...ticket, status: "ready" as const }, at: Date.now() }, ...r].slice(0, 10));
        else setBumpedReady((r) => r.filter((x) => x.ticket.order_id !== ticket.order_id));
        setProblem(null);
      } catch (error) {
        setProblem(problemOf(error));
      } finally {
        setPending((p) => {
          const next = new Set(p);
          next.delete(ticket.order_id);
          return next;
        });
        reload();
      }
    },
    [pending, reload],
  );

  const tickets = queue ? oldestFirst(queue.items) : [];
  const onScreen = new Set(tickets.map((t) => t.order_id));
  // The server's list of recent tickets, and the ones just bumped here until it catches up.
  const fromServer = queue?.recent ?? [];
  const listed = new Set([...fromServer.map((t) => t.order_id), ...onScreen]);
  const recent = [
    ...bumpedReady.filter((r) => now - r.at < LOCAL_RECENT_MS && !listed.has(r.ticket.order_id)).map((r) => r.ticket),
    ...fromServer,
  ];

  return { queue, tickets, recent, problem, fresh, pending, live, move, reload };
}
