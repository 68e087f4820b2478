import { auth, json, startHarness, type Harness } from './support';

type Json = Record<string, unknown>;

describe('simulator SPM failover as a client sees it, in JSON and XML', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ scenario: 'ha-drill' });
  });
  afterEach(async () => {
    await h.sim.close();
  });

  const getJson = async (path: string) => (await h.http.get(`/ovirt-engine/api${path}`).set(json(h))).body as Json;
  const getXml = async (path: string) => (await h.http.get(`/ovirt-engine/api${path}`).set(auth(h))).text;
  const spmOf = async (hostId: string) => ((await getJson(`/hosts/${hostId}`)).spm as Json).status;

  it(
    'when the SPM loses power, then it stays SPM while the data center is problematic, and after the fence another host is SPM and ' +
      '204 is listed',
    async () => {
      // Arrange
      const host1 = h.sim.world.findHost('host1');
      const dc = [...h.sim.world.dataCenters.values()][0];
      const hostId = host1?.id ?? '';
      const dcId = dc?.id ?? '';
      const from = h.sim.world.peekNextEventIndex() - 1;
      expect(await spmOf(hostId)).toBe('spm');

      // Act: the failure, then the pool's status check
      h.sim.control.failHost('host1', 'power_loss');
      h.sim.control.advance(10_000);

      // Assert: both dialects say the same
      expect((await getJson(`/hosts/${hostId}`)).status).toBe('connecting');
      expect(await spmOf(hostId)).toBe('spm');
      expect(await getXml(`/hosts/${hostId}`)).toMatch(/<spm>\s*<priority>\d+<\/priority>\s*<status>spm<\/status>\s*<\/spm>/);
      expect((await getJson(`/datacenters/${dcId}`)).status).toBe('problematic');
      expect(await getXml(`/datacenters/${dcId}`)).toContain('<status>problematic</status>');

      // Act: grace, soft fence, the PM stop, the next refresh and the SPM start
      h.sim.control.advance(82_000 + 10_000 + 5_000 + 10_000 + 5_000);

      // Assert
      expect(await spmOf(hostId)).toBe('none');
      const hosts = ((await getJson('/hosts')).host as Json[]).filter((x) => (x.spm as Json).status === 'spm');
      expect(hosts.map((x) => x.name)).toEqual([expect.stringMatching(/^host[23]$/)]);
      expect((await getJson(`/datacenters/${dcId}`)).status).toBe('up');
      const listed = ((await getJson(`/events?from=${from}`)).event as Json[]).filter((e) => ['987', '204'].includes(String(e.code)));
      expect(listed.map((e) => e.code)).toEqual(['204', '987']);
      const [hosted, problem] = listed;
      expect(hosted?.description).toBe(
        `Storage Pool Manager runs on Host ${String(hosts[0]?.name)}.example.com (Address: ${String(hosts[0]?.name)}.example.com), ` +
          `Data Center Default.`,
      );
      expect(hosted?.host).toBeUndefined();
      expect(hosted?.data_center).toBeUndefined();
      expect(problem?.severity).toBe('warning');
      expect((problem?.data_center as Json).id).toBe(dcId);
      const xml = await getXml(`/events/${String(problem?.id)}`);
      expect(xml).toContain('<code>987</code>');
      expect(xml).toContain('<severity>warning</severity>');
      expect(xml).toContain(`<data_center href="/ovirt-engine/api/datacenters/${dcId}" id="${dcId}">`);
    },
  );
});
