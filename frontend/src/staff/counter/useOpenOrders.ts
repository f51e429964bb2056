// The shop's open orders (placed, preparing, ready, out for delivery), oldest first, reloaded on
// each order event of the shop's stream; `onStock` hears its stock events (the menu's availability).
import { useCallback, useEffect, useState } from "react";
import { problemOf, type ProblemSummary } from "../../api/problem";
import type { Order, OrderStatus } from "../../api/types";
import { fetchOpenOrders } from "../api";
import type { StreamState } from "../stream";
import { useLiveShop } from "../useLiveShop";

const OPEN: OrderStatus[] = ["pending_payment", "placed", "preparing", "ready", "out_for_delivery"];

export interface OpenOrdersState {
  orders: Order[] | null;
  problem: ProblemSummary | null;
  live: StreamState;
  reload: () => void;
}

export function useOpenOrders(shopId: string, onStock?: () => void): OpenOrdersState {
  const [orders, setOrders] = useState<Order[] | null>(null);
  const [problem, setProblem] = useState<ProblemSummary | null>(null);
  const reload = useCallback(() => {
    fetchOpenOrders(shopId, OPEN).then(
      (next) => {
        setOrders(next.sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at)));
        setProblem(null);
      },
      (error: unknown) => setProblem(problemOf(error)),
    );
  }, [shopId]);
  useEffect(() => reload(), [reload]);
  const live = useLiveShop(shopId, reload, { onStock });
  return { orders, problem, live, reload };
}
