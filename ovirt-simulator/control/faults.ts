import { z } from 'zod';
import type { SeededRandom } from '../random';

/**
 * Switchable network and server faults on the engine's endpoints (never on the control API):
 * - `latency`: answer `latencyMs` of wall-clock time later (network delay is real time, not simulated time);
 * - `error`: answer `status` (default 503) with an HTML error page and optionally `Retry-After`, without
 *   touching the world;
 * - `hang`: never answer (the socket stays open until the client gives up or the simulator closes);
 * - `reset`: destroy the connection without an answer;
 * - `lose_response`: carry the request out (a create commits), then destroy the connection instead of answering.
 * A rule matches by method and by a glob on the path below `/ovirt-engine` with `/api/v4` folded to `/api`
 * (e.g. `/api/vms`, `/api/vms/*`, `/sso/*`); `rate` (seeded dice) and `times` limit how often it fires.
 */
export const faultSpecSchema = z
  .object({
    kind: z.enum(['latency', 'error', 'hang', 'reset', 'lose_response']),
    method: z.string().toUpperCase().optional(),
    path: z.string().optional(),
    rate: z.number().min(0).max(1).default(1),
    times: z.number().int().positive().optional(),
    latencyMs: z.number().int().min(0).max(600_000).default(0),
    status: z.number().int().min(400).max(599).default(503),
    retryAfterSeconds: z.number().int().min(0).optional(),
  })
  .strict();

export type FaultSpec = z.input<typeof faultSpecSchema>;
export type FaultRule = z.output<typeof faultSpecSchema> & { id: string; fired: number };

export interface FaultDecision {
  latencyMs: number;
  error: { status: number; retryAfterSeconds: number | undefined } | undefined;
  hang: boolean;
  reset: boolean;
  loseResponse: boolean;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`);
}

export class FaultRegistry {
  private rules: FaultRule[] = [];
  private nextId = 1;

  constructor(private readonly rng: SeededRandom) {}

  add(spec: FaultSpec): FaultRule {
    const parsed = faultSpecSchema.parse(spec);
    const rule: FaultRule = { ...parsed, id: String(this.nextId++), fired: 0 };
    this.rules.push(rule);
    return rule;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  /** Whether any rule is switched on; with none, `decide` never fires and rolls no dice. */
  active(): boolean {
    return this.rules.length > 0;
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** Rolls every matching rule for one request. */
  decide(method: string, path: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, error: undefined, hang: false, reset: false, loseResponse: false };
    if (this.rules.length === 0) return decision;
    for (const rule of [...this.rules]) {
      if (rule.method && rule.method !== method) continue;
      if (rule.path && !globToRegExp(rule.path).test(path)) continue;
      if (rule.rate < 1 && this.rng.next() >= rule.rate) continue;
      rule.fired += 1;
      if (rule.times !== undefined && rule.fired >= rule.times) this.remove(rule.id);
      if (rule.kind === 'latency') decision.latencyMs += rule.latencyMs;
      else if (rule.kind === 'error') decision.error ??= { status: rule.status, retryAfterSeconds: rule.retryAfterSeconds };
      else if (rule.kind === 'hang') decision.hang = true;
      else if (rule.kind === 'reset') decision.reset = true;
      else decision.loseResponse = true;
    }
    return decision;
  }
}
