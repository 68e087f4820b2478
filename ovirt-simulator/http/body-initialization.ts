import { INIT_STRING_FIELDS, type InitInput, type InitStringField } from '../world/initialization';
import { bool, list, obj, str } from './body-parse';
import { z } from 'zod';

const ipSchema = obj({ address: str.optional(), netmask: str.optional(), gateway: str.optional() });

const nicConfigurationSchema = obj({
  name: str.optional(),
  on_boot: bool.optional(),
  boot_protocol: str.optional(),
  ip: ipSchema.optional(),
  ipv6_boot_protocol: str.optional(),
  ipv6: ipSchema.optional(),
});

const stringShape = Object.fromEntries(INIT_STRING_FIELDS.map((f) => [f, str.optional()])) as Record<
  InitStringField,
  z.ZodOptional<typeof str>
>;

/** `<initialization>` in a `<vm>` (create, update, and a start's run-once `<vm>`). */
export const initializationSchema = obj({
  ...stringShape,
  regenerate_ssh_keys: bool.optional(),
  cloud_init_network_protocol: str.optional(),
  nic_configurations: obj({ nic_configuration: list(nicConfigurationSchema).optional() }).optional(),
});

type IpIn = { address?: string | undefined; netmask?: string | undefined; gateway?: string | undefined };

function ip(v: IpIn): { address?: string; netmask?: string; gateway?: string } {
  return {
    ...(v.address !== undefined ? { address: v.address } : {}),
    ...(v.netmask !== undefined ? { netmask: v.netmask } : {}),
    ...(v.gateway !== undefined ? { gateway: v.gateway } : {}),
  };
}

export function toInitInput(v: z.output<typeof initializationSchema>): InitInput {
  const strings: InitInput['strings'] = {};
  for (const f of INIT_STRING_FIELDS) {
    const value = v[f];
    if (value !== undefined) strings[f] = value;
  }
  const out: InitInput = { strings };
  if (v.regenerate_ssh_keys !== undefined) out.regenerateSshKeys = v.regenerate_ssh_keys;
  if (v.cloud_init_network_protocol !== undefined) out.cloudInitNetworkProtocol = v.cloud_init_network_protocol;
  if (v.nic_configurations) {
    out.nicConfigurations = (v.nic_configurations.nic_configuration ?? []).map((c) => ({
      ...(c.name !== undefined ? { name: c.name } : {}),
      ...(c.on_boot !== undefined ? { onBoot: c.on_boot } : {}),
      ...(c.boot_protocol !== undefined ? { bootProtocol: c.boot_protocol } : {}),
      ...(c.ip ? { ip: ip(c.ip) } : {}),
      ...(c.ipv6_boot_protocol !== undefined ? { ipv6BootProtocol: c.ipv6_boot_protocol } : {}),
      ...(c.ipv6 ? { ipv6: ip(c.ipv6) } : {}),
    }));
  }
  return out;
}
