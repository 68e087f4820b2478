import type { SimClock } from '../clock';
import { EVENTS, renderMessage, type EventName } from './event-catalog';
import type { Cluster, DataCenter, EngineEvent, Host, StorageDomain, Template, Vm } from './model';

/** Who asked for a command: the engine names the user in event texts and tags events with the correlation id. */
export interface Actor {
  userId: string;
  userName: string;
  correlationId: string | undefined;
}

/** Entities an event refers to; the engine links them and includes their names (docs/ovirt-api.md §12.2). */
export interface EventRefs {
  vm?: Vm;
  host?: Host;
  cluster?: Cluster;
  template?: Template;
  storageDomain?: StorageDomain;
  /** For events about a data center alone (the storage pool's status); otherwise derived from the cluster. */
  dataCenter?: DataCenter;
  actor?: Actor;
  correlationId?: string;
}

/** Where an event's missing links come from: a VM's host and cluster, a host's cluster, a cluster's data center. */
export interface EventLinks {
  readonly hosts: ReadonlyMap<string, Host>;
  readonly clusters: ReadonlyMap<string, Cluster>;
  readonly dataCenters: ReadonlyMap<string, DataCenter>;
}

/**
 * The engine's audit log (`audit_log`): events in index order, the index sequence (which only grows, across scenario
 * resets too), the cleanup that purges old events, and listeners for tests and the control API's event stream.
 */
export class AuditLog {
  readonly events: EngineEvent[] = [];
  private readonly listeners = new Set<(event: EngineEvent) => void>();

  constructor(
    private readonly clock: SimClock,
    private readonly entities: EventLinks,
    private nextIndex: number,
  ) {}

  /** The next index this log will hand out. */
  peekNextEventIndex(): number {
    return this.nextIndex;
  }

  /** Logs an engine event with its real code, severity and rendered message. */
  log(name: EventName, params: Record<string, string | number>, refs: EventRefs = {}): EngineEvent {
    const type = EVENTS[name];
    const vm = refs.vm;
    const host = refs.host ?? (vm?.hostId ? this.entities.hosts.get(vm.hostId) : undefined);
    const cluster =
      refs.cluster ?? (vm ? this.entities.clusters.get(vm.clusterId) : host ? this.entities.clusters.get(host.clusterId) : undefined);
    const dc = refs.dataCenter ?? (cluster ? this.entities.dataCenters.get(cluster.dataCenterId) : undefined);
    const actor = refs.actor;
    const allParams: Record<string, string | number> = {
      ...(vm ? { VmName: vm.name } : {}),
      ...(host ? { VdsName: host.name } : {}),
      ...(cluster ? { ClusterName: cluster.name } : {}),
      ...(actor ? { UserName: actor.userName } : {}),
      ...params,
    };
    const event: EngineEvent = {
      index: this.nextIndex++,
      code: type.code,
      severity: type.severity,
      time: this.clock.now(),
      description: renderMessage(type.template, allParams),
      correlationId: refs.correlationId ?? actor?.correlationId,
      vm: vm ? { id: vm.id, name: vm.name } : undefined,
      host: host ? { id: host.id, name: host.name } : undefined,
      cluster: cluster ? { id: cluster.id, name: cluster.name } : undefined,
      dataCenter: dc ? { id: dc.id, name: dc.name } : undefined,
      template: refs.template ? { id: refs.template.id, name: refs.template.name } : undefined,
      storageDomain: refs.storageDomain ? { id: refs.storageDomain.id, name: refs.storageDomain.name } : undefined,
      user: actor ? { id: actor.userId, name: actor.userName } : undefined,
    };
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /**
   * Position in `events` of the first event whose index is above `index`. The log stays sorted by index (it only
   * ever grows at the end, purges keep the order, an id restart empties it first), so this is a binary search.
   */
  firstEventAfter(index: number): number {
    const events = this.events;
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((events[mid] as EngineEvent).index <= index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The event with this index, if the audit log still holds it (a purge or an id restart removes events). */
  eventByIndex(index: number): EngineEvent | undefined {
    const event = this.events[this.firstEventAfter(index - 1)];
    return event?.index === index ? event : undefined;
  }

  /**
   * The engine's audit-log cleanup: deletes the events `match` selects and returns how many. Done in place, in
   * order, so the log stays sorted by index; the indexes of the remaining and future events do not change.
   */
  deleteEvents(match: (event: EngineEvent) => boolean): number {
    const events = this.events;
    let kept = 0;
    for (const event of events) {
      if (!match(event)) events[kept++] = event;
    }
    const removed = events.length - kept;
    events.length = kept;
    return removed;
  }

  /**
   * An engine reinstalled or restored from an old backup: the audit log is empty and its sequence starts again at
   * `next`. Everything else in the world stays as it is.
   */
  restartEventIndex(next: number): void {
    this.events.length = 0;
    this.nextIndex = next;
  }

  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
