/**
 * The VM reconcile: every VM_RECONCILE_SECONDS the event leader lists the bridge's VMs in one
 * engine call (`GET /vms?search=name=<prefix>*`) and compares them with what it believes. Events tell most of the
 * story; this catches what they cannot: a VM deleted by hand (the service becomes `vm_missing`, an incident of that
 * cause opens and counts as downtime, the panel gets `service.failed` with `error: "vm_missing"`), a VM that runs on
 * another host than the service says, and a state the events missed (the timeline is corrected with a step that
 * says the check found it; rules in domain/vm-reconcile.ts).
 *
 * Cost per period: one list call (plus one host list when a host id is new to this process), one read of the
 * services and, for the timelines, reads in chunks; writes only for what differs.
 *
 * Races: services are read before the list, and every service write is conditional on the state and VM id read
 * (ServicesRepository.updateIf), so a job that moved a service on meanwhile wins. Events that arrive after the list
 * are read right after it (`afterList`), and the services they touch are left to the events this period.
 */
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import type { ErrorCode } from '../error-codes';
import { type Correction, endMissing, reconcileMissing, reconcileObserved, type ObservedVm } from '../domain/vm-reconcile';
import { isOurVm, type Service } from '../domain/service';
import type { IncidentDraft, TimelineState } from '../domain/timeline';
import type { Logger } from '../logger';
import type { ReconcileMetrics } from '../metrics/registry';
import type { OvirtClient, Vm } from '../ovirt';
import type { EngineEventsRepository } from '../repositories/engine-events';
import type { IncidentsRepository } from '../repositories/incidents';
import type { PlansRepository } from '../repositories/plans';
import type { ServiceChanges, ServicesRepository, VmReconcileTarget } from '../repositories/services';
import type { ServiceTimelinesRepository } from '../repositories/service-timelines';
import type { CallbackService, CallbackType } from '../use-cases/callbacks';

export interface VmReconcileDeps {
  knex: Knex;
  ovirt: Pick<OvirtClient, 'listVms' | 'listHosts' | 'findVm'>;
  services: ServicesRepository;
  timelines: ServiceTimelinesRepository;
  incidents: IncidentsRepository;
  events: EngineEventsRepository;
  plans: PlansRepository;
  callbacks: CallbackService;
  clock: Clock;
  logger: Logger;
  vmNamePrefix: string;
  metrics?: ReconcileMetrics;
  /** Services written per transaction. */
  chunkSize?: number;
}

export interface ReconcileResult {
  /** VMs the engine listed. */
  listed: number;
  /** Services compared. */
  checked: number;
  /** Services found without their VM this period. */
  missing: number;
  /** vm_missing services whose VM was found again. */
  back: number;
  /** Services whose VM host was updated. */
  hostsUpdated: number;
  /** Timelines corrected (state, not just host). */
  corrected: number;
  /** Services left to the events this period (they had events newer than the list). */
  deferred: number;
}

/** The public reason a VM went missing, for the panel (`service.failed`'s `error`). */
export const VM_MISSING: ErrorCode = 'vm_missing';
/** VMs absent from the list that are each read by id before being called missing. */
const CONFIRM_EACH = 20;
/** Past CONFIRM_EACH, how many are read to check the list itself. */
const CONFIRM_SAMPLE = 5;

/** `n` items spread over the list (first, last and between), so a sample is not only the oldest services. */
function sample<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  return Array.from({ length: n }, (_, i) => items[Math.round((i * (items.length - 1)) / (n - 1))] as T);
}

interface Change {
  target: VmReconcileTarget;
  service?: ServiceChanges;
  state?: TimelineState;
  incidents: IncidentDraft[];
  callback?: CallbackType;
}

export class VmReconciler {
  private readonly hostNames = new Map<string, string>();

  constructor(private readonly d: VmReconcileDeps) {}

