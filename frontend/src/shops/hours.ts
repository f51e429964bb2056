// Opening hours as a customer reads them: today's ranges, and the week grouped by day.
import type { OpeningHours } from "../api/types";
import { formatClock, isoWeekdayIn, weekdayName } from "../i18n/format";

export interface DayHours {
  weekday: number;
  name: string;
  ranges: string[];
}

function ranges(hours: OpeningHours[], weekday: number, locale: string): string[] {
  return hours
    .filter((h) => h.weekday === weekday)
    .sort((a, b) => a.opens_at.localeCompare(b.opens_at))
    .map((h) => `${formatClock(h.opens_at, locale)} – ${formatClock(h.closes_at, locale)}`);
}

export function weekHours(hours: OpeningHours[], locale: string): DayHours[] {
  return [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
    weekday,
    name: weekdayName(weekday, locale),
    ranges: ranges(hours, weekday, locale),
  }));
}

export function todayHours(hours: OpeningHours[], timeZone: string, locale: string, now?: Date): string[] {
  return ranges(hours, isoWeekdayIn(timeZone, now), locale);
}
