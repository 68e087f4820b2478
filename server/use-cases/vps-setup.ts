/**
 * What turns a clone of a template into a VPS its customer can use, before its first start: cloud-init (host name,
 * root's password and keys, the static addresses the service holds, DNS, time zone), its NIC on the address pool's
 * vNIC profile, and its boot disk grown to the plan's size (and the create request that carries the cloud-init). After
 * the first boot it compares what the guest agent reports with the addresses held. Each step looks before it acts, so
 * a retried job repeats none of them.
 */
import type { SecretBox } from '../crypto/secret-box';
import { SecretUnreadableError } from '../crypto/secret-box';
import { canonicalIp } from '../domain/ip-address';
import type { Plan } from '../domain/plan';
import { passwordContext, type Service, vmCommentFor, VPS_USERNAME } from '../domain/service';
import { PermanentJobError } from '../jobs/job-errors';
import type { Logger } from '../logger';
import type { OvirtClient } from '../ovirt/client';
import type { CallOptions } from '../ovirt/transport';
import type { CreateVmRequest, GuestNicConfig, Vm, VmInitialization } from '../ovirt/types';
import type { VmNic } from '../ovirt/vm-devices';
import type { ServiceNetwork } from './ip-allocation';

const GIB = 1024 ** 3;
/** vNIC profiles and cluster networks change rarely; reading them once per order would double the engine calls. */
const PROFILE_CACHE_MS = 60_000;
/** The guest's interface for the first NIC (virtio on Linux templates made for cloud-init). */
const GUEST_NIC = 'eth0';
/** The engine's default name for a VM's first NIC. */
const VM_NIC = 'nic1';

export interface WaitTimings {
  timeoutMs: number;
  pollMs: number;
  signal?: AbortSignal;
}

export class VpsSetup {
  private readonly profiles = new Map<string, { id: string; at: number }>();

  constructor(
    private readonly d: {
      ovirt: OvirtClient;
      secrets: SecretBox;
      logger: Logger;
      now: () => number;
    },
  ) {}

  /**
   * The create of the service's VM `vmName` from `template`: the plan's size and HA, the bridge's marker in its
   * comment, cloud-init with `hostName` where the service has no host name of its own.
   */
  createRequest(
    service: Service,
    plan: Plan,
    template: string,
    network: ServiceNetwork | undefined,
    vmName: string,
    hostName: string,
  ): CreateVmRequest {
    return {
      name: vmName,
      cluster: plan.cluster,
      template,
      memoryMib: plan.memoryMib,
      vcpus: plan.vcpus,
      ha: plan.ha,
      description: service.hostname ?? `VPS ${service.billingServiceId}`,
      comment: vmCommentFor(service.billingServiceId, service.clientId),
      initialization: this.initialization(service, plan, network, hostName),
    };
  }

  /** cloud-init for the service's first boot. The password is opened here and goes to the engine only. */
  initialization(service: Service, plan: Plan, network: ServiceNetwork | undefined, vmName: string): VmInitialization {
    let rootPassword: string | undefined;
    if (service.sealedPassword) {
      try {
        rootPassword = this.d.secrets.open(service.sealedPassword, passwordContext(service.billingServiceId));
      } catch (err) {
        if (!(err instanceof SecretUnreadableError)) throw err;
        throw new PermanentJobError(
          "The order's root password could not be read (SECRETS_KEY is not the one it was sealed with); " +
            'set the same SECRETS_KEY on every instance, or terminate and order again.',
        );
      }
    }
    return {
      hostName: service.hostname ?? vmName,
      userName: VPS_USERNAME,
      ...(rootPassword === undefined ? {} : { rootPassword }),
      ...(service.sshKeys.length > 0 ? { authorizedSshKeys: service.sshKeys } : {}),
      dnsServers: network?.dns ?? [],
      dnsSearch: network?.dnsSearch ?? [],
      timezone: service.guestTimeZone ?? plan.sla.timeZone,
      nics: network ? [guestNic(network)] : [],
    };
  }

  /**
   * Puts the VM's first NIC on the pool's vNIC profile, or adds one when the template has none. Returns the NIC (for
   * the guest agent's report later); undefined when the service's addresses are not managed (no pool).
   */
  async ensureNic(vm: Vm, network: ServiceNetwork | undefined, call: CallOptions): Promise<VmNic | undefined> {
    if (!network?.network) return undefined;
    const profileId = await this.profileId(network.network, vm.clusterId, call);
    const nics = (await this.d.ovirt.devices.listVmNics(vm.id, call)).sort((a, b) => a.name.localeCompare(b.name));
    const first = nics[0];
    if (!first) return this.d.ovirt.devices.addVmNic(vm.id, { name: VM_NIC, vnicProfileId: profileId }, call);
    if (first.vnicProfileId === profileId) return first;
    return this.d.ovirt.devices.updateVmNicProfile(vm.id, first.id, profileId, call);
  }

