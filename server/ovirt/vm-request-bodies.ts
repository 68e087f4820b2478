/**
 * The documents the engine's VM writes take: a create from a template, an update of size and HA, and the cloud-init
 * `initialization` a create carries. Sizes go in bytes, numbers as strings, as the engine's JSON reads them.
 */
import type { CreateVmRequest, VmChanges, VmInitialization } from './types';

const MIB = 1024 * 1024;

export function createVmBody(req: CreateVmRequest): Record<string, unknown> {
  return {
    name: req.name,
    cluster: { name: req.cluster },
    template: { name: req.template },
    memory: String(req.memoryMib * MIB),
    cpu: { topology: { sockets: String(req.vcpus), cores: '1', threads: '1' } },
    high_availability: { enabled: String(req.ha.enabled), priority: String(req.ha.priority) },
    ...(req.description === undefined ? {} : { description: req.description }),
    ...(req.comment === undefined ? {} : { comment: req.comment }),
    ...(req.initialization === undefined ? {} : { initialization: initializationBody(req.initialization) }),
  };
}

/** Only what `changes` names; the rest of the VM stays as it is. */
export function updateVmBody(changes: VmChanges): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (changes.memoryMib !== undefined) body.memory = String(changes.memoryMib * MIB);
  if (changes.vcpus !== undefined) body.cpu = { topology: { sockets: String(changes.vcpus), cores: '1', threads: '1' } };
  if (changes.ha) body.high_availability = { enabled: String(changes.ha.enabled), priority: String(changes.ha.priority) };
  return body;
}

/**
 * The engine's `initialization` document. DNS servers and search domains are space-separated in one element, as the
 * engine's InitializationMapper reads them; IPv6 `netmask` is the prefix length.
 */
export function initializationBody(init: VmInitialization): Record<string, unknown> {
  return {
    host_name: init.hostName,
    user_name: init.userName,
    ...(init.rootPassword === undefined ? {} : { root_password: init.rootPassword }),
    ...(init.authorizedSshKeys?.length ? { authorized_ssh_keys: init.authorizedSshKeys.join('\n') } : {}),
    ...(init.dnsServers.length ? { dns_servers: init.dnsServers.join(' ') } : {}),
    ...(init.dnsSearch.length ? { dns_search: init.dnsSearch.join(' ') } : {}),
    timezone: init.timezone,
    // Without managed addresses the template's own network setup (usually DHCP) stays.
    ...(init.nics.length === 0
      ? {}
      : {
          nic_configurations: {
            nic_configuration: init.nics.map((nic) => ({
              name: nic.name,
              on_boot: 'true',
              ...(nic.ipv4
                ? {
                    boot_protocol: 'static',
                    ip: {
                      address: nic.ipv4.address,
                      netmask: nic.ipv4.netmask,
                      ...(nic.ipv4.gateway ? { gateway: nic.ipv4.gateway } : {}),
                      version: 'v4',
                    },
                  }
                : { boot_protocol: 'none' }),
              ...(nic.ipv6
                ? {
                    ipv6_boot_protocol: 'static',
                    ipv6: {
                      address: nic.ipv6.address,
                      netmask: String(nic.ipv6.prefix),
                      ...(nic.ipv6.gateway ? { gateway: nic.ipv6.gateway } : {}),
                      version: 'v6',
                    },
                  }
                : {}),
            })),
          },
        }),
  };
}
