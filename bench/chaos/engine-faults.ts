/**
 * What the simulated engine does wrong during the chaos run: 500s on any call, slow answers, a create that never
 * answers (the bridge's timeout fires; the create did not happen), a create whose answer is lost after it committed
 * (the VM exists but the bridge never heard of it: the orphan case), dropped connections, and every access token
 * revoked now and then (the bridge holds an expired token and must log in again). Dice are the simulator's, seeded.
 */
import type { FaultSpec, Simulator } from '../../ovirt-simulator';
import type { SeededRandom } from '../../ovirt-simulator/random';

export const CHAOS_FAULTS: Array<FaultSpec & { label: string }> = [
  { label: '500 on any call', kind: 'error', status: 500, rate: 0.03 },
  { label: 'slow answer (400 ms)', kind: 'latency', latencyMs: 400, rate: 0.08 },
  { label: 'create never answers (timeout)', kind: 'hang', method: 'POST', path: '/api/vms', rate: 0.04 },
  { label: 'create answer lost after commit', kind: 'lose_response', method: 'POST', path: '/api/vms', rate: 0.05 },
  { label: 'connection reset on a VM read', kind: 'reset', method: 'GET', path: '/api/vms/*', rate: 0.01 },
];

export interface FaultReport {
  faults: Array<{ label: string; fired: number }>;
  tokenRevocations: number;
}

export class EngineFaults {
  private ids: Array<{ id: string; label: string }> = [];
  private timer: NodeJS.Timeout | undefined;
  private revocations = 0;
  private final: FaultReport | undefined;

  constructor(
    private readonly sim: Simulator,
    private readonly rng: SeededRandom,
    private readonly revokeEveryMs: [number, number],
  ) {}

  start(): void {
    this.ids = CHAOS_FAULTS.map(({ label, ...spec }) => ({ id: this.sim.addFault(spec).id, label }));
    const revokeLater = (): void => {
      this.timer = setTimeout(
        () => {
          this.sim.tokens.revokeAll();
          this.revocations += 1;
          revokeLater();
        },
        this.rng.int(...this.revokeEveryMs),
      );
    };
    revokeLater();
  }

  /** Takes every fault away and returns how often each fired. */
  stop(): FaultReport {
    if (this.final) return this.final;
    clearTimeout(this.timer);
    const fired = new Map(this.sim.faults.list().map((f) => [f.id, f.fired]));
    this.final = { faults: this.ids.map((f) => ({ label: f.label, fired: fired.get(f.id) ?? 0 })), tokenRevocations: this.revocations };
    this.sim.clearFaults();
    return this.final;
  }
}
