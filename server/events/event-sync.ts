/**
 * Event ingestion: the leader polls the engine's audit log (`GET /events?from=<last index>`, no `max`: see the
 * client), keeps the events about our VMs and the hosts they run on, feeds them to each service's incident builder
 * (domain/timeline.ts) and moves its durable position, all in one transaction per chunk. The position only moves
 * from the value the chunk was read at, so two pollers during a leadership change never count an event twice.
 *
 * It survives: a long outage of the bridge (it reads on from its last index), an engine that restarted its event ids
 * (a new generation; events older than what we had read are skipped), and an engine that purged events we had not
 * read yet (the lost time is sampled from the VMs' state and recorded as unknown, never as up).
 *
 * This file is the leader's loop and the reading (position, id restarts, gaps); event-applier.ts writes each chunk.
 */

export { PositionMovedError } from './event-applier';
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { EventMetrics } from '../metrics/registry';
import type { OvirtClient } from '../ovirt';
import type { EventSyncState, EventSyncStateRepository } from '../repositories/event-sync-state';
import { type EventApplier, type Gap, PositionMovedError } from './event-applier';
import type { Leadership } from './leadership';
import type { ReconcileResult, VmReconciler } from './vm-reconcile';

export interface EventSyncDeps {
  knex: Knex;
  ovirt: Pick<OvirtClient, 'events' | 'listVms'>;
  position: EventSyncStateRepository;
  /** Writes each chunk of events, with the position, in one transaction. */
  applier: EventApplier;
  leadership: Leadership;
  clock: Clock;
  logger: Logger;
  vmNamePrefix: string;
  /** Identifies this instance in the position row (host:pid). */
  owner: string;
  pollMs: number;
  /** Events per transaction. */
  chunkSize?: number;
  /** Counts events once their chunk committed; optional for tests and benchmarks. */
  metrics?: EventMetrics;
  /** Called after a poll that opened, changed or closed incidents, so their notices need not wait for the next sweep. */
  onIncidents?: () => void;
  /** The periodic VM check, run by the leader after a poll every `reconcileMs`; none when absent or 0. */
  reconciler?: Pick<VmReconciler, 'run'>;
  reconcileMs?: number;
}

export interface PollResult {
  /** Events the engine returned. */
  read: number;
  /** Events kept (about our VMs or hosts). */
  stored: number;
  /** Incidents opened, changed or closed. */
  incidents: number;
  gap: { from: Date; to: Date } | undefined;
  idRestart: boolean;
  /** Our services (row ids) whose timelines this poll changed. */
  services: Set<number>;
}

export class EventSync {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  /** When this instance last ran the VM check (clock ms); in memory: a new leader checks at its first tick. */
  private reconciledAt: number | undefined;

  constructor(private readonly d: EventSyncDeps) {}

  /** Polls every `pollMs` while this instance leads; tries to take the lead on every tick otherwise. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    await this.d.leadership.release();
  }

  /** One tick: lead if possible, then poll, then the VM check when it is due. Exposed for tests; errors are the caller's. */
  async tick(): Promise<PollResult | undefined> {
    if (!(await this.d.leadership.acquire())) return undefined;
    const result = await this.pollOnce();
    const every = this.d.reconcileMs ?? 0;
    const now = this.d.clock.now().getTime();
    if (this.d.reconciler && every > 0 && (this.reconciledAt === undefined || now - this.reconciledAt >= every)) {
      // Due or not, a failed check waits a whole period: it lists every VM, and an engine in trouble needs no more load.
      this.reconciledAt = now;
      try {
        await this.reconcile();
      } catch (err) {
        // The events were read and kept; only the check failed (the engine's list, or a write). Said as such.
        this.d.logger.warn({ err }, 'the VM check failed; it runs again next period');
      }
    }
    return result;
  }

