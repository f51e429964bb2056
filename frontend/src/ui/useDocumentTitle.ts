// Each page names itself in the browser tab (and for screen readers announcing navigation).
import { useEffect } from "react";

export function useDocumentTitle(title: string) {
  useEffect(() => {
    document.title = title ? `${title} · OC Pizza` : "OC Pizza";
  }, [title]);
}
