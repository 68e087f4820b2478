/** The admin's failover history (`/admin/incidents`): host failures with the services each took down. */
import type { Clock } from '../clock';
import { groupHostFailures, HOST_FAILURE_CAUSES, type HostFailure } from '../domain/host-failures';
import type { Service } from '../domain/service';
import type { IncidentsRepository } from '../repositories/incidents';
import type { PlansRepository } from '../repositories/plans';
import type { ServicesRepository } from '../repositories/services';

export interface HostFailureHistory {
  days: number;
  failures: HostFailure[];
  /** The services named in the failures, by row id (for their billing ids and host names). */
  services: ReadonlyMap<number, Service>;
  now: Date;
}

export class HostFailureHistoryQuery {
  constructor(private readonly d: { incidents: IncidentsRepository; services: ServicesRepository; plans: PlansRepository; clock: Clock }) {}

  /** Failures that began in the last `days` days, or whose services are still down, newest first. */
  async get(days: number): Promise<HostFailureHistory> {
    const now = this.d.clock.now();
    const incidents = await this.d.incidents.listWithFailedHost(HOST_FAILURE_CAUSES, new Date(now.getTime() - days * 86_400_000));
    const services = await this.d.services.findManyByIds([...new Set(incidents.map((i) => i.serviceRowId))]);
    const plans = new Map((await this.d.plans.list()).map((p) => [p.id, p]));
    // The priority the engine restarts by is the VM's, which provisioning keeps equal to the plan's.
    const priorityOf = (serviceRowId: number) => {
      const plan = plans.get(services.get(serviceRowId)?.planId ?? -1);
      return plan ? (plan.ha.enabled ? plan.ha.priority : 0) : null;
    };
    const failures = groupHostFailures(
      incidents.flatMap((i) =>
        i.failedHost
          ? [
              {
                serviceRowId: i.serviceRowId,
                cause: i.cause,
                failedHost: i.failedHost,
                restartHost: i.restartHost,
                startedAt: i.startedAt,
                endedAt: i.endedAt,
              },
            ]
          : [],
      ),
      priorityOf,
      now.getTime(),
    );
    return { days, failures, services, now };
  }
}
