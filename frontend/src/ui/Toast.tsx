// Short confirmations ("Ajouté au panier") announced politely to screen readers, in a corner of
// the screen (see .toast-region) and for a short while only: a toast never outlives its page.
// Changing page (the path, not a dialog opened in the query string) dismisses it, unless it was
// announced with `carry` just before the navigation it goes with ("Modifications enregistrées"
// and then the order's page): that one is shown on the next page and dismissed on the page after.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useLocation } from "react-router-dom";

/** How long a toast stays, in milliseconds. */
export const TOAST_MS = 2500;

export type Announce = (message: string, options?: { carry?: boolean }) => void;

type Toasts = { announce: Announce; pageChanged: () => void };
const ToastContext = createContext<Toasts>({ announce: () => undefined, pageChanged: () => undefined });

type Message = { text: string; n: number; carry: boolean };

export function ToastProvider({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState<Message | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const announce = useCallback<Announce>((text, options) => {
    setMessage((previous) => ({ text, n: (previous?.n ?? 0) + 1, carry: options?.carry === true }));
  }, []);
  const pageChanged = useCallback(() => {
    setMessage((current) => (current?.carry ? { ...current, carry: false } : null));
  }, []);
  // A carried toast becoming an ordinary one keeps its time: only a new message restarts it.
  const shown = message?.n;
  useEffect(() => {
    if (shown === undefined) return undefined;
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setMessage(null), TOAST_MS);
    return () => window.clearTimeout(timer.current);
  }, [shown]);
  const value = useMemo(() => ({ announce, pageChanged }), [announce, pageChanged]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div className="toast-region" role="status" aria-live="polite">
        {message && (
          <div className="toast" key={message.n}>
            {message.text}
          </div>
        )}
      </div>
    </ToastContext.Provider>
  );
}

/** Placed inside the router: tells the toasts when the page (the path) changes. */
export function ToastPageWatch() {
  const { pathname } = useLocation();
  const { pageChanged } = useContext(ToastContext);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    pageChanged();
  }, [pathname, pageChanged]);
  return null;
}

export function useToast(): Announce {
  return useContext(ToastContext).announce;
}
