/**
 * A customer's ways into their VPS besides SSH (issue 18): the engine's remote-viewer connection file for the VM's
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

/** What a VPS uses now, and the engine's recent history (newest first, 30 s apart as the engine keeps it). */
export interface VpsUsage {
  serviceId: string;
  at: Date;
  running: boolean;
  uptimeSeconds: number | null;
  cpu: { percent: number | null; history: number[] };
  memory: { installedBytes: number | null; usedBytes: number | null; percent: number | null; history: number[] };
  network: { percent: number | null; history: number[] };
  /** Disk usage per filesystem is the guest agent's (a JSON string in the engine); not read here. */
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
        fileName: `${service.hostname ?? `vps-${service.serviceId}`}.vv`,
        expiresAt: new Date(this.d.clock.now().getTime() + CONSOLE_TICKET_SECONDS * 1000),
        protocol: chosen.protocol ?? 'spice',
      };
    } catch (err) {
      const refused = isEngineRefusal(err);
      const message = refused ? `The engine refused a console for the VPS: ${engineReason(err)}` : err instanceof ConflictError ? err.message : 'The console could not be opened; try again later.';
      await this.d.actions.finish(record.id, 'failed', message, this.d.clock.now());
      if (refused) throw new ConflictError(message, { action_id: record.id, engine_reason: engineReason(err) }, 'engine_refused');
      throw err;
    }
  }

  /** CPU, memory and network now and their recent history, from `GET /vms/{id}/statistics`. */
  async usage(billingServiceId: string, actor?: Actor): Promise<VpsUsage> {
    const ovirt = this.engine();
    const service = await this.d.services.findByServiceId(billingServiceId);
    if (!service || (actor?.clientId !== undefined && actor.clientId !== service.clientId)) throw new NotFoundError('service', billingServiceId);
    if (!service.vmId) throw new ConflictError('This VPS has no virtual machine yet.', undefined, 'service_provisioning');
    const stats = await ovirt.consoles.statistics(service.vmId);
    return usageFrom(service.serviceId, stats, this.d.clock.now());
  }

  private engine(): OvirtClient {
    if (!this.d.ovirt) throw new ConflictError('No oVirt engine is configured.', undefined, 'no_engine');
    return this.d.ovirt;
  }
}

/** The engine's statistics as a usage picture (pure; the names and units are the engine's, reference §8.5). */
export function usageFrom(serviceId: string, stats: ReadonlyMap<string, VmStatistic>, at: Date): VpsUsage {
  const one = (name: string): number | null => stats.get(name)?.values[0] ?? null;
  const list = (name: string): number[] => stats.get(name)?.values ?? [];
  const uptime = one('elapsed.time');
  const installed = one('memory.installed');
  const used = one('memory.used');
  return {
    serviceId,
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
    network: { percent: one('network.current.total'), history: list('network.usage.history') },
  };
}
