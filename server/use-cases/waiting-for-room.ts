/**
 * HA VMs that are down because no host has room to restart them: the open incidents of cause
 * `waiting_for_room`, with the service and the cluster of its plan. What the console's banner (overview, cluster
 * page) reads; the gauge `ovirt_ha_bridge_ha_vms_waiting_for_room` counts the same incidents.
 */
import type { Service } from '../domain/service';
import type { IncidentsRepository } from '../repositories/incidents';
import type { PlansRepository } from '../repositories/plans';
import type { ServicesRepository } from '../repositories/services';

export interface WaitingForRoom {
  service: Service;
  cluster: string | null;
  /** When the outage began (the host's first sign of trouble, or the crash). */
  since: Date;
  /** The host the VM was on, when the engine named it. */
  failedHost: string | null;
}

export class WaitingForRoomQuery {
  constructor(
    private readonly d: {
      incidents: Pick<IncidentsRepository, 'listOpenByCause'>;
      services: Pick<ServicesRepository, 'findManyByIds'>;
      plans: Pick<PlansRepository, 'findMany'>;
    },
  ) {}

  /** Oldest first; `cluster` keeps only the services whose plan is in that cluster. */
  async list(cluster?: string): Promise<WaitingForRoom[]> {
    const open = await this.d.incidents.listOpenByCause('waiting_for_room', 500);
    if (open.length === 0) return [];
    const services = await this.d.services.findManyByIds([...new Set(open.map((i) => i.serviceRowId))]);
    const plans = new Map(
      (await this.d.plans.findMany([], [...new Set([...services.values()].map((s) => s.planId))])).map((p) => [p.id, p]),
    );
    const out: WaitingForRoom[] = [];
    for (const i of open) {
      const service = services.get(i.serviceRowId);
      if (!service) continue;
      const planCluster = plans.get(service.planId)?.cluster ?? null;
      if (cluster !== undefined && planCluster !== cluster) continue;
      out.push({ service, cluster: planCluster, since: new Date(i.startedAt), failedHost: i.failedHost });
    }
    return out;
  }
}
