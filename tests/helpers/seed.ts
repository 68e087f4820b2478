/**
 * Rows for tests, written through the application's own repositories (server/repositories/) instead of raw inserts:
 * a column the repositories follow through a rename cannot leave a seed behind. Each helper has defaults a test need not
 * spell out and takes typed overrides for what the test is about; each returns the row as the repository reads it back.
 *
 * Raw inserts stay only where the database itself is the point (migration and collation tests, rows the application
 * would never write); those say so where they are.
 */
import type { Knex } from 'knex';
import { AdminUsersRepository } from '../../server/repositories/admin-users';
import { IncidentsRepository } from '../../server/repositories/incidents';
import { PlansRepository } from '../../server/repositories/plans';
import { ServiceActionsRepository } from '../../server/repositories/service-actions';
import { type NewService, type ServiceChanges, ServicesRepository } from '../../server/repositories/services';

// Named after the repositories' own signatures, so a domain module that moves does not move these imports.
export type SeededPlan = Awaited<ReturnType<PlansRepository['insert']>>;
export type PlanInput = Parameters<PlansRepository['insert']>[0];
export type SeededService = Awaited<ReturnType<ServicesRepository['insert']>>;
export type IncidentDraft = Parameters<IncidentsRepository['upsertMany']>[0][number]['incident'];
export type SeededIncident = Awaited<ReturnType<IncidentsRepository['listForService']>>[number];
export type NewServiceAction = Parameters<ServiceActionsRepository['insert']>[0];
export type SeededServiceAction = Awaited<ReturnType<ServiceActionsRepository['insert']>>;
export type SeededAdminUser = NonNullable<Awaited<ReturnType<AdminUsersRepository['findByEmail']>>>;

/** The plan `seedService` puts a service on when the test names none. */
export const SEED_PRODUCT_ID = 'seed';

/** What a plan is unless a test says otherwise: the schema's own defaults for the optional columns. */
export const PLAN_DEFAULTS: PlanInput = {
  productId: SEED_PRODUCT_ID,
  name: 'Seed plan',
  template: 'debian-12',
  cluster: 'Default',
  vcpus: 1,
  memoryMib: 1024,
  ha: { enabled: true, priority: 50 },
  sla: {
    targetPercent: 99.9,
    creditTiers: [],
    unknownCountsAsDown: true,
    contactLossCountsAsDown: false,
    unannouncedAdminStopsExcluded: false,
    timeZone: 'UTC',
  },
  failoverGate: 'enforce',
  diskGib: null,
  osOptions: [],
  ipPools: [],
};

export type PlanSeed = Partial<Omit<PlanInput, 'ha' | 'sla'>> & {
  ha?: Partial<PlanInput['ha']>;
  sla?: Partial<PlanInput['sla']>;
};

/** A plan through `PlansRepository.insert`; `name` defaults to the product id when only that is given. */
export async function seedPlan(knex: Knex, seed: PlanSeed = {}, now: Date = new Date()): Promise<SeededPlan> {
  const { ha, sla, ...rest } = seed;
  const input: PlanInput = {
    ...PLAN_DEFAULTS,
    name: seed.productId ?? PLAN_DEFAULTS.name,
    ...rest,
    ha: { ...PLAN_DEFAULTS.ha, ...ha },
    sla: { ...PLAN_DEFAULTS.sla, ...sla },
  };
  return new PlansRepository(knex).insert(input, now);
}

/** The plan with product id `seed`, made on first use. */
async function defaultPlanId(knex: Knex, now: Date): Promise<number> {
  const existing = await new PlansRepository(knex).findByProductId(SEED_PRODUCT_ID);
  return (existing ?? (await seedPlan(knex, {}, now))).id;
}

/**
 * What `ServicesRepository.insert` takes, all optional, and what a use case changes later (actual state, VM, activation,
 * …), which `ServicesRepository.update` writes after the insert, as the application would.
 */
export type ServiceSeed = Partial<NewService> & Omit<ServiceChanges, keyof NewService>;

let seeded = 0;

function newService(seed: Partial<NewService>, planId: number, billingServiceId: string): NewService {
  return {
    clientId: 'c1',
    hostname: null,
    desiredState: 'active',
    lastEventAt: null,
    ...seed,
    billingServiceId,
    planId,
  };
}

