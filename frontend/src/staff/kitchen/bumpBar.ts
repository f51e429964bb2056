// The keyboard as a kitchen bump bar: 1–9 pick the ticket at that place, Enter or Space bumps the
// picked one (the oldest when none is picked), R recalls the ticket last made ready, Escape
// forgets the pick. Keys typed into a field, or with a modifier, are left alone; Enter and Space
// on a focused button are that button's own.

export type BumpAction = { type: "select"; index: number } | { type: "bump" } | { type: "recall" } | { type: "clear" };

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** The focused element's tag name (upper case, as the DOM gives it). */
  targetTag?: string;
}

const FIELDS = new Set(["INPUT", "TEXTAREA", "SELECT"]);

export function bumpBarAction(event: KeyLike): BumpAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  const tag = event.targetTag ?? "";
  if (FIELDS.has(tag)) return null;
  if (/^[1-9]$/.test(event.key)) return { type: "select", index: Number(event.key) - 1 };
  if (event.key === "Enter" || event.key === " ") return tag === "BUTTON" || tag === "A" ? null : { type: "bump" };
  if (event.key === "r" || event.key === "R") return { type: "recall" };
  if (event.key === "Escape") return { type: "clear" };
  return null;
}

/** The ticket a bump applies to: the picked one when still on screen, else the oldest. */
export function bumpedTicket<T extends { order_id: string }>(tickets: T[], selected: string | null): T | undefined {
  return tickets.find((t) => t.order_id === selected) ?? tickets[0];
}
