/**
 * A customer's ways into their VPS besides SSH: the engine's remote-viewer connection file for the VM's
 * graphics console, and what the VM uses now with the engine's recent history. Both faces (the panel's API and the
 * client area) call these; the console file counts as an action (recorded, limited).
 */
import type { Clock } from '../clock';
import type { Actor } from '../domain/service-action';
import { actionCorrelationId } from '../domain/service-action';
import { ConflictError, NotFoundError } from '../errors';
import type { OvirtClient } from '../ovirt/client';
import { CONSOLE_TICKET_SECONDS, type VmStatistic } from '../ovirt/vm-console';
import type { ServiceActionsRepository } from '../repositories/service-actions';
import type { ServicesRepository } from '../repositories/services';
import { engineReason, isEngineRefusal } from './action-runner';
import type { ServiceActions } from './service-actions';

export interface ConsoleFile {
  /** The `.vv` text; holds the console ticket: hand it on, never log it. */
  content: string;
  fileName: string;
  /** When the ticket inside stops working (the engine's ticket lifetime from now). */
  expiresAt: Date;
  protocol: string;
}

/** What a VPS uses now (network and disk I/O included), and the engine's recent history (newest first, 30 s apart as the engine keeps it). */
export interface VpsUsage {
  billingServiceId: string;
  at: Date;
  running: boolean;
  uptimeSeconds: number | null;
  cpu: { percent: number | null; history: number[] };
  memory: { installedBytes: number | null; usedBytes: number | null; percent: number | null; history: number[] };
  network: { percent: number | null; history: number[]; io: NetworkIo };
  /** Read and write rates summed over the VM's disks (engine disk statistics); filesystem usage is the guest's own. */
  disk: DiskIo;
}

/** Bytes per second now, and bytes since the VM started, summed over the VM's NICs; null when the engine gave none. */
export interface NetworkIo {
  rxBytesPerSecond: number | null;
  txBytesPerSecond: number | null;
  rxBytesTotal: number | null;
  txBytesTotal: number | null;
}

export interface DiskIo {
  readBytesPerSecond: number | null;
  writeBytesPerSecond: number | null;
}

/** Console protocols in the order we hand them out: SPICE when the VM has it (remote-viewer's native one), else VNC. */
const PROTOCOL_ORDER = ['spice', 'vnc'];

export class VpsAccess {
  constructor(
    private readonly d: {
      ovirt: OvirtClient | undefined;
      services: ServicesRepository;
      actions: ServiceActionsRepository;
      serviceActions: ServiceActions;
      clock: Clock;
    },
  ) {}

  /** The remote-viewer file for the VPS's graphics console; 409 `engine_refused` when the engine will not make one. */
  async consoleFile(billingServiceId: string, actor: Actor): Promise<ConsoleFile> {
    const ovirt = this.engine();
    const { service, record } = await this.d.serviceActions.recordConsole(billingServiceId, actor);
    const call = { correlationId: actionCorrelationId(record.id, 'console') };
    try {
      const consoles = await ovirt.consoles.listGraphicsConsoles(service.vmId ?? '', call);
      const rank = (p: string | undefined) => (PROTOCOL_ORDER.indexOf(p ?? '') + PROTOCOL_ORDER.length + 1) % (PROTOCOL_ORDER.length + 1);
      const chosen = [...consoles].sort((a, b) => rank(a.protocol) - rank(b.protocol))[0];
      if (!chosen) throw new ConflictError('The VPS has no graphics console.', { action_id: record.id }, 'no_console');
      const content = await ovirt.consoles.remoteViewerFile(service.vmId ?? '', chosen.id, call);
      await this.d.actions.finish(record.id, 'succeeded', null, this.d.clock.now());
      return {
        content,
        fileName: `${service.hostname ?? `vps-${service.billingServiceId}`}.vv`,
        expiresAt: new Date(this.d.clock.now().getTime() + CONSOLE_TICKET_SECONDS * 1000),
        protocol: chosen.protocol ?? 'spice',
      };
    } catch (err) {
      const refused = isEngineRefusal(err);
      const message = refused
        ? `The engine refused a console for the VPS: ${engineReason(err)}`
        : err instanceof ConflictError
          ? err.message
          : 'The console could not be opened; try again later.';
      await this.d.actions.finish(record.id, 'failed', message, this.d.clock.now());
      if (refused) throw new ConflictError(message, { action_id: record.id, engine_reason: engineReason(err) }, 'engine_refused');
      throw err;
    }
  }

