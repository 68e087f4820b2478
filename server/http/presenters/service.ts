/** A service as the billing panel reads it. Host names are for the panel's admins; customers never see this. */
import { osChoiceFor } from '../../domain/plan';
import { VPS_USERNAME } from '../../domain/service';
import { networkJson } from '../../use-cases/callbacks';
import type { ListedService, ServiceView } from '../../use-cases/service-queries';

/** The panel's view of one VPS: its state, VM, addresses, OS and login name. Passwords are never part of it. */
export function presentService({ service, plan, network }: ServiceView) {
  const os = plan ? osChoiceFor(plan, service.osKey) : undefined;
  return {
    service_id: service.billingServiceId,
    client_id: service.clientId,
    product_id: plan?.productId ?? null,
    hostname: service.hostname,
    desired_state: service.desiredState,
    actual_state: service.actualState,
    vm: { id: service.vmId, name: service.vmName, host: service.vmHost },
    network: networkJson(network),
    os: os ? { key: os.key, label: os.label } : null,
    username: VPS_USERNAME,
    cancellation: service.cancellationType
      ? { type: service.cancellationType, requested_at: service.cancellationRequestedAt?.toISOString() ?? null }
      : null,
    last_error: service.lastError,
    created_at: service.createdAt.toISOString(),
    updated_at: service.updatedAt.toISOString(),
  };
}

/**
 * A page of `GET /api/v1/services?actual_state=…`: what a panel needs to tell its admins about an order that is stuck
 * or failed. `waiting_since` is when the work the service waits for was asked (null when none waits: a failed service
 * waits for the panel to send its create again).
 */
export function presentServiceList(items: ListedService[], nextCursor: number | null) {
  return {
    services: items.map(({ service, plan, waitingSince }) => ({
      service_id: service.billingServiceId,
      client_id: service.clientId,
      product_id: plan?.productId ?? null,
      desired_state: service.desiredState,
      actual_state: service.actualState,
      last_error: service.lastError,
      waiting_since: waitingSince?.toISOString() ?? null,
      created_at: service.createdAt.toISOString(),
      updated_at: service.updatedAt.toISOString(),
    })),
    next_cursor: nextCursor === null ? null : String(nextCursor),
  };
}
