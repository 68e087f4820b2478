import { auth, json, startHarness, type Harness } from './support';

type Json = Record<string, unknown>;

/** Issue 19 item 7: the fields a client may read, as HostMapper, VmMapper and ClusterMapper write them, in both dialects. */
describe('simulator host, VM and cluster fields', () => {
  let h: Harness;
  let web01: string;
  let host1: string;
  beforeAll(async () => {
    h = await startHarness();
    web01 = h.sim.world.findVm('web01')?.id ?? '';
    host1 = h.sim.world.findHost('host1')?.id ?? '';
  });
  afterAll(async () => {
    await h.sim.close();
  });

  const get = async (path: string, headers: Record<string, string> = json(h)) => h.http.get(`/ovirt-engine/api${path}`).set(headers);

  it(
    'when a host is read, then os, version, libvirt_version, hardware_information, ksm, se_linux, transparent_hugepages and ' +
      'update_available are there',
    async () => {
      const host = (await get(`/hosts/${host1}`)).body as Json;
      expect(host).toMatchObject({
        os: { type: 'RHEL', version: { full_version: '9 - 2.el9', major: '9' }, description: 'CentOS Stream 9' },
        version: { full_version: 'vdsm-4.50.5.1-1.el9', major: '4', minor: '50', build: '5', revision: '1' },
        libvirt_version: { full_version: 'libvirt-9.5.0-7.el9', major: '9', minor: '5' },
        hardware_information: {
          manufacturer: 'Dell Inc.',
          uuid: host1,
          supported_rng_sources: { supported_rng_source: ['hwrng', 'urandom'] },
        },
        ksm: { enabled: 'false' },
        se_linux: { mode: 'enforcing' },
        transparent_hugepages: { enabled: 'true' },
        update_available: 'false',
      });
      const xml = (await get(`/hosts/${host1}`, auth(h))).text;
      expect(xml).toMatch(/<libvirt_version>\s*<build>0<\/build>\s*<full_version>libvirt-9.5.0-7.el9<\/full_version>/);
      expect(xml).toMatch(/<se_linux>\s*<mode>enforcing<\/mode>\s*<\/se_linux>/);
      expect(xml).toContain('<update_available>false</update_available>');
    },
  );

  it('when a VM is read, then bios, display, io, usb, sso, time_zone, cpu_shares, cpu_profile and quota are there; console only with All-Content', async () => {
    const vm = (await get(`/vms/${web01}`)).body as Json;
    expect(vm).toMatchObject({
      bios: { boot_menu: { enabled: 'false' }, type: 'cluster_default' },
      display: { type: 'vnc', monitors: '1', allow_override: 'false' },
      io: { threads: '1' },
      usb: { enabled: 'false' },
      sso: { methods: { method: [{ id: 'guest_agent' }] } },
      time_zone: { name: 'Etc/GMT', utc_offset: '+00:00' },
      cpu_shares: '0',
      cpu_profile: { href: expect.stringMatching(/\/cpuprofiles\//), id: expect.any(String) },
      quota: { id: expect.any(String) },
    });
    expect(vm.console).toBeUndefined();
    expect(((await get(`/vms/${web01}?all_content=true`)).body as Json).console).toEqual({ enabled: 'false' });
    expect(((await get('/vms?search=name%3Dweb01', { ...json(h), 'All-Content': 'true' })).body as { vm: Json[] }).vm[0]?.console).toEqual({
      enabled: 'false',
    });
    expect(((await get(`/vms?search=name%3Dweb01&all_content=true`)).body as { vm: Json[] }).vm[0]?.console).toEqual({ enabled: 'false' });
    const xml = (await get(`/vms/${web01}`, auth(h))).text;
    expect(xml).toMatch(/<io>\s*<threads>1<\/threads>\s*<\/io>/);
    expect(xml).toMatch(/<cpu_profile href="\/ovirt-engine\/api\/cpuprofiles\/[^"]+" id="[^"]+"\/>/);
    // Two VMs of one data center share its default quota; the CPU profile is the cluster's.
    const web02 = ((await get('/vms?search=name%3Dweb02')).body as { vm: Json[] }).vm[0] as Json;
    expect(web02.quota).toEqual(vm.quota);
    expect(web02.cpu_profile).toEqual(vm.cpu_profile);
  });

  it('when a cluster is read, then ksm, migration, bios_type, switch_type, firewall_type, fips_mode and required_rng_sources are there', async () => {
    const cluster = ((await get('/clusters')).body as { cluster: Json[] }).cluster[0] as Json;
    expect(cluster).toMatchObject({
      ksm: { enabled: 'true', merge_across_nodes: 'true' },
      migration: {
        auto_converge: 'inherit',
        compressed: 'inherit',
        encrypted: 'inherit',
        bandwidth: { assignment_method: 'auto' },
        policy: { id: '80554327-0569-496b-bdeb-fcbbf52b827b' },
      },
      bios_type: 'q35_ovmf',
      switch_type: 'legacy',
      firewall_type: 'firewalld',
      fips_mode: 'disabled',
      required_rng_sources: { required_rng_source: ['urandom'] },
    });
    const xml = (await get(`/clusters/${String(cluster.id)}`, auth(h))).text;
    expect(xml).toMatch(/<required_rng_sources>\s*<required_rng_source>urandom<\/required_rng_source>\s*<\/required_rng_sources>/);
    expect(xml).toMatch(/<policy id="80554327-0569-496b-bdeb-fcbbf52b827b"\/>/);
  });

  it('when host statistics are read, then they are the engine list: memory, shared, swap, KSM, CPU, load, boot time, huge pages', async () => {
    const stats = ((await get(`/hosts/${host1}/statistics`)).body as { statistic: Json[] }).statistic;
    expect(stats.map((s) => s.name)).toEqual([
      'memory.total',
      'memory.used',
      'memory.free',
      'memory.shared',
      'swap.total',
      'swap.free',
      'swap.used',
      'ksm.cpu.current',
      'cpu.current.user',
      'cpu.current.system',
      'cpu.current.idle',
      'cpu.load.avg.5m',
      'boot.time',
      'hugepages.2048.free',
      'hugepages.1048576.free',
      'hugepages.2048.total',
      'hugepages.1048576.total',
    ]);
    const swap = stats.find((s) => s.name === 'swap.total') as Json;
    expect(swap).toMatchObject({ kind: 'gauge', type: 'integer', unit: 'bytes', values: { value: [{ datum: String(8 * 1024 ** 3) }] } });
    expect(stats.find((s) => s.name === 'cpu.load.avg.5m')?.unit).toBe('percent');
  });
});
