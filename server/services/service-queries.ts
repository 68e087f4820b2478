/** Reads of services for the billing panel and admins. */
import type { Plan } from '../domain/plan';
import type { Service } from '../domain/service';
import { NotFoundError } from '../errors';
import type { PlansRepository } from '../repositories/plans';
import type { ServicesRepository } from '../repositories/services';

export interface ServiceView {
  service: Service;
  plan: Plan | undefined;
}

export class ServiceQueries {
  constructor(private readonly d: { services: ServicesRepository; plans: PlansRepository }) {}

  async get(serviceId: string): Promise<ServiceView> {
    const service = await this.d.services.findByServiceId(serviceId);
    if (!service) throw new NotFoundError('service', serviceId);
    return { service, plan: await this.d.plans.findById(service.planId) };
  }
}
