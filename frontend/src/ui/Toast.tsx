// Short confirmations ("Ajouté au panier") announced politely to screen readers.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from "react";

type Announce = (message: string) => void;
const ToastContext = createContext<Announce>(() => undefined);

export function ToastProvider({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState<{ text: string; n: number } | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const announce = useCallback<Announce>((text) => {
    setMessage((previous) => ({ text, n: (previous?.n ?? 0) + 1 }));
  }, []);
  useEffect(() => {
    if (!message) return undefined;
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setMessage(null), 3500);
    return () => window.clearTimeout(timer.current);
  }, [message]);
  return (
    <ToastContext.Provider value={announce}>
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

export function useToast(): Announce {
  return useContext(ToastContext);
}
