/**
 * What one billing event does to one service, decided from rows already read: no I/O here, so a batch of deliveries
 * can read everything at once, decide each in memory and write the results together (use-cases/billing-events.ts).
 */
import { osChoiceFor, type Plan } from '../domain/plan';
import type { Service } from '../domain/service';
import { type AppError, ConflictError, UnprocessableError } from '../errors';
import type { NewService, ServiceChanges } from '../repositories/services';
import type { BillingEvent } from '../webhooks/billing-event';

/** The outcome for one delivery: a refusal (nothing written), or what to write and answer. */
export type Decision =
  | { kind: 'refuse'; error: AppError }
  | {
      kind: 'accept';
      /** False when the event was recorded but changed nothing (duplicate create, stale event, renewal). */
      applied: boolean;
      note?: string;
      /** A service to create (service.create for an unknown service id). */
      insert?: NewService;
      /** Changes to the existing service. */
      changes?: ServiceChanges;
      /** The service as it will be after the write, for the answer; undefined when there is none. */
      service?: Pick<Service, 'desiredState' | 'actualState'>;
      /** A vm_missing service is built again (service.create): the caller seals the order's password for it. */
      rebuild?: boolean;
    };

export interface DecisionInput {
  event: BillingEvent;
  /** When the event happened in the panel (its `timestamp`), else when it arrived. */
  eventAt: Date;
  service: Service | undefined;
  /** The plan mapped to the event's `product_id` (create, change_plan), if any. */
  plan: Plan | undefined;
  /** The service's current plan (change_plan). */
  currentPlan: Plan | undefined;
}

export const messages = {
  unknownProduct: (p: string) => `No plan is mapped to billing product ${p}. Add one under /api/v1/admin/plans, then retry the order.`,
  unknownService: (s: string) => `Service ${s} is not known here; it was never created through this bridge.`,
  terminated: (s: string, t: string) => `Service ${s} is terminated; it cannot be ${t}. A new order needs a new service id.`,
  otherClient: (s: string) => `Service ${s} already exists for another client.`,
  clientMismatch: (s: string, c: string) => `Service ${s} does not belong to client ${c}; nothing was changed.`,
  clusterMismatch: (from: string, to: string) =>
    `The new plan runs in cluster ${to}, the current one in ${from}; moving a VPS between clusters is not supported yet.`,
  rebuild: (s: string) =>
    `The VM of service ${s} had been removed outside the bridge; a new VPS is built from the plan's template (its data is not restored).`,
  reused: (id: string) => `Webhook id ${id} was already used for a different body.`,
  unknownOs: (os: string, plan: Plan) =>
    plan.osOptions.length === 0
      ? `Operating system ${os} cannot be chosen: plan ${plan.name} offers only its own template.`
      : `Operating system ${os} is not offered by plan ${plan.name}; choose one of ${plan.osOptions.map((o) => o.key).join(', ')}.`,
};

const refuse = (error: AppError): Decision => ({ kind: 'refuse', error });

function unknownProduct(productId: string): Decision {
  return refuse(new UnprocessableError('unknown_product', messages.unknownProduct(productId), { product_id: productId }));
}

/** A live service, or the refusal that says why the event cannot apply to it. */
function live(service: Service | undefined, billingServiceId: string, verb: string): Service | Decision {
  if (!service) return refuse(new UnprocessableError('unknown_service', messages.unknownService(billingServiceId)));
  if (service.desiredState === 'terminated')
    return refuse(new UnprocessableError('service_terminated', messages.terminated(billingServiceId, verb)));
  return service;
}

function isDecision(v: Service | Decision): v is Decision {
  return 'kind' in v;
}

function change(service: Service, changes: ServiceChanges, extra: { applied?: boolean; note?: string } = {}): Decision {
  return {
    kind: 'accept',
    applied: extra.applied ?? true,
    ...(extra.note ? { note: extra.note } : {}),
    changes,
    service: { ...service, ...changes },
  };
}

