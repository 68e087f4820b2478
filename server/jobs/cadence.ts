/**
 * Timers on a shared grid. An instance that counts a period from its own start never reaches the end of it when it
 * lives shorter than the period (a fleet restarting every ~10 s never took back expired leases on a 15 s
 * timer). Ticks that fall on multiples of the period since the epoch are the same instants for every instance, so
 * whichever instances are alive at such an instant act, however young they are.
 */
import type { Clock } from '../clock';

/** Milliseconds from `nowMs` to the next multiple of `everyMs` since the epoch (a full period when exactly on one). */
export function msUntilNextTick(nowMs: number, everyMs: number): number {
  const into = ((nowMs % everyMs) + everyMs) % everyMs;
  return everyMs - into;
}

export interface GridTimer {
  stop(): void;
}

/**
 * Runs `tick` now and then at each multiple of `everyMs` on the clock's time, one run at a time (a slow run skips the
 * ticks it overlaps rather than piling up). Errors are the tick's to handle; a rejected tick does not stop the timer.
 */
export function startGridTimer(clock: Clock, everyMs: number, tick: () => Promise<void>): GridTimer {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const run = (): void => {
    if (stopped) return;
    tick()
      .catch(() => undefined)
      .finally(() => {
        if (stopped) return;
        timer = setTimeout(run, msUntilNextTick(clock.now().getTime(), everyMs));
        timer.unref?.();
      });
  };
  run();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
