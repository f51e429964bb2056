// The stream's state, in words and not only in colour: a cook sees at once that the screen is
// no longer live (and that it is catching up).
import { useI18n } from "../i18n";
import type { StreamState } from "./stream";

export function LiveBadge({ state }: { state: StreamState }) {
  const { t } = useI18n();
  const lost = state === "reconnecting";
  return (
    <p className={`live-badge live-badge--${state}`} role={lost ? "alert" : "status"}>
      <span aria-hidden="true">{state === "live" ? "●" : lost ? "⚠" : "○"}</span> {t(`staff.live.${state}`)}
    </p>
  );
}
