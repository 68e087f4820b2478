/**
 * Wiring for the use cases that work on the engine, built only when one is configured: failover capacity, provisioning
 * (the `reconcile` job) and the VPS actions' runner with its reinstaller (the `service_action` job), which share one
 * VpsSetup.
 */
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { SecretBox } from '../crypto/secret-box';
import type { JobQueue } from '../jobs/job-queue';
import type { Logger } from '../logger';
import type { OvirtClient } from '../ovirt';
import type { PlansRepository } from '../repositories/plans';
import type { ServicesRepository } from '../repositories/services';
import { ActionRunner } from '../use-cases/action-runner';
import { CapacityService } from '../use-cases/capacity';
import { ClusterInventoryReader } from '../use-cases/cluster-inventory';
import type { IpAllocation } from '../use-cases/ip-allocation';
import { ProvisioningService } from '../use-cases/provisioning';
import { ProvisioningVmSteps } from '../use-cases/provisioning-vm-steps';
import { Reinstaller, type ReinstallerDeps } from '../use-cases/reinstall';
import { VpsSetup } from '../use-cases/vps-setup';

export function buildCapacity(d: {
  config: Config;
  ovirt: OvirtClient;
  services: ServicesRepository;
  plans: PlansRepository;
  jobs: JobQueue;
  addresses: IpAllocation;
  clock: Clock;
  logger: Logger;
}): CapacityService {
  const { config, ovirt, services, plans } = d;
  return new CapacityService({
    reader: new ClusterInventoryReader({ ovirt, services, plans }),
    plans,
    services,
    jobs: d.jobs,
    clock: d.clock,
    logger: d.logger.child({ component: 'capacity' }),
    options: {
      vcpuRatio: config.capacity.vcpuRatio,
      hostMemoryReserveBytes: config.capacity.hostMemoryReserveMib * 1024 * 1024,
      k: config.capacity.failoverHosts,
    },
    cacheMs: config.capacity.cacheMs,
    addresses: d.addresses,
  });
}

export interface EngineWork {
  provisioning: ProvisioningService;
  actionRunner: ActionRunner;
}

/**
 * Takes what the reinstaller takes, less what is made here (the shared VpsSetup, the timings and the VM name prefix
 * from config). `poweredOffByRequest` also tells provisioning: a reconcile leaves a VPS its customer turned off off.
 */
export function buildEngineWork(
  d: Omit<ReinstallerDeps, 'setup' | 'timings' | 'vmNamePrefix'> & { config: Config; secrets: SecretBox },
): EngineWork {
  const { config, ovirt, services, plans, callbacks, addresses, clock, logger, poweredOffByRequest } = d;
  const timings = { ...config.provisioning, removeTimeoutMs: config.provisioning.bootTimeoutMs };
  const vmNamePrefix = config.provisioning.vmNamePrefix;
  const setup = new VpsSetup({
    ovirt,
    secrets: d.secrets,
    logger: logger.child({ component: 'vps-setup' }),
    now: () => clock.now().getTime(),
  });
  const reinstaller = new Reinstaller({
    ovirt,
    services,
    plans,
    actions: d.actions,
    callbacks,
    addresses,
    setup,
    clock,
    logger: logger.child({ component: 'reinstall' }),
    timings,
    vmNamePrefix,
    poweredOffByRequest,
  });
  return {
    provisioning: new ProvisioningService({
      services,
      plans,
      callbacks,
      clock,
      logger,
      vms: new ProvisioningVmSteps({ ovirt, setup, clock, vmNamePrefix, timings }),
      addresses,
      poweredOffByRequest,
    }),
    actionRunner: new ActionRunner({
      ovirt,
      actions: d.actions,
      services,
      clock,
      logger: logger.child({ component: 'actions' }),
      timings,
      reinstaller,
    }),
  };
}