  /**
   * One period's check. `afterList` reads the events that came in while the list was being made and answers which
   * services they touched (EventSync passes its poll).
   */
  async run(options: { afterList?: () => Promise<ReadonlySet<number>> } = {}): Promise<ReconcileResult> {
    const startedMs = performance.now();
    const result: ReconcileResult = { listed: 0, checked: 0, missing: 0, back: 0, hostsUpdated: 0, corrected: 0, deferred: 0 };
    const targets = await this.d.services.listForVmReconcile();
    const vms = await this.d.ovirt.listVms({ search: `name=${this.d.vmNamePrefix}*` });
    result.listed = vms.length;
    const touched = options.afterList ? await options.afterList() : new Set<number>();
    await this.learnHosts(vms);
    const now = this.d.clock.now();
    const at = now.getTime();
    const byId = new Map(vms.map((vm) => [vm.id, vm]));
    const byName = new Map(vms.map((vm) => [vm.name, vm]));

    // First pass without the timelines: which services need theirs at all.
    const found = new Map<number, Vm | undefined>();
    for (const t of targets) {
      if (t.actualState === 'active' && t.desiredState !== 'active') continue;
      if (t.actualState === 'suspended' && t.desiredState !== 'suspended') continue;
      result.checked++;
      const byNameVm = t.vmName ? byName.get(t.vmName) : undefined;
      // Our VM by its id, or one under our name that we made (provisioning's `locate` looks the same way).
      found.set(t.id, byId.get(t.vmId) ?? (byNameVm && isOurVm(byNameVm.comment, t.billingServiceId) ? byNameVm : undefined));
    }
    const stateOf = new Map(targets.map((t) => [t.id, t.actualState]));
    if (!(await this.listIsTrustworthy(targets, found, stateOf))) {
      this.d.logger.warn(
        { listed: vms.length, checked: result.checked },
        "VM reconcile skipped: VMs missing from the engine's list answer when read one by one (a filtered or partial list?)",
      );
      return result;
    }
    const timelines = await this.d.timelines.load([...found.keys()]);
    const missingIds = [...found].filter(([id, vm]) => vm === undefined && stateOf.get(id) !== 'vm_missing').map(([id]) => id);
    const removals = missingIds.length > 0 ? await this.d.events.removalTimes(missingIds) : new Map<string, Date>();

    const changes: Change[] = [];
    for (const t of targets) {
      if (!found.has(t.id)) continue;
      const vm = found.get(t.id);
      const state = timelines.get(t.id) as TimelineState;
      const key = `reconcile:${at}`;
      if (!vm) {
        if (t.actualState === 'vm_missing') continue;
        const since = removals.get(t.vmId)?.getTime() ?? at;
        const step = reconcileMissing(state, { key, at, since });
        const lastError =
          `The VM ${t.vmName ?? t.vmId} is gone from the engine, though the bridge was not asked to remove it ` +
          `(found ${now.toISOString()}). The panel's Create builds a new VPS; Terminate ends the service.`;
        changes.push({
          target: t,
          service: { actualState: 'vm_missing', lastError },
          state: step.state,
          incidents: step.changed,
          callback: 'service.failed',
        });
        result.missing++;
        continue;
      }
      const observed: ObservedVm = { status: vm.status, host: this.hostOf(vm), startedAt: vm.startTime?.getTime() ?? null };
      const service: ServiceChanges = {};
      let callback: CallbackType | undefined;
      if (vm.id !== t.vmId) service.vmId = vm.id;
      if (observed.host && observed.host !== t.vmHost && t.actualState !== 'suspended') service.vmHost = observed.host;
      if (t.actualState === 'vm_missing') {
        service.actualState = t.desiredState === 'suspended' ? 'suspended' : 'active';
        service.lastError = null;
        if (service.actualState === 'active') callback = 'service.active';
        result.back++;
      }
      let correction: Correction = 'none';
      let next: { state: TimelineState; changed: IncidentDraft[] } = { state, changed: [] };
      if (touched.has(t.id) && t.actualState !== 'vm_missing') {
        result.deferred++;
      } else {
        const step = reconcileObserved(state, observed, at, key, t.actualState === 'suspended');
        correction = step.correction;
        next = step;
      }
      if (service.vmHost !== undefined) result.hostsUpdated++;
      if (correction === 'state') result.corrected++;
      if (Object.keys(service).length === 0 && correction === 'none') continue;
      changes.push({
        target: t,
        service: Object.keys(service).length > 0 ? service : undefined,
        state: correction === 'none' ? undefined : next.state,
        incidents: next.changed,
        callback,
      });
    }

    await this.write(changes, now);
    await this.endMissingOfTerminated(now);
    this.d.metrics?.findings.inc({ finding: 'vm_missing' }, result.missing);
    this.d.metrics?.findings.inc({ finding: 'vm_back' }, result.back);
    this.d.metrics?.findings.inc({ finding: 'host_changed' }, result.hostsUpdated);
    this.d.metrics?.findings.inc({ finding: 'state_corrected' }, result.corrected);
    this.d.metrics?.duration.observe((performance.now() - startedMs) / 1000);
    if (result.missing + result.back + result.hostsUpdated + result.corrected > 0)
      this.d.logger.info({ ...result }, 'VM reconcile found differences with the engine');
    return result;
  }

