/**
 * Every few seconds, SIGKILL one instance at random and start it again a moment later. Before each kill it notes how
 * many jobs that instance held (running, under its lease), so the report shows the kills landed mid-work.
 */
import type { Knex } from 'knex';
import type { SeededRandom } from '../../ovirt-simulator/random';
import type { Fleet } from './fleet';
import { sleep } from './panel';

export interface Kill {
  atMs: number;
  instance: number;
  pid: number;
  /** Jobs running under this process's lease when it died. */
  jobsHeld: number;
}

export class Killer {
  readonly kills: Kill[] = [];
  readonly restartFailures: string[] = [];
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly restarts = new Set<Promise<void>>();
  private readonly startedAt = Date.now();

  constructor(
    private readonly fleet: Fleet,
    private readonly knex: Knex,
    private readonly rng: SeededRandom,
    private readonly everyMs: [number, number],
    private readonly restartAfterMs: [number, number],
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops killing and waits for the restarts already under way. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all(this.restarts);
  }

  private async run(): Promise<void> {
    while (this.running) {
      await sleep(this.rng.int(...this.everyMs));
      if (!this.running) break;
      const live = this.fleet.live();
      if (live.length === 0) continue;
      const index = live[this.rng.int(0, live.length - 1)]!;
      const pid = this.fleet.instances[index]!.pid;
      const held = pid === undefined ? 0 : await this.jobsHeldBy(pid);
      const killed = await this.fleet.kill(index);
      if (killed === undefined) continue;
      this.kills.push({ atMs: Date.now() - this.startedAt, instance: index, pid: killed, jobsHeld: held });
      const restart = sleep(this.rng.int(...this.restartAfterMs))
        .then(() => this.fleet.start(index))
        .catch((err: unknown) => {
          this.restartFailures.push(err instanceof Error ? err.message.slice(0, 500) : String(err));
        });
      this.restarts.add(restart);
      void restart.finally(() => this.restarts.delete(restart));
    }
  }

  private async jobsHeldBy(pid: number): Promise<number> {
    const row = await this.knex('jobs').where('state', 'running').andWhere('lease_owner', 'like', `%:${pid}`).count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }
}
