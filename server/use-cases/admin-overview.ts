/** What an admin sees first: services by state, jobs by state, recent incidents and whether event reading is fresh. */
import type { Clock } from '../clock';
import type { ActualState, Service } from '../domain/service';
import type { JobQueue, JobState } from '../jobs/job-queue';
import type { EventSyncStateRepository } from '../repositories/event-sync-state';
import type { IncidentsRepository, StoredIncident } from '../repositories/incidents';
import type { PlansRepository } from '../repositories/plans';
import type { ServicesRepository } from '../repositories/services';
import type { WaitingForRoom, WaitingForRoomQuery } from './waiting-for-room';

export interface AdminOverview {
  services: Partial<Record<ActualState, number>>;
  jobs: Record<JobState, number>;
  plans: number;
  /** Incidents of the last 7 days and any still open, with the service they hit. */
  recentIncidents: Array<{ incident: StoredIncident; service: Service | undefined }>;
  eventsReadAt: Date | null;
  /** HA VMs down for lack of room: their services count as active, but their VMs are down. */
  waitingForRoom: WaitingForRoom[];
  now: Date;
}

export class AdminOverviewQuery {
  constructor(
    private readonly d: {
      services: ServicesRepository;
      jobs: JobQueue;
      plans: PlansRepository;
      incidents: IncidentsRepository;
      position: EventSyncStateRepository;
      clock: Clock;
      waitingForRoom: Pick<WaitingForRoomQuery, 'list'>;
    },
  ) {}

  async get(): Promise<AdminOverview> {
    const now = this.d.clock.now();
    const [services, jobs, plans, recentIncidents, position, waitingForRoom] = await Promise.all([
      this.d.services.countByState(),
      this.d.jobs.countByState(),
      this.d.plans.list(),
      this.d.incidents.listRecent(new Date(now.getTime() - 7 * 86_400_000)),
      this.d.position.get(),
      this.d.waitingForRoom.list(),
    ]);
    const hit = await this.d.services.findManyByIds([...new Set(recentIncidents.map((i) => i.serviceRowId))]);
    return {
      services,
      jobs,
      plans: plans.length,
      recentIncidents: recentIncidents.map((incident) => ({ incident, service: hit.get(incident.serviceRowId) })),
      eventsReadAt: position?.lastPollAt ?? null,
      waitingForRoom,
      now,
    };
  }
}