  /** Host ids new to this process are named with one host list (VMs carry only their host's id). */
  private async learnHosts(vms: readonly Vm[]): Promise<void> {
    if (!vms.some((vm) => vm.hostId && !vm.hostName && !this.hostNames.has(vm.hostId))) return;
    for (const h of await this.d.ovirt.listHosts()) this.hostNames.set(h.id, h.name);
  }

  private hostOf(vm: Vm): string | null {
    if (!vm.hostId) return null;
    return vm.hostName ?? this.hostNames.get(vm.hostId) ?? null;
  }

  private async write(changes: readonly Change[], now: Date): Promise<void> {
    const size = this.d.chunkSize ?? 200;
    for (let i = 0; i < changes.length; i += size) {
      const chunk = changes.slice(i, i + size);
      await this.d.knex.transaction(async (trx) => {
        const states = new Map<number, TimelineState>();
        const incidents: Array<{ serviceRowId: number; incident: IncidentDraft }> = [];
        for (const c of chunk) {
          if (
            c.service &&
            !(await this.d.services.updateIf(c.target.id, { actualState: c.target.actualState, vmId: c.target.vmId }, c.service, now, trx))
          ) {
            // A job changed the service since it was read: it knows better; the next period looks again.
            continue;
          }
          if (c.state) states.set(c.target.id, c.state);
          for (const incident of c.incidents) incidents.push({ serviceRowId: c.target.id, incident });
          if (c.callback) await this.notify(trx, c.target.id, c.callback);
        }
        await this.d.incidents.upsertMany(incidents, now, trx);
        await this.d.timelines.saveMany(states, now, trx);
      });
    }
  }

  private async notify(trx: Knex.Transaction, serviceRowId: number, type: CallbackType): Promise<void> {
    const service = (await this.d.services.findById(serviceRowId, trx)) as Service;
    const plan = await this.d.plans.findById(service.planId, trx);
    await this.d.callbacks.enqueue(trx, type, service, plan, type === 'service.failed' ? { error: VM_MISSING } : {});
  }

  /**
   * A VM absent from the list is read once by its id before anything is concluded: a list can be wrong in ways one
   * read is not (an engine user whose filter hides VMs, a search the engine parsed otherwise), and taking such a list
   * at its word would mark every VPS vm_missing and tell every panel it failed. Up to CONFIRM_EACH are each confirmed;
   * past that a sample is read, and any VM found means the list is not to be trusted this period. Costs reads only
   * when VMs seem to be gone, never in a quiet period.
   */
  private async listIsTrustworthy(
    targets: VmReconcileTarget[],
    found: Map<number, Vm | undefined>,
    stateOf: Map<number, string>,
  ): Promise<boolean> {
    const absent = targets.filter((t) => found.has(t.id) && found.get(t.id) === undefined && stateOf.get(t.id) !== 'vm_missing' && t.vmId);
    if (absent.length === 0) return true;
    const toRead = absent.length <= CONFIRM_EACH ? absent : sample(absent, CONFIRM_SAMPLE);
    for (const t of toRead) {
      const vm = await this.d.ovirt.findVm(t.vmId);
      if (!vm) continue;
      if (absent.length > CONFIRM_EACH) return false;
      // Only this one was hidden from the list: it is there, so it is not missing.
      found.set(t.id, vm);
    }
    return true;
  }

  /**
   * A terminated service has nothing left to miss: its open `vm_missing` incident ends when it was terminated (the
   * panel's terminate finds no VM to remove and finishes; provisioning.ts).
   */
  private async endMissingOfTerminated(now: Date): Promise<void> {
    const open = await this.d.incidents.listOpenByCause('vm_missing');
    if (open.length === 0) return;
    const services = await this.d.services.findManyByIds([...new Set(open.map((i) => i.serviceRowId))]);
    const ending = open.filter((i) => services.get(i.serviceRowId)?.actualState === 'terminated');
    if (ending.length === 0) return;
    const timelines = await this.d.timelines.load([...new Set(ending.map((i) => i.serviceRowId))]);
    await this.d.knex.transaction(async (trx) => {
      const states = new Map<number, TimelineState>();
      const incidents = ending.map((i) => {
        const at = (services.get(i.serviceRowId) as Service).updatedAt.getTime();
        const state = timelines.get(i.serviceRowId) as TimelineState;
        if (state.open?.openedBy === i.openedBy) states.set(i.serviceRowId, endMissing(state, at).state);
        const { id: _id, serviceRowId: serviceRowId, ...draft } = i;
        return { serviceRowId, incident: { ...draft, endedAt: Math.max(i.startedAt, at) } };
      });
      await this.d.incidents.upsertMany(incidents, now, trx);
      await this.d.timelines.saveMany(states, now, trx);
    });
  }
}