/** The fields of `seed` that only an update writes, if any. */
function laterChanges(seed: ServiceSeed): ServiceChanges | undefined {
  // Every key required: a field the repository learns to change fails the typecheck here until it is passed on.
  const changes: { [K in Exclude<keyof ServiceChanges, keyof NewService>]: ServiceChanges[K] | undefined } = {
    actualState: seed.actualState,
    appliedPlanId: seed.appliedPlanId,
    vmId: seed.vmId,
    vmName: seed.vmName,
    vmHost: seed.vmHost,
    lastError: seed.lastError,
    cancellationType: seed.cancellationType,
    cancellationRequestedAt: seed.cancellationRequestedAt,
    activatedAt: seed.activatedAt,
  };
  return Object.values(changes).some((v) => v !== undefined) ? changes : undefined;
}

/**
 * A service through `ServicesRepository.insert` (then `update` for the fields only a use case writes). Defaults: billing
 * id `seed-<n>`, client `c1`, desired `active`, actual `pending` (the repository's), on the plan with product id `seed`
 * (made on first use) unless `planId` is given.
 */
export async function seedService(knex: Knex, seed: ServiceSeed = {}, now: Date = new Date()): Promise<SeededService> {
  const repo = new ServicesRepository(knex);
  const planId = seed.planId ?? (await defaultPlanId(knex, now));
  const inserted = await repo.insert(newService(seed, planId, seed.billingServiceId ?? `seed-${++seeded}`), now);
  const changes = laterChanges(seed);
  if (!changes) return inserted;
  await repo.update(inserted.id, changes, now);
  return (await repo.findById(inserted.id))!;
}

/**
 * `count` services alike but for their billing ids, `${prefix}-1` … `${prefix}-<count>`, through
 * `ServicesRepository.insertMany` (200 to a statement), in that order.
 */
export async function seedServices(
  knex: Knex,
  count: number,
  seed: Omit<ServiceSeed, 'billingServiceId'> & { prefix?: string } = {},
  now: Date = new Date(),
): Promise<SeededService[]> {
  const { prefix = 'svc', ...rest } = seed;
  const repo = new ServicesRepository(knex);
  const planId = rest.planId ?? (await defaultPlanId(knex, now));
  const services: SeededService[] = [];
  for (let start = 0; start < count; start += 200) {
    const batch = Array.from({ length: Math.min(200, count - start) }, (_, i) => newService(rest, planId, `${prefix}-${start + i + 1}`));
    services.push(...(await repo.insertMany(batch, now)));
  }
  const changes = laterChanges(rest);
  if (!changes) return services;
  for (const s of services) await repo.update(s.id, changes, now);
  const stored = await repo.findManyByIds(services.map((s) => s.id));
  return services.map((s) => stored.get(s.id)!);
}

/**
 * An incident of a service through `IncidentsRepository.upsertMany`. Defaults: opened by `seed-<n>`, an HA restart
 * that started ten minutes before `now` and ended five minutes later, no hosts, no steps.
 */
export async function seedIncident(
  knex: Knex,
  serviceRowId: number,
  draft: Partial<IncidentDraft> = {},
  now: Date = new Date(),
): Promise<SeededIncident> {
  const repo = new IncidentsRepository(knex);
  const incident: IncidentDraft = {
    openedBy: `seed-${++seeded}`,
    cause: 'ha_restart',
    startedAt: now.getTime() - 600_000,
    endedAt: now.getTime() - 300_000,
    failedHost: null,
    restartHost: null,
    steps: [],
    ...draft,
  };
  await repo.upsertMany([{ serviceRowId, incident }], now);
  const stored = (await repo.listForService(serviceRowId)).find((i) => i.openedBy === incident.openedBy);
  if (!stored) throw new Error(`incident ${incident.openedBy} of service ${serviceRowId} not found after insert`);
  return stored;
}

/**
 * An action asked of a service through `ServiceActionsRepository.insert`, requested at `now` (and started and finished
 * then, as its outcome says). Defaults: a reboot the panel asked for, queued.
 */
export async function seedServiceAction(
  knex: Knex,
  serviceRowId: number,
  action: Partial<Omit<NewServiceAction, 'serviceRowId'>> = {},
  now: Date = new Date(),
): Promise<SeededServiceAction> {
  return new ServiceActionsRepository(knex).insert(
    { action: 'reboot', actor: { kind: 'panel', name: 'panel' }, ...action, serviceRowId },
    now,
  );
}

/** An admin console account through `AdminUsersRepository.insert`; the default password hash matches no password. */
export async function seedAdminUser(
  knex: Knex,
  user: { email?: string; passwordHash?: string } = {},
  now: Date = new Date(),
): Promise<SeededAdminUser> {
  const repo = new AdminUsersRepository(knex);
  const email = user.email ?? `admin-${++seeded}@example.net`;
  await repo.insert(email, user.passwordHash ?? 'x', now);
  return (await repo.findByEmail(email))!;
}
