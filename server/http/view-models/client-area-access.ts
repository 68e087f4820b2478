/**
 * "Your VPS" on the client area's service page: how the customer reaches their VPS — its own host name, the
 * IPv4 and IPv6 addresses it holds, its operating system and the user name to log in with. Never a password (the
 * bridge keeps none it could show), never the engine host it runs on. Pure, like the rest of the client area's
 * view models.
 */
import { osChoiceFor, type Plan } from '../../domain/plan';
import { type Service, VPS_USERNAME } from '../../domain/service';
import type { ServiceNetwork } from '../../use-cases/ip-allocation';

/** What the card reads: a `ServiceView` (ServiceQueries.get) fits. */
export interface VpsAccessInput {
  service: Pick<Service, 'hostname' | 'osKey' | 'actualState'>;
  plan: Pick<Plan, 'template' | 'osOptions'> | undefined;
  network?: Pick<ServiceNetwork, 'ipv4' | 'ipv6' | 'ipv6Prefixes'>;
}

export interface AccessItem {
  /** Unique on the page: the copy button names the element whose text it copies. */
  id: string;
  label: string;
  /** Exactly what the copy button copies. */
  value: string;
  /** A line under the value, e.g. the IPv6 prefix the address lies in. */
  note: string | null;
}

export interface AccessBox {
  items: AccessItem[];
  /** Why no address is listed; null when some are. */
  addressesNote: string | null;
  passwordNote: string;
}

const PASSWORD_NOTE =
  'Passwords are never shown here. Log in with the password from your order or your welcome email, or with the SSH key you gave when ordering.';

/**
 * Where `ssh root@…` goes: the first IPv4 address, else the IPv6 one as it is (ssh takes it bare). Not the host name:
 * nothing here makes it resolve, so an ssh line with it could lead nowhere.
 */
function sshTarget(ipv4: string[], ipv6: string[]): string | null {
  return ipv4[0] ?? ipv6[0] ?? null;
}

/** The view model of the "Your VPS" card. */
export function presentVpsAccess({ service, plan, network }: VpsAccessInput): AccessBox {
  const ipv4 = network?.ipv4 ?? [];
  // `2001:db8:1:5::1/64` is the address and its prefix length: the address alone is what a customer pastes.
  const ipv6 = (network?.ipv6 ?? []).map((a) => a.split('/')[0] ?? a);
  const prefixes = network?.ipv6Prefixes ?? [];
  const os = plan ? osChoiceFor(plan, service.osKey) : undefined;
  const osText = os?.label ?? os?.key ?? null;
  const items: AccessItem[] = [];
  if (service.hostname) items.push({ id: 'hostname', label: 'Host name', value: service.hostname, note: null });
  ipv4.forEach((a, i) =>
    items.push({ id: `ipv4-${i + 1}`, label: ipv4.length > 1 ? `IPv4 address ${i + 1}` : 'IPv4 address', value: a, note: null }),
  );
  ipv6.forEach((a, i) => {
    const prefix = prefixes[i];
    items.push({
      id: `ipv6-${i + 1}`,
      label: ipv6.length > 1 ? `IPv6 address ${i + 1}` : 'IPv6 address',
      value: a,
      note: prefix ? `Your network: ${prefix}` : null,
    });
  });
  if (osText) items.push({ id: 'os', label: 'Operating system', value: osText, note: null });
  items.push({ id: 'username', label: 'User name', value: VPS_USERNAME, note: null });
  const target = sshTarget(ipv4, ipv6);
  if (target) items.push({ id: 'ssh', label: 'Log in with SSH', value: `ssh ${VPS_USERNAME}@${target}`, note: null });

  const addressesNote = ipv4.length === 0 && ipv6.length === 0 ? noAddressesNote(service.actualState) : null;
  return { items, addressesNote, passwordNote: PASSWORD_NOTE };
}

/** Why a VPS lists no address: not built yet, removed (its addresses went back to the pool), or none managed here. */
function noAddressesNote(state: Service['actualState']): string {
  switch (state) {
    case 'pending':
    case 'provisioning':
    case 'failed':
      return 'Your VPS’s IP addresses appear here once it is set up.';
    case 'terminating':
    case 'terminated':
      return 'This VPS has been removed; its IP addresses were released.';
    default:
      // A cluster without an IP pool: the provider assigns addresses outside the bridge.
      return 'No IP addresses are listed here for this VPS; your provider’s welcome email has them.';
  }
}
