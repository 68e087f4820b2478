/** A service as the billing panel reads it. Host names are for the panel's admins; customers never see this. */
import type { ServiceView } from '../../services/service-queries';

export function presentService({ service, plan }: ServiceView) {
  return {
    service_id: service.serviceId,
    client_id: service.clientId,
    product_id: plan?.productId ?? null,
    hostname: service.hostname,
    desired_state: service.desiredState,
    actual_state: service.actualState,
    vm: { id: service.vmId, name: service.vmName, host: service.vmHost },
    cancellation: service.cancellationType
      ? { type: service.cancellationType, requested_at: service.cancellationRequestedAt?.toISOString() ?? null }
      : null,
    last_error: service.lastError,
    created_at: service.createdAt.toISOString(),
    updated_at: service.updatedAt.toISOString(),
  };
}
