/**
 * Announced maintenance: an admin announces a window over some clusters or hosts, and each live
 * service it concerns has its panel told at once (`service.maintenance_announced`, which the WHMCS module turns into
 * an e-mail to the client). The notices are queued in the transaction that stores the window, so a window is never
 * stored untold nor told unstored. Stops inside a window are planned downtime (domain/sla-rules.ts decides that
 * from these windows); a cancelled window keeps its row for history and covers nothing.
 */
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import {
  announcementProblems,
  type MaintenanceWindowInput,
  scopeIncludes,
  type StoredMaintenanceWindow,
} from '../domain/maintenance-window';
import { NotFoundError, ValidationError } from '../errors';
import type { MaintenanceWindowsRepository, WindowAudienceMember } from '../repositories/maintenance-windows';
import type { CallbackService } from './callbacks';

export interface AnnouncedWindow {
  window: StoredMaintenanceWindow;
  /** Services whose panel is told (0 when no callback URL is configured is still the number concerned). */
  servicesNotified: number;
}

/** Where a service runs, to find the windows that concern it. */
export interface ServicePlace {
  cluster: string | null;
  host: string | null;
}

export class MaintenanceWindows {
  constructor(
    private readonly d: {
      knex: Knex;
      windows: MaintenanceWindowsRepository;
      callbacks: Pick<CallbackService, 'enqueueNotices'>;
      clock: Clock;
      /** CLIENT_HOST_NAMES=show: the notice may name the hosts of a host-scoped window. */
      customerHostNames: boolean;
    },
  ) {}

  /** Stores the window and queues one notice per live service it concerns; 400 naming the fields on bad times. */
  async announce(input: MaintenanceWindowInput, createdBy: string): Promise<AnnouncedWindow> {
    const now = this.d.clock.now();
    const problems = announcementProblems(input, now);
    if (problems.length > 0) throw new ValidationError(problems);
    return this.d.knex.transaction(async (trx) => {
      const window = await this.d.windows.insert(input, createdBy, now, trx);
      const audience = await this.d.windows.listAudience(window.scope, trx);
      await this.d.callbacks.enqueueNotices(
        trx,
        audience.map((member) => ({
          type: 'service.maintenance_announced' as const,
          serviceRowId: member.id,
          data: this.noticeData(window, member),
        })),
      );
      return { window, servicesNotified: audience.length };
    });
  }

  /** Cancels a window (kept for history); NotFoundError for an unknown id. Cancelling twice is no error. */
  async cancel(id: number): Promise<StoredMaintenanceWindow> {
    const window = await this.d.windows.cancel(id, this.d.clock.now());
    if (!window) throw new NotFoundError('maintenance window', id);
    return window;
  }

  async get(id: number): Promise<StoredMaintenanceWindow> {
    const window = await this.d.windows.findById(id);
    if (!window) throw new NotFoundError('maintenance window', id);
    return window;
  }

  /** Every window (cancelled ones too), or only those not cancelled and not over. */
  async list(which: 'all' | 'upcoming' = 'all'): Promise<StoredMaintenanceWindow[]> {
    return which === 'upcoming' ? this.d.windows.listUpcoming(this.d.clock.now()) : this.d.windows.list();
  }

  /** The windows not cancelled and not over that concern a billing service (the client area's block). */
  async upcomingForService(billingServiceId: string): Promise<StoredMaintenanceWindow[]> {
    const place = await this.d.windows.placeOfService(billingServiceId);
    return place ? this.upcomingFor(place) : [];
  }

  /** The windows not cancelled and not over that concern a service at `place`. */
  async upcomingFor(place: ServicePlace): Promise<StoredMaintenanceWindow[]> {
    const upcoming = await this.d.windows.listUpcoming(this.d.clock.now());
    return upcoming.filter((w) => scopeIncludes(w.scope, place));
  }

  /**
   * What the panel hears: the service and the window. A host-scoped window names its hosts only under
   * CLIENT_HOST_NAMES=show, since the panel's e-mail goes to the customer; cluster names are the provider's
   * locations and go as they are.
   */
  private noticeData(w: StoredMaintenanceWindow, member: WindowAudienceMember): Record<string, unknown> {
    const scope = 'clusters' in w.scope ? { clusters: w.scope.clusters } : this.d.customerHostNames ? { hosts: w.scope.hosts } : {};
    return {
      service_id: member.billingServiceId,
      client_id: member.clientId,
      hostname: member.hostname,
      window: {
        id: w.id,
        title: w.title,
        starts_at: w.startsAt.toISOString(),
        ends_at: w.endsAt.toISOString(),
        message: w.message,
        ...scope,
      },
    };
  }
}