export function decide({ event, eventAt, service, plan, currentPlan }: DecisionInput): Decision {
  const billingServiceId = event.data.service_id;
  // A client_id that names another client is a panel mixing up two accounts: acting on it would suspend or end
  // someone else's VPS. A create for another client's service id has its own answer (409 service_conflict) below.
  const clientId = event.data.client_id;
  if (service && event.type !== 'service.create' && clientId !== undefined && clientId !== service.clientId) {
    return refuse(
      new UnprocessableError('client_mismatch', messages.clientMismatch(billingServiceId, clientId), {
        service_id: billingServiceId,
        client_id: clientId,
      }),
    );
  }
  if (service?.lastEventAt && eventAt < service.lastEventAt && event.type !== 'service.create') {
    return {
      kind: 'accept',
      applied: false,
      note: 'An event newer than this one was applied already; this one was recorded and ignored.',
      service,
    };
  }
  switch (event.type) {
    case 'service.create': {
      if (!plan) return unknownProduct(event.data.product_id);
      if (!service) {
        const os = osChoiceFor(plan, event.data.os);
        if (!os) {
          return refuse(
            new UnprocessableError('unknown_os', messages.unknownOs(event.data.os ?? '', plan), {
              os: event.data.os,
              choices: plan.osOptions.map((o) => o.key),
            }),
          );
        }
        // The password itself is sealed by the caller (it holds the key); nothing secret is decided here.
        const insert: NewService = {
          billingServiceId: billingServiceId,
          clientId: event.data.client_id,
          planId: plan.id,
          hostname: event.data.hostname ?? null,
          desiredState: 'active',
          lastEventAt: eventAt,
          osKey: os.key,
          sshKeys: event.data.ssh_keys ?? [],
          guestTimeZone: event.data.time_zone ?? null,
        };
        return { kind: 'accept', applied: true, insert, service: { desiredState: 'active', actualState: 'pending' } };
      }
      if (service.clientId !== event.data.client_id) {
        return refuse(new ConflictError(messages.otherClient(billingServiceId), { service_id: billingServiceId }, 'service_conflict'));
      }
      if (service.desiredState === 'terminated')
        return refuse(new UnprocessableError('service_terminated', messages.terminated(billingServiceId, 'created again')));
      if (service.actualState === 'failed') {
        // The panel's "create" button again after a failure (fixed template, freed capacity): try once more.
        return change(
          service,
          { desiredState: 'active', lastEventAt: eventAt },
          { note: 'The service had failed; provisioning is tried again.' },
        );
      }
      if (service.actualState === 'vm_missing') {
        // Its VM was removed outside the bridge (the VM reconcile found it gone). Create again means: build a new VPS
        // under the same service, name and addresses, from the plan's template — an empty one; the old disk is gone.
        const rebuilt = change(
          service,
          {
            desiredState: 'active',
            actualState: 'pending',
            lastError: null,
            lastEventAt: eventAt,
            ...(event.data.ssh_keys ? { sshKeys: event.data.ssh_keys } : {}),
          },
          { note: messages.rebuild(billingServiceId) },
        );
        return { ...rebuilt, rebuild: true } as Decision;
      }
      return { kind: 'accept', applied: false, note: 'The service exists already; nothing changed.', service };
    }
    case 'service.suspend':
    case 'service.unsuspend': {
      const s = live(service, billingServiceId, event.type === 'service.suspend' ? 'suspended' : 'unsuspended');
      if (isDecision(s)) return s;
      return change(s, { desiredState: event.type === 'service.suspend' ? 'suspended' : 'active', lastEventAt: eventAt });
    }
    case 'service.terminate': {
      if (!service) return { kind: 'accept', applied: false, note: 'No such service here; nothing to terminate.' };
      return change(service, { desiredState: 'terminated', lastEventAt: eventAt });
    }
    case 'service.change_plan': {
      const s = live(service, billingServiceId, 'moved to another plan');
      if (isDecision(s)) return s;
      if (!plan) return unknownProduct(event.data.product_id);
      if (currentPlan && currentPlan.cluster !== plan.cluster) {
        return refuse(new UnprocessableError('plan_cluster_mismatch', messages.clusterMismatch(currentPlan.cluster, plan.cluster)));
      }
      return change(s, { planId: plan.id, lastEventAt: eventAt });
    }
    case 'service.cancellation_requested': {
      const s = live(service, billingServiceId, 'cancelled');
      if (isDecision(s)) return s;
      const immediate = event.data.cancellation_type === 'immediate';
      const changes: ServiceChanges = {
        cancellationType: event.data.cancellation_type,
        cancellationRequestedAt: eventAt,
        lastEventAt: eventAt,
        ...(immediate ? { desiredState: 'terminated' as const } : {}),
      };
      if (immediate) return change(s, changes);
      // Recorded on the service, but nothing for the VM to do yet: no reconcile job.
      return change(s, changes, {
        applied: false,
        note: 'Cancellation at the end of the period recorded; the VPS runs until the panel sends service.terminate.',
      });
    }
    case 'service.renew': {
      const s = live(service, billingServiceId, 'renewed');
      if (isDecision(s)) return s;
      return { kind: 'accept', applied: false, note: 'Renewal acknowledged.', service: s };
    }
  }
}
