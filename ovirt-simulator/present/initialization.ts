import type { IpConfig, NicConfig, VmInit } from '../world/initialization';
import type { Node } from '../wire/document';

/** The engine's mask for a stored root password: the password itself never leaves the engine. */
export const ROOT_PASSWORD_MASK = '******';

function ip(config: IpConfig): Node {
  const out: Node = {};
  if (config.address !== undefined) out.address = config.address;
  if (config.gateway !== undefined) out.gateway = config.gateway;
  if (config.netmask !== undefined) out.netmask = config.netmask;
  return out;
}

function nicConfiguration(c: NicConfig): Node {
  const out: Node = {};
  if (c.bootProtocol) out.boot_protocol = c.bootProtocol;
  if (c.ip) out.ip = ip(c.ip);
  if (c.ipv6) out.ipv6 = ip(c.ipv6);
  if (c.ipv6BootProtocol) out.ipv6_boot_protocol = c.ipv6BootProtocol;
  out.name = c.name;
  out.on_boot = c.onBoot ?? false;
  return out;
}

/**
 * `<initialization>` as `InitializationMapper.map(VmInit)` writes it: only the fields that are set, and
 * `root_password` as `******` when a password is stored (`VmHandler.updateVmInitFromDB(…, secure=true)` drops the
 * password and keeps only that one is stored).
 */
export function presentInitialization(init: VmInit): Node {
  const s = init.strings;
  const out: Node = {};
  if (s.active_directory_ou !== undefined) out.active_directory_ou = s.active_directory_ou;
  if (s.authorized_ssh_keys !== undefined) out.authorized_ssh_keys = s.authorized_ssh_keys;
  if (init.cloudInitNetworkProtocol) out.cloud_init_network_protocol = init.cloudInitNetworkProtocol;
  if (s.custom_script !== undefined) out.custom_script = s.custom_script;
  if (s.dns_search !== undefined) out.dns_search = s.dns_search;
  if (s.dns_servers !== undefined) out.dns_servers = s.dns_servers;
  if (s.domain) out.domain = s.domain;
  if (s.host_name !== undefined) out.host_name = s.host_name;
  if (s.input_locale !== undefined) out.input_locale = s.input_locale;
  if (init.nicConfigurations) {
    out.nic_configurations = init.nicConfigurations.length > 0 ? { nic_configuration: init.nicConfigurations.map(nicConfiguration) } : {};
  }
  if (s.org_name !== undefined) out.org_name = s.org_name;
  if (init.regenerateSshKeys !== undefined) out.regenerate_ssh_keys = init.regenerateSshKeys;
  if (s.root_password) out.root_password = ROOT_PASSWORD_MASK;
  if (s.system_locale !== undefined) out.system_locale = s.system_locale;
  if (s.timezone !== undefined) out.timezone = s.timezone;
  if (s.ui_language !== undefined) out.ui_language = s.ui_language;
  if (s.user_locale !== undefined) out.user_locale = s.user_locale;
  if (s.user_name !== undefined) out.user_name = s.user_name;
  if (s.windows_license_key !== undefined) out.windows_license_key = s.windows_license_key;
  return out;
}
