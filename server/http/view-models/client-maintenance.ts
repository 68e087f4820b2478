/**
 * The client area's "upcoming maintenance" block: the announced windows that concern this VPS,
 * soonest first, in the plan's time zone, with the provider's message. No host or cluster names: the customer needs
 * to know when and what, and CLIENT_HOST_NAMES may keep the hosts private.
 */
import type { MaintenanceWindow } from '../../domain/maintenance-window';
import { formatClock, formatDay } from '../presenters/time-words';

export interface ClientMaintenanceWindowView {
  title: string;
  message: string;
  whenText: string;
  startsIso: string;
  endsIso: string;
  inProgress: boolean;
}

export interface ClientMaintenanceView {
  windows: ClientMaintenanceWindowView[];
  timeZone: string;
}

const hm = (ms: number, tz: string) => formatClock(ms, tz).slice(0, 5);

/** `10 Dec 2026, 03:00 – 05:00`, or with the end's day when it ends on another one. */
export function windowWhen(startsAt: Date, endsAt: Date, timeZone: string): string {
  const s = startsAt.getTime();
  const e = endsAt.getTime();
  const startDay = formatDay(s, timeZone);
  const endDay = formatDay(e, timeZone);
  return `${startDay}, ${hm(s, timeZone)} \u2013 ${endDay === startDay ? '' : `${endDay}, `}${hm(e, timeZone)}`;
}

export function presentClientMaintenance(windows: readonly MaintenanceWindow[], timeZone: string, now: Date): ClientMaintenanceView {
  return {
    timeZone,
    windows: windows.map((w) => ({
      title: w.title,
      message: w.message,
      whenText: windowWhen(w.startsAt, w.endsAt, timeZone),
      startsIso: w.startsAt.toISOString(),
      endsIso: w.endsAt.toISOString(),
      inProgress: w.startsAt <= now && now < w.endsAt,
    })),
  };
}
