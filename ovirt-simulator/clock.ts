/**
 * The simulator's clock. Every engine delay (image copy, boot, monitoring grace periods, fencing, HA retries) is a
 * timer on this clock, never a raw `setTimeout`, so a test can play out minutes of failover in milliseconds and get
 * the same result every time.
 *
 * - `manual`: time stands still until `advance()` is called; timers due within the step run in time order
 *   (same instant: in the order they were scheduled).
 * - `real`: simulated time follows the wall clock multiplied by `speed`; `advance()` still works and jumps ahead.
 */
export type ClockMode = 'manual' | 'real';

interface Timer {
  readonly seq: number;
  readonly at: number;
  readonly run: () => void;
  readonly label: string;
  cancelled: boolean;
}

export interface TimerHandle {
  cancel(): void;
}

export interface ClockOptions {
  mode: ClockMode;
  /** Simulated epoch ms at start; defaults to 2025-01-01T00:00:00Z in manual mode and to now in real mode. */
  startTime?: number;
  /** Real mode only: simulated seconds per wall-clock second. */
  speed?: number;
}

const MANUAL_EPOCH = Date.UTC(2025, 0, 1, 0, 0, 0);
/** A runaway chain of zero-delay timers would otherwise spin forever inside one `advance()`. */
const MAX_TIMERS_PER_STEP = 1_000_000;

export class SimClock {
  readonly mode: ClockMode;
  private speed: number;
  private simAtAnchor: number;
  private wallAtAnchor: number;
  private manualNow: number;
  private seq = 0;
  private timers: Timer[] = [];
  private wallTimer: NodeJS.Timeout | undefined;
  private running = false;
  private stopped = false;

  constructor(options: ClockOptions) {
    this.mode = options.mode;
    this.speed = options.speed ?? 1;
    const start = options.startTime ?? (options.mode === 'manual' ? MANUAL_EPOCH : Date.now());
    this.manualNow = start;
    this.simAtAnchor = start;
    this.wallAtAnchor = Date.now();
  }

  /** Current simulated time, epoch ms. */
  now(): number {
    if (this.mode === 'manual') return this.manualNow;
    return Math.floor(this.simAtAnchor + (Date.now() - this.wallAtAnchor) * this.speed);
  }

  getSpeed(): number {
    return this.speed;
  }

  /** Real mode: change the speed without a jump in simulated time. */
  setSpeed(speed: number): void {
    if (!(speed > 0)) throw new Error('speed must be > 0');
    this.simAtAnchor = this.now();
    this.wallAtAnchor = Date.now();
    this.speed = speed;
    this.armWallTimer();
  }

  /** Schedules `run` after `delayMs` of simulated time. */
  schedule(delayMs: number, run: () => void, label = ''): TimerHandle {
    const timer: Timer = { seq: this.seq++, at: this.now() + Math.max(0, delayMs), run, label, cancelled: false };
    this.insert(timer);
    this.armWallTimer();
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Moves simulated time forward by `ms`, running every timer that falls due on the way, in order. */
  advance(ms: number): void {
    if (ms < 0) throw new Error('cannot move the clock backwards');
    const target = this.now() + ms;
    this.runDue(target);
    if (this.mode === 'manual') {
      this.manualNow = target;
    } else {
      this.simAtAnchor = target;
      this.wallAtAnchor = Date.now();
      this.armWallTimer();
    }
  }

  /** Labels and due times of pending timers, for the control API and for debugging tests. */
  pending(): Array<{ at: number; label: string }> {
    return this.timers.filter((t) => !t.cancelled).map((t) => ({ at: t.at, label: t.label }));
  }

  /** Drops every pending timer (scenario reset). */
  clearTimers(): void {
    for (const t of this.timers) t.cancelled = true;
    this.timers = [];
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    if (this.wallTimer) clearTimeout(this.wallTimer);
    this.wallTimer = undefined;
  }

  private insert(timer: Timer): void {
    // Binary search keeps the queue sorted by (at, seq); scheduling is far more frequent than a full sort is cheap.
    let lo = 0;
    let hi = this.timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = this.timers[mid] as Timer;
      if (other.at < timer.at || (other.at === timer.at && other.seq < timer.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.timers.splice(lo, 0, timer);
  }

  private runDue(target: number): void {
    if (this.running) return; // a timer that advances the clock must not re-enter the loop
    this.running = true;
    try {
      let count = 0;
      for (;;) {
        const next = this.timers[0];
        if (!next || next.at > target) break;
        this.timers.shift();
        if (next.cancelled) continue;
        if (this.mode === 'manual') this.manualNow = Math.max(this.manualNow, next.at);
        else if (next.at > this.now()) {
          this.simAtAnchor = next.at;
          this.wallAtAnchor = Date.now();
        }
        if (++count > MAX_TIMERS_PER_STEP) throw new Error('clock: too many timers in one step');
        next.run();
      }
    } finally {
      this.running = false;
    }
  }

  private armWallTimer(): void {
    if (this.mode !== 'real' || this.stopped) return;
    if (this.wallTimer) clearTimeout(this.wallTimer);
    this.wallTimer = undefined;
    const next = this.timers.find((t) => !t.cancelled);
    if (!next) return;
    const wallDelay = Math.max(0, (next.at - this.now()) / this.speed);
    // Capped so a long wait re-checks now and then; Node caps timeouts at ~24.8 days anyway.
    this.wallTimer = setTimeout(
      () => {
        this.wallTimer = undefined;
        this.runDue(this.now());
        this.armWallTimer();
      },
      Math.min(wallDelay, 60_000),
    );
    this.wallTimer.unref();
  }
}
