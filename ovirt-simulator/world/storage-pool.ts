import type { TimerHandle } from '../clock';
import type { EngineCore } from './engine-core';
import type { DataCenter, Host, HostStatus } from './model';

/** Statuses a command sets through `SetVdsStatus` (monitoring sets `connecting` and `non_responsive` itself). */
const COMMANDED: ReadonlySet<HostStatus> = new Set<HostStatus>(['preparing_for_maintenance', 'maintenance', 'reboot', 'down']);

/** `VdsmErrors.properties` VDS_NETWORK_ERROR, the `${Error}` of 987 when the SPM does not answer. */
const NETWORK_ERROR = 'Network error during communication with the Host.';

/**
 * The storage pool manager of each data center, as the engine's `IrsProxyImpl` keeps it (ENG
 * `irsbroker/IrsProxyImpl`, `ResetIrsVDSCommand`, `storage/FenceVdsManualyCommand`, `SetVdsStatusVDSCommand`,
 * `storage/pool/SetStoragePoolStatusCommand`). A host's `spm.status` is the pool's `spm_vds_id` (the `vds` view:
 * `contending` while the pool is Contend).
 *
 * - Every `StoragePoolRefreshTimeInSeconds` (10 s) the engine asks the SPM for its status. When the SPM does not
 *   answer (a network error), the pool goes NonResponsive — the API's `problematic` — with 987 naming the SPM and
 *   the network error, its active storage domains go `unknown`, and nothing else happens: a network error causes no
 *   failover, and an election would stop anyway because the storage still names the unreachable host as SPM. The
 *   role stays with the failed host, `connecting`, `non_responsive` or `reboot`, until it is fenced or confirmed
 *   rebooted (`FenceVdsManualy` → `ResetIrs` with "already rebooted" frees it), or until it answers again.
 * - An SPM that answers but is no longer SPM (its vdsm restarted: soft fencing, power back) sets the pool
 *   NonResponsive with 980 and is replaced.
 * - An SPM that a command moves out of `up` (maintenance, a user's fence restart or stop) while it answers is
 *   stopped at once (`SpmStop`).
 * - The election (`getHostFromVds`): the pool goes NonResponsive with 986 unless it already is; the `up` host with
 *   the highest SPM priority (never -1) contends (pool `contend`), then becomes SPM: pool `up`, domains `active`,
 *   204 "Storage Pool Manager runs on Host …" (logged without entity links, as the engine does).
 */
export class SpmManager {
  private readonly refreshTimers = new Map<string, TimerHandle>();
  /** SPM hosts whose vdsm restarted: still named SPM by the pool until the next refresh finds out. */
  private readonly lostRole = new Set<string>();

  constructor(private readonly engine: EngineCore) {}

  private get world() {
    return this.engine.world;
  }

  private dataCenterOf(host: Host): DataCenter | undefined {
    return this.world.dataCenterOf(this.world.cluster(host.clusterId));
  }

  private hostsIn(dc: DataCenter): Host[] {
    return [...this.world.hosts.values()].filter((h) => this.world.cluster(h.clusterId).dataCenterId === dc.id);
  }

  /** The pool's `spm_vds_id`: the SPM or the host contending for the role. */
  spmOf(dc: DataCenter): Host | undefined {
    return this.hostsIn(dc).find((h) => h.spmStatus !== 'none');
  }

  private candidates(dc: DataCenter): Host[] {
    return this.hostsIn(dc)
      .filter((h) => h.status === 'up' && h.spmPriority >= 0)
      .sort((a, b) => b.spmPriority - a.spmPriority || a.name.localeCompare(b.name));
  }

  /** A world as a scenario describes it: each data center with an `up` host already has its SPM (no events). */
  settle(host: Host): void {
    const dc = this.dataCenterOf(host);
    if (!dc || this.spmOf(dc)) return;
    const next = this.candidates(dc)[0];
    if (next) next.spmStatus = 'spm';
  }

  /** A host's status changed (monitoring, fencing, maintenance, activation). */
  hostStatusChanged(host: Host): void {
    const dc = this.dataCenterOf(host);
    if (!dc) return;
    const spm = this.spmOf(dc);
    if (spm === host && COMMANDED.has(host.status) && host.fault === 'none' && host.poweredOn) {
      // SetVdsStatusVDSCommand: an SPM moved out of Up by a command is stopped (ResetIrs → SpmStop) at once; on a
      // host that does not answer the SpmStop fails and the role stays (a fence's `reboot` of a dead SPM).
      this.release(host);
      this.arm(dc);
    } else if (!spm && host.status === 'up') {
      this.arm(dc);
    }
  }

  /** The SPM host stopped answering: the next pool refresh will notice. */
  hostUnreachable(host: Host): void {
    const dc = this.dataCenterOf(host);
    if (dc && host.spmStatus !== 'none') this.arm(dc);
  }

  /** The host answers again without having been fenced; `vdsmRestarted` when it lost its SPM role doing so. */
  hostAnswers(host: Host, vdsmRestarted: boolean): void {
    const dc = this.dataCenterOf(host);
    if (!dc || host.spmStatus === 'none') return;
    if (vdsmRestarted) this.lostRole.add(host.id);
    this.arm(dc);
  }

