/**
 * Readiness: can this instance serve? False while draining for shutdown, so a load balancer stops sending traffic
 * before connections close, and false when a dependency it needs is unreachable.
 */
export interface ReadinessCheck {
  name: string;
  /** Whether a failure makes the instance not ready (the engine being away does not: webhooks still queue). */
  required: boolean;
  run(): Promise<CheckResult>;
}

export interface CheckResult {
  ok: boolean;
  /** Why not, in words safe for anyone (readiness is public). */
  detail?: string;
  /**
   * What only authenticated callers may read in place of `detail`: the engine's product and exact version tell an
   * attacker which advisories apply.
   */
  privateDetail?: string;
}

export interface ReadinessReport {
  ready: boolean;
  status: 'ready' | 'not_ready' | 'draining';
  checks: Record<string, CheckResult>;
}

export class ReadinessProbe {
  private draining = false;
  constructor(
    private readonly checks: ReadinessCheck[],
    private readonly timeoutMs = 3000,
  ) {}

  startDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  async check(): Promise<ReadinessReport> {
    const results: ReadinessReport['checks'] = {};
    await Promise.all(
      this.checks.map(async (c) => {
        results[c.name] = await this.runOne(c);
      }),
    );
    const failedRequired = this.checks.some((c) => c.required && !results[c.name]?.ok);
    if (this.draining) return { ready: false, status: 'draining', checks: results };
    return { ready: !failedRequired, status: failedRequired ? 'not_ready' : 'ready', checks: results };
  }

  private async runOne(c: ReadinessCheck): Promise<CheckResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<{ ok: boolean; detail: string }>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${this.timeoutMs} ms` }), this.timeoutMs);
    });
    try {
      return await Promise.race([c.run(), timeout]);
    } catch (err) {
      return { ok: false, detail: err instanceof Error ? err.message : 'check failed' };
    } finally {
      clearTimeout(timer);
    }
  }
}
