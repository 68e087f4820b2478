/** Wiring for the stores: one repository of each table family over the database handle, shared by every use case. */
import type { Knex } from '../db/knex';
import { AdminLoginFailuresRepository } from '../repositories/admin-login-failures';
import { AdminSessionsRepository } from '../repositories/admin-sessions';
import { AdminSsoTokensRepository } from '../repositories/admin-sso-tokens';
import { AdminUsersRepository } from '../repositories/admin-users';
import { ClientSessionsRepository } from '../repositories/client-sessions';
import { EngineEventsRepository } from '../repositories/engine-events';
import { EventSyncStateRepository } from '../repositories/event-sync-state';
import { IncidentNoticesRepository } from '../repositories/incident-notices';
import { IncidentsRepository } from '../repositories/incidents';
import { IpAssignmentsRepository } from '../repositories/ip-assignments';
import { IpPoolsRepository } from '../repositories/ip-pools';
import { MaintenanceWindowsRepository } from '../repositories/maintenance-windows';
import { PlansRepository } from '../repositories/plans';
import { ServiceActionsRepository } from '../repositories/service-actions';
import { ServiceTimelinesRepository } from '../repositories/service-timelines';
import { ServicesRepository } from '../repositories/services';
import { SsoTokensRepository } from '../repositories/sso-tokens';
import { WebhookDeliveries } from '../repositories/webhook-deliveries';

export type Repositories = ReturnType<typeof buildRepositories>;

export function buildRepositories(knex: Knex) {
  return {
    plans: new PlansRepository(knex),
    services: new ServicesRepository(knex),
    deliveries: new WebhookDeliveries(knex),
    incidents: new IncidentsRepository(knex),
    incidentNotices: new IncidentNoticesRepository(knex),
    timelines: new ServiceTimelinesRepository(knex),
    /** Where the events poll has read up to. */
    position: new EventSyncStateRepository(knex),
    engineEvents: new EngineEventsRepository(knex),
    ssoTokens: new SsoTokensRepository(knex),
    adminSsoTokens: new AdminSsoTokensRepository(knex),
    adminUsers: new AdminUsersRepository(knex),
    adminSessions: new AdminSessionsRepository(knex),
    adminLoginFailures: new AdminLoginFailuresRepository(knex),
    clientSessions: new ClientSessionsRepository(knex),
    ipPools: new IpPoolsRepository(knex),
    ipAssignments: new IpAssignmentsRepository(knex),
    serviceActions: new ServiceActionsRepository(knex),
    maintenanceWindows: new MaintenanceWindowsRepository(knex),
  };
}