  /** CPU, memory and network now and their recent history, from `GET /vms/{id}/statistics`. */
  async usage(billingServiceId: string, actor?: Actor): Promise<VpsUsage> {
    const ovirt = this.engine();
    const service = await this.d.services.findByBillingServiceId(billingServiceId);
    if (!service || (actor?.clientId !== undefined && actor.clientId !== service.clientId))
      throw new NotFoundError('service', billingServiceId);
    if (!service.vmId) throw new ConflictError('This VPS has no virtual machine yet.', undefined, 'service_provisioning');
    const vmId = service.vmId;
    // One call for the VM, one list each for its NICs and disks, then one per device (a VPS has one or two of each).
    const [stats, nics, disks] = await Promise.all([
      ovirt.consoles.statistics(vmId),
      ovirt.devices.listVmNics(vmId),
      ovirt.devices.listVmDiskAttachments(vmId),
    ]);
    const [nicStats, diskStats] = await Promise.all([
      Promise.all(nics.map((n) => ovirt.consoles.nicStatistics(vmId, n.id))),
      Promise.all(disks.flatMap((a) => (a.diskId ? [ovirt.consoles.diskStatistics(a.diskId)] : []))),
    ]);
    return usageFrom(service.billingServiceId, stats, this.d.clock.now(), ioRates(nicStats, diskStats));
  }

  private engine(): OvirtClient {
    if (!this.d.ovirt) throw new ConflictError('No oVirt engine is configured.', undefined, 'no_engine');
    return this.d.ovirt;
  }
}

type Stats = ReadonlyMap<string, VmStatistic>;

/** The devices' statistics summed (pure): a name no device reported stays null. */
export function ioRates(nics: readonly Stats[], disks: readonly Stats[]): { network: NetworkIo; disk: DiskIo } {
  const sum = (list: readonly Stats[], name: string): number | null => {
    const values = list.flatMap((s) => s.get(name)?.values.slice(0, 1) ?? []);
    return values.length === 0 ? null : Math.round(values.reduce((a, b) => a + b, 0) * 100) / 100;
  };
  return {
    network: {
      rxBytesPerSecond: sum(nics, 'data.current.rx'),
      txBytesPerSecond: sum(nics, 'data.current.tx'),
      rxBytesTotal: sum(nics, 'data.total.rx'),
      txBytesTotal: sum(nics, 'data.total.tx'),
    },
    disk: { readBytesPerSecond: sum(disks, 'data.current.read'), writeBytesPerSecond: sum(disks, 'data.current.write') },
  };
}

/** The engine's statistics as a usage picture (pure; the names and units are the engine's, docs/ovirt-api.md §8.5). */
export function usageFrom(
  billingServiceId: string,
  stats: Stats,
  at: Date,
  io: { network: NetworkIo; disk: DiskIo } = ioRates([], []),
): VpsUsage {
  const one = (name: string): number | null => stats.get(name)?.values[0] ?? null;
  const list = (name: string): number[] => stats.get(name)?.values ?? [];
  const uptime = one('elapsed.time');
  const installed = one('memory.installed');
  const used = one('memory.used');
  return {
    billingServiceId: billingServiceId,
    at,
    running: uptime !== null && uptime > 0,
    uptimeSeconds: uptime,
    cpu: { percent: one('cpu.current.total'), history: list('cpu.usage.history') },
    memory: {
      installedBytes: installed,
      usedBytes: used,
      percent: installed && used !== null ? Math.round((used / installed) * 1000) / 10 : null,
      history: list('memory.usage.history'),
    },
    network: { percent: one('network.current.total'), history: list('network.usage.history'), io: io.network },
    disk: io.disk,
  };
}
