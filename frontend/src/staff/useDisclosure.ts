// A button that shows and hides a panel below it (the header's screens and account menus): open
// until the same button, Escape (focus back on the button), a click or the focus elsewhere, or a
// change of page closes it. `page` names the page shown: a new one closes the panel by itself.
import { useEffect, useId, useRef, useState, type FocusEvent } from "react";

export function useDisclosure(page: string) {
  // Open on the page it was opened on only: navigating closes it without an effect.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === page;
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return undefined;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setOpenOn(null);
      button.current?.focus();
    };
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpenOn(null);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("pointerdown", onPointer);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("pointerdown", onPointer);
    };
  }, [open]);

  return {
    open,
    close: () => setOpenOn(null),
    rootProps: {
      ref: root,
      // Tabbing out of the button and its panel closes it.
      onBlur: (event: FocusEvent<HTMLDivElement>) => {
        if (event.relatedTarget && !event.currentTarget.contains(event.relatedTarget as Node)) setOpenOn(null);
      },
    },
    buttonProps: {
      ref: button,
      type: "button" as const,
      "aria-expanded": open,
      "aria-controls": panelId,
      onClick: () => setOpenOn(open ? null : page),
    },
    panelId,
  };
}
