/**
 * Applying one chunk of engine events in one transaction: the events about our VMs and their hosts are stored, fed to
 * each service's incident builder (domain/timeline.ts) with a gap's samples first, the incidents, timelines and the
 * VMs' hosts written, and the position moved from the value the chunk was read at (event-sync.ts reads the chunks).
 */
import type { Knex } from 'knex';
import { billingIdOfVmName, type Service } from '../domain/service';
import {
  applyGap,
  applyHostEvent,
  applyVmEvent,
  HOST_OK_CODES,
  HOST_TROUBLE_CODES,
  type HostHealth,
  type IncidentDraft,
  type TimelineEvent,
  type TimelineState,
  VM_CODES,
} from '../domain/timeline';
import type { EngineEvent } from '../ovirt';
import { ENGINE_EVENT } from '../domain/engine-event-codes';
import type { EngineEventsRepository, StoredEvent } from '../repositories/engine-events';
import type { EventSyncState, EventSyncStateRepository } from '../repositories/event-sync-state';
import type { IncidentsRepository } from '../repositories/incidents';
import type { ServicesRepository } from '../repositories/services';
import type { ServiceTimelinesRepository } from '../repositories/service-timelines';

/** Another poller moved the position first: this chunk's transaction rolls back, nothing is counted twice. */
export class PositionMovedError extends Error {
  constructor() {
    super('the event position was moved by another poller');
    this.name = 'PositionMovedError';
  }
}

/** Time the engine's record lost (purged events), with our VMs' state sampled when it was found. */
export interface Gap {
  key: string;
  from: number;
  to: number;
  samples: Map<string, { status: string | undefined; host: string | null; startedAt: number | null }>;
}

export class EventApplier {
  constructor(
    private readonly d: {
      knex: Knex;
      events: EngineEventsRepository;
      incidents: IncidentsRepository;
      timelines: ServiceTimelinesRepository;
      position: EventSyncStateRepository;
      services: ServicesRepository;
      vmNamePrefix: string;
      /** Identifies this instance in the position row (host:pid). */
      owner: string;
    },
  ) {}

  /** Stores and applies `chunk` (after `gap`, if any) and moves the position past it, or throws PositionMovedError. */
  async apply(
    position: EventSyncState,
    chunk: EngineEvent[],
    gap: Gap | undefined,
    now: Date,
  ): Promise<{ position: EventSyncState; stored: number; incidents: number; services: number[] }> {
    const { vmNamePrefix: prefix } = this.d;
    const skipUntil = position.skipUntil?.getTime();
    const kept = chunk.filter((e) => {
      if (skipUntil !== undefined && e.time.getTime() <= skipUntil) return false;
      if (e.vm) return (e.vm.name ?? '').startsWith(prefix) && VM_CODES.has(e.code);
      return e.host !== undefined && (HOST_TROUBLE_CODES.has(e.code) || HOST_OK_CODES.has(e.code));
    });
    const last = chunk[chunk.length - 1] as EngineEvent;
    // Read outside the transaction: on SQLite the transaction holds the only connection.
    const gapServices = gap ? (await this.d.services.listWithVm()).filter((s) => s.activatedAt && s.activatedAt.getTime() < gap.to) : [];

    return this.d.knex.transaction(async (trx) => {
      // A reinstall's VM (`<prefix><id>.r<n>`) belongs to the same service as the VM it replaces.
      const billingIdOf = (e: EngineEvent) => (e.vm?.name ? billingIdOfVmName(prefix, e.vm.name) : undefined);
      const billingIds = [...new Set(kept.flatMap((e) => billingIdOf(e) ?? []))];
      const services = await this.d.services.findManyByBillingServiceId(billingIds, trx);
      const serviceOf = (e: EngineEvent) => {
        const service = services.get(billingIdOf(e) ?? '');
        // The removal of a VM the service no longer uses (the one a reinstall replaced, or a reinstall's VM that never
        // took over) does not end the service's record.
        if (service && e.code === ENGINE_EVENT.USER_REMOVE_VM_FINISHED && service.vmId !== null && e.vm?.id !== service.vmId)
          return undefined;
        return service;
      };

      const rows: StoredEvent[] = kept.map((e) => ({
        generation: position.generation,
        index: e.index,
        code: e.code,
        severity: e.severity,
        occurredAt: e.time,
        serviceRowId: serviceOf(e)?.id ?? null,
        vmId: e.vm?.id ?? null,
        vmName: e.vm?.name ?? null,
        hostId: e.host?.id ?? null,
        hostName: e.host?.name ?? null,
        clusterName: e.cluster?.name ?? null,
        correlationId: e.correlationId ?? null,
        description: e.description,
      }));
      await this.d.events.insertMany(rows, now, trx);

      const touched = [
        ...new Set([...rows.flatMap((r) => (r.serviceRowId === null ? [] : [r.serviceRowId])), ...gapServices.map((s) => s.id)]),
      ];
      const states = await this.d.timelines.load(touched, trx);
      const changed = new Map<string, { serviceRowId: number; incident: IncidentDraft }>();
      const record = (serviceRowId: number, list: IncidentDraft[]) => {
        for (const incident of list) changed.set(`${serviceRowId}|${incident.openedBy}`, { serviceRowId: serviceRowId, incident });
      };

      if (gap) {
        for (const s of gapServices) {
          const sample = gap.samples.get(s.vmName ?? '') ?? { status: undefined, host: null, startedAt: null };
          const step = applyGap(states.get(s.id) as TimelineState, gap, sample);
          states.set(s.id, step.state);
          record(s.id, step.changed);
        }
      }

      let hosts: HostHealth = position.hosts;
      for (const row of rows) {
        const event: TimelineEvent = {
          key: `${row.generation}:${row.index}`,
          code: row.code,
          at: row.occurredAt.getTime(),
          hostName: row.hostName,
          description: row.description,
          // Who asked for a stop: the bridge's own calls carry its correlation id.
          correlationId: row.correlationId,
        };
        if (row.vmName === null) {
          hosts = applyHostEvent(hosts, event);
          continue;
        }
        if (row.serviceRowId === null) continue;
        const step = applyVmEvent(states.get(row.serviceRowId) as TimelineState, event, hosts);
        states.set(row.serviceRowId, step.state);
        record(row.serviceRowId, step.changed);
      }

      await this.d.incidents.upsertMany([...changed.values()], now, trx);
      await this.d.timelines.saveMany(states, now, trx);
      await this.followHosts(services, states, now, trx);
      const next: EventSyncState = {
        generation: position.generation,
        lastIndex: last.index,
        lastEventAt: last.time,
        lastPollAt: now,
        skipUntil: position.skipUntil,
        hosts,
      };
      if (!(await this.d.position.advance(position, next, this.d.owner, now, trx))) throw new PositionMovedError();
      return { position: next, stored: rows.length, incidents: changed.size, services: touched };
    });
  }

  /**
   * A VM that runs on another host than its service says (an HA restart, a migration) moves the service's host in the
   * same transaction as the events that told it, without waiting for the VM check.
   */
  private async followHosts(
    services: ReadonlyMap<string, Service>,
    states: ReadonlyMap<number, TimelineState>,
    now: Date,
    trx: Knex.Transaction,
  ): Promise<void> {
    for (const s of services.values()) {
      const state = states.get(s.id);
      if (!state || state.status !== 'up' || !state.host || state.host === s.vmHost || s.actualState !== 'active') continue;
      await this.d.services.updateIf(s.id, { actualState: s.actualState, vmId: s.vmId }, { vmHost: state.host }, now, trx);
    }
  }
}