  /**
   * `FenceVdsManualy` (a power-management restart's middle step, or "Confirm host has been rebooted"): the fenced
   * SPM gives up the role (`ResetIrs`, already rebooted) and the next refresh elects another host.
   */
  hostFenced(host: Host): void {
    const dc = this.dataCenterOf(host);
    if (!dc || host.spmStatus === 'none') return;
    this.release(host);
    this.arm(dc);
  }

  private release(host: Host): void {
    host.spmStatus = 'none';
    this.lostRole.delete(host.id);
  }

  /** Schedules the data center's next pool refresh, unless one is pending. */
  private arm(dc: DataCenter): void {
    if (this.refreshTimers.has(dc.id)) return;
    const timer = this.engine.clock.schedule(
      this.engine.timings.storagePoolRefreshMs,
      () => {
        this.refreshTimers.delete(dc.id);
        if (this.world.dataCenters.get(dc.id) === dc) this.refresh(dc);
      },
      `pool-refresh ${dc.name}`,
    );
    this.refreshTimers.set(dc.id, timer);
  }

  /** `IrsProxyImpl.updatingTimerElapsed` → `proceedStoragePoolStats`, then the election an IRS call triggers. */
  private refresh(dc: DataCenter): void {
    const spm = this.spmOf(dc);
    if (spm?.spmStatus === 'contending') return;
    if (spm) {
      const answers = spm.fault === 'none' && spm.poweredOn && spm.status !== 'reboot' && spm.status !== 'down';
      if (!answers) {
        if (dc.status === 'up') this.poolProblematic(dc, 'SYSTEM_CHANGE_STORAGE_POOL_STATUS_PROBLEMATIC_WITH_ERROR', spm);
        // Asked again every refresh while the role stays with the unreachable host.
        this.arm(dc);
        return;
      }
      if (!this.lostRole.has(spm.id)) {
        // "if recovered from network exception set back to up": no event.
        if (dc.status !== 'up') this.poolUp(dc);
        return;
      }
      if (dc.status === 'up') this.poolProblematic(dc, 'SYSTEM_CHANGE_STORAGE_POOL_STATUS_PROBLEMATIC', spm);
      this.release(spm);
    }
    this.elect(dc);
  }

  private elect(dc: DataCenter): void {
    if (dc.status !== 'problematic') this.poolProblematic(dc, 'SYSTEM_CHANGE_STORAGE_POOL_STATUS_PROBLEMATIC_SEARCHING_NEW_SPM');
    const next = this.candidates(dc)[0];
    if (!next) return; // no host to elect: the next host that comes up arms a refresh
    dc.status = 'contend';
    next.spmStatus = 'contending';
    const epoch = next.epoch;
    this.engine.clock.schedule(
      this.engine.timings.spmStartMs,
      () => {
        if (next.spmStatus !== 'contending') return;
        if (next.epoch !== epoch || next.status !== 'up') {
          // SpmStart failed: startSpm logs 980 and the pool stays NonResponsive until the next refresh.
          next.spmStatus = 'none';
          this.poolProblematic(dc, 'SYSTEM_CHANGE_STORAGE_POOL_STATUS_PROBLEMATIC', next);
          this.arm(dc);
          return;
        }
        next.spmStatus = 'spm';
        this.poolUp(dc);
        // handleSelectedVdsForSPM fills both ${VdsName} and ${ServerIp} with the host's address.
        this.world.log('IRS_HOSTED_ON_VDS', { VdsName: next.address, ServerIp: next.address, StoragePoolName: dc.name });
      },
      `spm-start ${next.name}`,
    );
  }

  /** `SetStoragePoolStatusCommand` to NonResponsive: its active domains go `unknown`; the event names the SPM. */
  private poolProblematic(
    dc: DataCenter,
    event:
      | 'SYSTEM_CHANGE_STORAGE_POOL_STATUS_PROBLEMATIC'
      | 'SYSTEM_CHANGE_STORAGE_POOL_STATUS_PROBLEMATIC_WITH_ERROR'
      | 'SYSTEM_CHANGE_STORAGE_POOL_STATUS_PROBLEMATIC_SEARCHING_NEW_SPM',
    spm?: Host,
  ): void {
    dc.status = 'problematic';
    for (const sd of this.world.storageDomains.values()) {
      if (sd.dataCenterId === dc.id && sd.status === 'active') sd.status = 'unknown';
    }
    const params = {
      StoragePoolName: dc.name,
      // The command names the pool's SPM, "Unavailable" when it has none.
      VdsName: spm?.name ?? 'Unavailable',
      ...(event === 'SYSTEM_CHANGE_STORAGE_POOL_STATUS_PROBLEMATIC_WITH_ERROR' ? { Error: NETWORK_ERROR } : {}),
    };
    this.world.log(event, params, spm ? { host: spm } : { dataCenter: dc });
  }

  /** Domain monitoring reports the domains again once the pool has its SPM. */
  private poolUp(dc: DataCenter): void {
    dc.status = 'up';
    for (const sd of this.world.storageDomains.values()) {
      if (sd.dataCenterId === dc.id && sd.status === 'unknown') sd.status = 'active';
    }
  }
}