  /**
   * The VM check now, as the leader (undefined when another instance leads). Events that arrive while the engine
   * lists the VMs are read right after the list, so the check defers to them (vm-reconcile.ts).
   */
  async reconcile(): Promise<ReconcileResult | undefined> {
    if (!this.d.reconciler || !(await this.d.leadership.acquire())) return undefined;
    return this.d.reconciler.run({ afterList: async () => (await this.pollOnce()).services });
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .then(() => undefined)
        .catch((err: unknown) => {
          // The engine or the database is away: the position is durable, the next tick reads on from it.
          this.d.logger.warn({ err }, 'event poll failed; retrying at the next tick');
        })
        .finally(() => {
          this.running = undefined;
          this.schedule(this.d.pollMs);
        });
    }, ms);
    this.timer.unref?.();
  }

  /** Reads everything new from the engine and applies it. */
  async pollOnce(): Promise<PollResult> {
    const now = this.d.clock.now();
    const result: PollResult = { read: 0, stored: 0, incidents: 0, gap: undefined, idRestart: false, services: new Set() };
    let position = await this.d.position.get();
    if (!position) {
      // First start: history before the bridge was installed is not ours to judge; read from the newest event on.
      const latest = await this.d.ovirt.events.latestEventIndex();
      await this.d.position.init(
        { generation: 1, lastIndex: latest, lastEventAt: null, lastPollAt: now, skipUntil: null, hosts: {} },
        this.d.owner,
        now,
      );
      return result;
    }

    let events = await this.d.ovirt.events.eventsSince(position.lastIndex);
    if (events.length === 0) {
      const latest = await this.d.ovirt.events.latestEventIndex();
      if (latest >= position.lastIndex && !(await this.restartedAtSameIndex(position, latest))) {
        await this.move(position, { ...position, lastPollAt: now });
        return result;
      }
      // The engine's newest id is below ours: its event ids started again (reinstalled or restored engine).
      this.d.logger.warn(
        { latest, ours: position.lastIndex, generation: position.generation + 1 },
        'the engine restarted its event ids; reading the new sequence from the start',
      );
      const next: EventSyncState = {
        ...position,
        generation: position.generation + 1,
        lastIndex: 0,
        skipUntil: position.lastEventAt ?? position.lastPollAt,
      };
      await this.move(position, next);
      position = next;
      result.idRestart = true;
      events = await this.d.ovirt.events.eventsSince(0);
      if (events.length === 0) return result;
    }
    result.read = events.length;

    let gap: Gap | undefined;
    const first = events[0];
    const knownUntil = position.lastPollAt ?? position.lastEventAt;
    if (first && position.lastIndex > 0 && first.index > position.lastIndex + 1 && knownUntil && first.time > knownUntil) {
      gap = {
        key: `gap:${position.generation}:${position.lastIndex}`,
        from: knownUntil.getTime(),
        to: first.time.getTime(),
        samples: await this.sample(),
      };
      result.gap = { from: new Date(gap.from), to: new Date(gap.to) };
      this.d.logger.warn(
        { from: result.gap.from, to: result.gap.to, after: position.lastIndex, next: first.index },
        'events missing from the engine (purged?); that time is unknown unless the VM ran throughout',
      );
    }

    const size = this.d.chunkSize ?? 2000;
    for (let i = 0; i < events.length; i += size) {
      const chunk = events.slice(i, i + size);
      const applied = await this.d.applier.apply(position, chunk, i === 0 ? gap : undefined, now);
      this.d.metrics?.ingested.inc({ kept: 'true' }, applied.stored);
      this.d.metrics?.ingested.inc({ kept: 'false' }, chunk.length - applied.stored);
      position = applied.position;
      result.stored += applied.stored;
      result.incidents += applied.incidents;
      for (const id of applied.services) result.services.add(id);
    }
    if (result.incidents > 0) this.d.onIncidents?.();
    return result;
  }

  /**
   * A restarted sequence can reach exactly our last index before we look; then the event under that index is another
   * one than we read (another time, or none at all).
   */
  private async restartedAtSameIndex(position: EventSyncState, latest: number): Promise<boolean> {
    if (latest !== position.lastIndex || position.lastIndex === 0 || !position.lastEventAt) return false;
    const event = await this.d.ovirt.events.findEvent(position.lastIndex);
    return !event || event.time.getTime() !== position.lastEventAt.getTime();
  }

  /** Moves the position alone (no events), under the same compare-and-set. */
  private async move(from: EventSyncState, to: EventSyncState): Promise<void> {
    await this.d.knex.transaction(async (trx) => {
      if (!(await this.d.position.advance(from, to, this.d.owner, this.d.clock.now(), trx))) throw new PositionMovedError();
    });
  }

  /** Our VMs' state now, by name: what a gap in the record is judged by. */
  private async sample(): Promise<Gap['samples']> {
    const vms = await this.d.ovirt.listVms({ search: `name=${this.d.vmNamePrefix}*` });
    return new Map(
      vms.map((vm) => [vm.name, { status: vm.status, host: vm.hostName ?? null, startedAt: vm.startTime?.getTime() ?? null }]),
    );
  }
}