  /**
   * Grows the boot disk to the plan's size; a disk already as large or larger is left alone (never shrunk). Returns
   * the attachment to wait for, or undefined when nothing was changed.
   */
  async growBootDisk(vm: Vm, plan: Plan, call: CallOptions): Promise<string | undefined> {
    if (plan.diskGib === null) return undefined;
    const attachments = vm.diskAttachments ?? (await this.d.ovirt.devices.listVmDiskAttachments(vm.id, call));
    const boot = attachments.find((a) => a.bootable) ?? attachments[0];
    if (!boot || boot.provisionedBytes === undefined) {
      this.d.logger.warn({ vm: vm.name }, "the VM has no disk to grow; the plan's disk size was not applied");
      return undefined;
    }
    const want = plan.diskGib * GIB;
    if (boot.provisionedBytes >= want) return boot.diskStatus === 'locked' ? boot.id : undefined;
    await this.d.ovirt.devices.resizeVmDisk(vm.id, boot.id, want, call);
    return boot.id;
  }

  /** Waits until a grown disk is usable again (the engine locks it while it extends the image). */
  async waitForDisk(vm: Vm, attachmentId: string, wait: WaitTimings & CallOptions): Promise<void> {
    await this.d.ovirt.devices.waitForDiskReady(vm.id, attachmentId, wait);
  }

  /**
   * Compares the addresses the guest agent reports with those the service holds. A difference is worth a warning
   * (the guest may not have run cloud-init, or a customer changed it), never a failure: the VM is up.
   */
  async checkReportedAddresses(vm: Vm, nic: VmNic | undefined, network: ServiceNetwork | undefined, call: CallOptions): Promise<void> {
    if (!nic || !network) return;
    try {
      const reported = (await this.d.ovirt.devices.reportedAddresses(vm.id, nic.id, call)).flatMap((d) => d.ips);
      if (reported.length === 0) return;
      const expected = [...network.ipv4, ...network.ipv6.map((a) => a.split('/')[0] ?? a)];
      const missing = expected.filter((a) => !reported.some((r) => sameAddress(r, a)));
      if (missing.length > 0)
        this.d.logger.warn({ vm: vm.name, expected, reported }, 'the guest reports other addresses than the ones allocated to it');
    } catch (err) {
      this.d.logger.info({ vm: vm.name, err: (err as Error).message }, "the guest agent's addresses could not be read");
    }
  }

  /** The id of the vNIC profile of that name whose network is attached to the VM's cluster. */
  private async profileId(name: string, clusterId: string | undefined, call: CallOptions): Promise<string> {
    const key = `${clusterId ?? ''}/${name}`;
    const cached = this.profiles.get(key);
    if (cached && this.d.now() - cached.at < PROFILE_CACHE_MS) return cached.id;
    const named = (await this.d.ovirt.devices.listVnicProfiles(call)).filter((p) => p.name === name);
    let chosen = named[0];
    if (named.length > 1 && clusterId) {
      const networks = new Set((await this.d.ovirt.devices.listClusterNetworks(clusterId, call)).map((n) => n.id));
      chosen = named.find((p) => p.networkId !== undefined && networks.has(p.networkId));
    }
    if (!chosen) {
      throw new PermanentJobError(
        `The engine has no vNIC profile named ${name} for this VM's cluster; fix the IP pool's network or add the profile in oVirt, then retry.`,
      );
    }
    this.profiles.set(key, { id: chosen.id, at: this.d.now() });
    return chosen.id;
  }
}

function guestNic(network: ServiceNetwork): GuestNicConfig {
  const [v4] = network.ipv4;
  const [v6] = network.ipv6;
  const [v6Address, v6Prefix] = v6 ? v6.split('/') : [];
  return {
    name: GUEST_NIC,
    ...(v4 && network.netmaskV4 ? { ipv4: { address: v4, netmask: network.netmaskV4, gateway: network.gatewayV4 ?? undefined } } : {}),
    ...(v6Address ? { ipv6: { address: v6Address, prefix: Number(v6Prefix ?? 64), gateway: network.gatewayV6 ?? undefined } } : {}),
  };
}

/** Guest agents write IPv6 in their own way (upper case, zeros not compressed); compare canonical forms. */
function sameAddress(a: string, b: string): boolean {
  const canon = (x: string) => canonicalIp(x.split('/')[0] ?? x) ?? x.toLowerCase();
  return canon(a) === canon(b);
}
