/** The client area's "Your VPS" card: which fields a customer sees, in words, and never a password. */
import { presentClientServicePage, presentVpsAccess } from '../../server/http/view-models/client-area';
import { buildUptimeReport } from '../browser/fixtures/client-uptime-report';
import { buildVpsAccess } from '../browser/fixtures/client-vps-access';

describe('presentVpsAccess', () => {
  it('when the VPS holds an IPv4 and an IPv6 address, then the card lists host name, both addresses, OS, user name and an ssh line', () => {
    const box = presentVpsAccess(buildVpsAccess());
    expect(box.items.map((i) => [i.label, i.value, i.note])).toEqual([
      ['Host name', 'vps-4821.example-hosting.net', null],
      ['IPv4 address', '192.0.2.10', null],
      ['IPv6 address', '2001:db8:1:5::1', 'Your network: 2001:db8:1:5::/64'],
      ['Operating system', 'Debian 12 (Bookworm)', null],
      ['User name', 'root', null],
      ['Log in with SSH', 'ssh root@192.0.2.10', null],
    ]);
    expect(new Set(box.items.map((i) => i.id)).size).toBe(box.items.length);
    expect(box.addressesNote).toBeNull();
    expect(box.passwordNote).toMatch(/^Passwords are never shown here\./);
  });

  it('when it holds several addresses of a family, then each is numbered', () => {
    const box = presentVpsAccess(buildVpsAccess({ network: { ipv4: ['192.0.2.10', '192.0.2.11'], ipv6: [], ipv6Prefixes: [] } }));
    expect(box.items.filter((i) => i.id.startsWith('ipv4')).map((i) => i.label)).toEqual(['IPv4 address 1', 'IPv4 address 2']);
  });

  it('when only IPv6 is held, then ssh goes to the bare IPv6 address', () => {
    const box = presentVpsAccess(
      buildVpsAccess({ network: { ipv4: [], ipv6: ['2001:db8:1:9::1/64'], ipv6Prefixes: ['2001:db8:1:9::/64'] } }),
    );
    expect(box.items.find((i) => i.id === 'ssh')?.value).toBe('ssh root@2001:db8:1:9::1');
  });

  it('when no addresses are held, then it says why: still being set up, removed, or not listed here', () => {
    const setup = presentVpsAccess(buildVpsAccess({ network: null, service: { actualState: 'provisioning' } }));
    expect(setup.addressesNote).toBe('Your VPS’s IP addresses appear here once it is set up.');
    expect(setup.items.find((i) => i.id === 'ssh')).toBeUndefined();
    const noPool = presentVpsAccess(buildVpsAccess({ network: null }));
    expect(noPool.addressesNote).toMatch(/^No IP addresses are listed here/);
    const removed = presentVpsAccess(buildVpsAccess({ network: null, service: { actualState: 'terminated' } }));
    expect(removed.addressesNote).toBe('This VPS has been removed; its IP addresses were released.');
  });

  it('when the order chose no OS, then the plan’s own template’s option names it; an unnamed VPS has no host name row', () => {
    const box = presentVpsAccess(buildVpsAccess({ service: { osKey: null, hostname: null } }));
    expect(box.items.find((i) => i.id === 'os')?.value).toBe('Debian 12 (Bookworm)');
    expect(box.items.find((i) => i.id === 'hostname')).toBeUndefined();
  });

  it('when the page model is built, then it carries the card, and nothing password-like', () => {
    const page = presentClientServicePage(buildUptimeReport(), buildVpsAccess());
    expect(page.access?.items.map((i) => i.id)).toEqual(['hostname', 'ipv4-1', 'ipv6-1', 'os', 'username', 'ssh']);
    expect(JSON.stringify(page.access)).not.toMatch(/"password"|sealed/i);
    expect(presentClientServicePage(buildUptimeReport()).access).toBeNull();
  });
});
