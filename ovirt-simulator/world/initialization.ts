import { backendFailure, invalidValue } from './engine-error';

/**
 * A VM's `initialization` (the engine's `VmInit`), in the API's own field names so the XML and JSON readers and the
 * presenter share one spelling. cloud-init applies it on the VM's first start (or on a start with `use_cloud_init`).
 */
export const INIT_STRING_FIELDS = [
  'active_directory_ou',
  'authorized_ssh_keys',
  'custom_script',
  'dns_search',
  'dns_servers',
  'domain',
  'host_name',
  'input_locale',
  'org_name',
  'root_password',
  'system_locale',
  'timezone',
  'ui_language',
  'user_locale',
  'user_name',
  'windows_license_key',
] as const;
export type InitStringField = (typeof INIT_STRING_FIELDS)[number];

export const BOOT_PROTOCOLS = ['autoconf', 'dhcp', 'none', 'poly_dhcp_autoconf', 'static'] as const;
export type BootProtocol = (typeof BOOT_PROTOCOLS)[number];
export const CLOUD_INIT_NETWORK_PROTOCOLS = ['eni', 'openstack_metadata'] as const;

export interface IpConfig {
  address?: string;
  netmask?: string;
  gateway?: string;
}

/** `<nic_configuration>`: `name` is the guest's interface name (`eth0`). */
export interface NicConfig {
  name: string;
  onBoot?: boolean;
  bootProtocol?: BootProtocol;
  ip?: IpConfig;
  ipv6BootProtocol?: BootProtocol;
  ipv6?: IpConfig;
}

export interface VmInit {
  strings: Partial<Record<InitStringField, string>>;
  regenerateSshKeys?: boolean;
  cloudInitNetworkProtocol?: (typeof CLOUD_INIT_NETWORK_PROTOCOLS)[number];
  nicConfigurations?: NicConfig[];
}

/** What the simulated guest did with the initialization at a start: the control API and the guest agent read it. */
export interface AppliedInit {
  at: number;
  /** A copy of the initialization as applied (the root password included: this is the guest's side). */
  init: VmInit;
}

/** As parsed from a request, before validation: enums are still free text. */
export interface InitInput {
  strings: Partial<Record<InitStringField, string>>;
  regenerateSshKeys?: boolean;
  cloudInitNetworkProtocol?: string;
  nicConfigurations?: Array<{
    name?: string;
    onBoot?: boolean;
    bootProtocol?: string;
    ip?: IpConfig;
    ipv6BootProtocol?: string;
    ipv6?: IpConfig;
  }>;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** RFC 952/1123 labels, dot separated: what a guest accepts as its host name. */
const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function bootProtocol(value: string | undefined): BootProtocol | undefined {
  if (value === undefined) return undefined;
  if (!(BOOT_PROTOCOLS as readonly string[]).includes(value)) throw invalidValue(value, 'BootProtocol', BOOT_PROTOCOLS);
  return value as BootProtocol;
}

/**
 * Validates an initialization from a request and merges it over the stored one, as `InitializationMapper.map(model,
 * template)` does: fields the request sets replace the stored ones, the rest stay; `nic_configurations`, when given,
 * replace the whole list. Messages for bad addresses and host names are the simulator's (**unconfirmed** wording);
 * enum values fail as the engine's "Invalid value" fault.
 */
export function mergeInit(stored: VmInit | undefined, input: InitInput, action: 'add' | 'edit' | 'run'): VmInit {
  const fail = (msg: string) => backendFailure(400, `Cannot ${action} VM. ${msg}`);
  const hostName = input.strings.host_name;
  if (hostName !== undefined && hostName !== '' && !HOST_NAME.test(hostName)) {
    throw fail(`The initialization host name ${hostName} is invalid.`);
  }
  const out: VmInit = {
    ...(stored ?? { strings: {} }),
    strings: { ...stored?.strings, ...input.strings },
  };
  if (input.regenerateSshKeys !== undefined) out.regenerateSshKeys = input.regenerateSshKeys;
  if (input.cloudInitNetworkProtocol !== undefined) {
    const p = input.cloudInitNetworkProtocol;
    if (!(CLOUD_INIT_NETWORK_PROTOCOLS as readonly string[]).includes(p)) {
      throw invalidValue(p, 'CloudInitNetworkProtocol', CLOUD_INIT_NETWORK_PROTOCOLS);
    }
    out.cloudInitNetworkProtocol = p as VmInit['cloudInitNetworkProtocol'];
  }
  if (input.nicConfigurations) {
    const names = new Set<string>();
    out.nicConfigurations = input.nicConfigurations.map((c) => {
      if (!c.name) throw fail('Each initialization nic_configuration needs a name.');
      if (names.has(c.name)) throw fail(`The initialization configures interface ${c.name} twice.`);
      names.add(c.name);
      const nic: NicConfig = { name: c.name };
      if (c.onBoot !== undefined) nic.onBoot = c.onBoot;
      const v4 = bootProtocol(c.bootProtocol);
      if (v4) nic.bootProtocol = v4;
      const v6 = bootProtocol(c.ipv6BootProtocol);
      if (v6) nic.ipv6BootProtocol = v6;
      if (c.ip) {
        for (const [key, value] of Object.entries(c.ip)) {
          if (value !== undefined && !IPV4.test(value)) throw fail(`Invalid IPv4 ${key} ${value} for interface ${c.name}.`);
        }
        nic.ip = { ...c.ip };
      }
      if (c.ipv6) nic.ipv6 = { ...c.ipv6 };
      if (v4 === 'static' && !c.ip?.address) {
        throw fail(`Interface ${c.name} has the static boot protocol but no IP address.`);
      }
      return nic;
    });
  }
  return out;
}

export function copyInit(init: VmInit): VmInit {
  return {
    ...init,
    strings: { ...init.strings },
    ...(init.nicConfigurations
      ? {
          nicConfigurations: init.nicConfigurations.map((c) => ({
            ...c,
            ...(c.ip ? { ip: { ...c.ip } } : {}),
            ...(c.ipv6 ? { ipv6: { ...c.ipv6 } } : {}),
          })),
        }
      : {}),
  };
}
