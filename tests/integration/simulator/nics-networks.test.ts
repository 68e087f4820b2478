import { loadScenario } from '../../../ovirt-simulator/scenario/load';
import { auth, json, startHarness, type Harness } from './support';

type Json = Record<string, unknown>;
const API = '/ovirt-engine/api';
const MAC = /^56:6f:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$/;

describe('simulator networks and NICs (demo scenario)', () => {
  let h: Harness;
  let clusterId: string;
  const profileId = (name: string): string => [...h.sim.world.net.vnicProfiles.values()].find((p) => p.name === name)?.id ?? '';
  const templateId = (name: string): string => h.sim.world.findByName(h.sim.world.templates, name)?.id ?? '';

  /** Creates a VM from a template and waits out its image lock. */
  async function createVm(name: string, template: string): Promise<string> {
    const res = await h.http
      .post(`${API}/vms`)
      .set(json(h))
      .set('Content-Type', 'application/json')
      .send({ name, cluster: { name: 'Default' }, template: { name: template } });
    expect([201, 202]).toContain(res.status);
    h.sim.control.advance(15_000);
    return String((res.body as Json).id);
  }

  beforeAll(async () => {
    h = await startHarness({ scenario: 'demo' });
    clusterId = h.sim.world.findByName(h.sim.world.clusters, 'Default')?.id ?? '';
  });
  afterAll(async () => {
    await h.sim.close();
  });

  it('when networks, profiles, cluster networks and MAC pools are listed, then the scenario networks show as the engine shows them', async () => {
    const networks = (await h.http.get(`${API}/networks`).set(json(h))).body as { network: Json[] };
    expect(networks.network.map((n) => n.name)).toEqual(['ovirtmgmt', 'vm-public']);
    const pub = networks.network[1] as Json;
    expect(pub).toEqual(expect.objectContaining({ mtu: '0', usages: { usage: ['vm'] }, vlan: { id: '100' } }));
    const one = await h.http.get(`${API}/networks/${String(pub.id)}`).set(auth(h));
    expect(one.status).toBe(200);
    expect(one.text).toContain('<name>vm-public</name>');

    const profiles = (await h.http.get(`${API}/vnicprofiles`).set(json(h))).body as { vnic_profile: Json[] };
    const publicProfile = profiles.vnic_profile.find((p) => p.name === 'vm-public') as Json;
    expect((publicProfile.network as Json).id).toBe(pub.id);
    const xmlProfile = await h.http.get(`${API}/vnicprofiles/${String(publicProfile.id)}`).set(auth(h));
    expect(xmlProfile.text).toMatch(/<vnic_profile href="[^"]+" id="[^"]+">\s*<name>vm-public<\/name>/);

    const inCluster = (await h.http.get(`${API}/clusters/${clusterId}/networks`).set(json(h))).body as { network: Json[] };
    const mgmt = inCluster.network.find((n) => n.name === 'ovirtmgmt') as Json;
    expect(mgmt).toEqual(expect.objectContaining({ required: 'true', status: 'operational' }));
    expect((mgmt.usages as { usage: string[] }).usage).toContain('management');
    expect(inCluster.network.map((n) => n.name)).toContain('vm-public');

    const pools = (await h.http.get(`${API}/macpools`).set(json(h))).body as { mac_pool: Json[] };
    expect(pools.mac_pool).toHaveLength(1);
    const pool = pools.mac_pool[0] as Json;
    expect(pool).toEqual(expect.objectContaining({ name: 'Default', default_pool: 'true', allow_duplicates: 'false' }));
    const range = (pool.ranges as { range: Json[] }).range[0] as Json;
    expect(String(range.from)).toMatch(/^56:6f:[0-9a-f]{2}:[0-9a-f]{2}:00:00$/);
    expect(String(range.to)).toBe(String(range.from).replace(/00:00$/, 'ff:ff'));
  });

  it('when template NICs are read, then debian-12 has nic1 on ovirtmgmt without a MAC and almalinux-9 has none', async () => {
    const deb = (await h.http.get(`${API}/templates/${templateId('debian-12')}/nics`).set(json(h))).body as { nic: Json[] };
    expect(deb.nic).toHaveLength(1);
    expect(deb.nic[0]).toEqual(
      expect.objectContaining({
        name: 'nic1',
        interface: 'virtio',
        linked: 'true',
        plugged: 'true',
        vnic_profile: expect.objectContaining({ id: profileId('ovirtmgmt') }),
      }),
    );
    expect((deb.nic[0] as Json).mac).toBeUndefined();
    const alma = await h.http.get(`${API}/templates/${templateId('almalinux-9')}/nics`).set(auth(h));
    expect(alma.text).toMatch(/<nics\/>/);
  });

  it('when two VMs are made from one template, then each gets a copy of its NIC with a fresh, unique MAC from the pool', async () => {
    const a = await createVm('nic-a', 'debian-12');
    const b = await createVm('nic-b', 'debian-12');
    const nicsA = ((await h.http.get(`${API}/vms/${a}/nics`).set(json(h))).body as { nic: Json[] }).nic;
    const nicsB = ((await h.http.get(`${API}/vms/${b}/nics`).set(json(h))).body as { nic: Json[] }).nic;
    expect(nicsA).toHaveLength(1);
    const macA = String(((nicsA[0] as Json).mac as Json).address);
    const macB = String(((nicsB[0] as Json).mac as Json).address);
    expect(macA).toMatch(MAC);
    expect(macB).toMatch(MAC);
    expect(macA).not.toBe(macB);
    expect((nicsA[0] as Json).name).toBe('nic1');
    expect(((nicsA[0] as Json).vnic_profile as Json).id).toBe(profileId('ovirtmgmt'));
    expect(((nicsA[0] as Json).vm as Json).id).toBe(a);
    const xml = await h.http.get(`${API}/vms/${b}/nics/${String((nicsB[0] as Json).id)}`).set(auth(h));
    expect(xml.text).toContain(`<mac>\n        <address>${macB}</address>\n    </mac>`);
  });

  it('when a NIC is added to a NIC-less VM and moved to another profile, then it gets a pool MAC and the engine events', async () => {
    const vm = await createVm('nic-c', 'almalinux-9');
    const empty = await h.http.get(`${API}/vms/${vm}/nics`).set(json(h));
    expect(empty.body).toEqual({});
    const added = await h.http
      .post(`${API}/vms/${vm}/nics`)
      .set(auth(h))
      .set('Content-Type', 'application/xml')
      .send(`<nic><name>nic1</name><interface>virtio</interface><vnic_profile id="${profileId('ovirtmgmt')}"/></nic>`);
    expect(added.status).toBe(201);
    expect(added.headers.location).toMatch(new RegExp(`/vms/${vm}/nics/[0-9a-f-]+$`));
    const nicId = /<nic href="[^"]+" id="([^"]+)">/.exec(added.text)?.[1] ?? '';
    expect(added.text).toMatch(/<mac>\s*<address>56:6f:/);
    const events = h.sim.world.events.filter((e) => e.code === 932);
    expect(events.at(-1)?.description).toBe('Interface nic1 (VirtIO) was added to VM nic-c. (User: admin@internal-authz)');

    const updated = await h.http
      .put(`${API}/vms/${vm}/nics/${nicId}`)
      .set(json(h))
      .set('Content-Type', 'application/json')
      .send({ vnic_profile: { id: profileId('vm-public') }, linked: 'false' });
    expect(updated.status).toBe(200);
    expect(((updated.body as Json).vnic_profile as Json).id).toBe(profileId('vm-public'));
    expect((updated.body as Json).linked).toBe('false');
    const update = h.sim.world.events.filter((e) => e.code === 934).at(-1);
    expect(update?.description).toBe('Interface nic1 (VirtIO) was updated for VM nic-c. Link State is DOWN. (User: admin@internal-authz)');
  });

  it('when a NIC request is wrong, then the engine faults come back (name taken, MAC taken, bad MAC, unknown profile, bad interface)', async () => {
    const vm = await createVm('nic-d', 'debian-12');
    const other = h.sim.world.net.nicsOf(h.sim.world.findVm('nic-a')?.id ?? '')[0]?.mac ?? '';
    const post = (body: Json) => h.http.post(`${API}/vms/${vm}/nics`).set(json(h)).set('Content-Type', 'application/json').send(body);
    const taken = await post({ name: 'nic1' });
    expect(taken.status).toBe(409);
    expect((taken.body as Json).detail).toBe('[Network interface name is already in use]');
    const macTaken = await post({ name: 'nic2', mac: { address: other } });
    expect(macTaken.status).toBe(409);
    expect((macTaken.body as Json).detail).toBe(`[MAC Address ${other} is already in use by VM or snapshot: nic-a.]`);
    const badMac = await post({ name: 'nic2', mac: { address: 'zz:00' } });
    expect(badMac.status).toBe(400);
    const noProfile = await post({ name: 'nic2', vnic_profile: { id: '00000000-0000-0000-0000-00000000abcd' } });
    expect(noProfile.status).toBe(400);
    expect((noProfile.body as Json).detail).toBe("[Cannot add Interface. The specified VM network interface profile doesn't exist.]");
    const badInterface = await post({ name: 'nic2', interface: 'virtio9' });
    expect(badInterface.status).toBe(400);
    expect((badInterface.body as Json).reason).toBe('Invalid value');
    const noName = await post({});
    expect(noName.status).toBe(400);
    expect((noName.body as Json).reason).toBe('Incomplete parameters');
    const own = await post({ name: 'nic2', mac: { address: '02:00:00:00:00:01' } });
    expect(own.status).toBe(201);
    expect(((own.body as Json).mac as Json).address).toBe('02:00:00:00:00:01');
  });

  it('when a VM is removed, then its MACs go back to the pool and its NICs are gone', async () => {
    const vm = h.sim.world.findVm('nic-d');
    const mac = h.sim.world.net.nicsOf(vm?.id ?? '')[0]?.mac ?? '';
    expect(h.sim.world.net.macHolder(mac)).toBeDefined();
    const res = await h.http.delete(`${API}/vms/${vm?.id ?? ''}`).set(json(h));
    expect(res.status).toBe(200);
    expect(h.sim.world.net.macHolder(mac)).toBeUndefined();
    expect(h.sim.world.net.nicsOf(vm?.id ?? '')).toEqual([]);
  });
});

describe('simulator scenario networks', () => {
  it('when a scenario names networks, profiles, cluster networks, template NICs and a MAC pool, then the world has them', () => {
    const s = loadScenario({
      name: 'nets',
      dataCenters: [
        {
          name: 'DC',
          networks: [
            { name: 'public', vnicProfiles: [{ name: 'public' }, { name: 'public-mirror' }] },
            { name: 'storage', vm: false },
          ],
          clusters: [{ name: 'C', networks: ['public'], hosts: [{ name: 'h1', memoryGiB: 64 }] }],
        },
      ],
      templates: [
        { name: 't', memoryGiB: 1, diskGiB: 0, cluster: 'C', nics: [{ name: 'nic1', network: 'public', vnicProfile: 'public-mirror' }] },
      ],
      vms: [{ name: 'v', template: 't', cluster: 'C' }],
      macPool: { ranges: [{ from: '02:00:00:00:00:10', to: '02:00:00:00:00:1f' }] },
    });
    expect(s.dataCenters[0]?.networks).toHaveLength(2);
  });

  it('when old scenarios load, then every data center has ovirtmgmt and VMs have NICs', async () => {
    const h = await startHarness({ scenario: 'ha-drill' });
    try {
      const names = [...h.sim.world.net.networks.values()].map((n) => n.name);
      expect(names).toEqual(['ovirtmgmt']);
      const web01 = h.sim.world.findVm('web01');
      const nics = h.sim.world.net.nicsOf(web01?.id ?? '');
      expect(nics.map((n) => n.name)).toEqual(['nic1']);
      const macs = new Set([...h.sim.world.vms.values()].map((vm) => h.sim.world.net.nicsOf(vm.id)[0]?.mac));
      expect(macs.size).toBe(h.sim.world.vms.size);
    } finally {
      await h.sim.close();
    }
  });

  it('when a scenario with a custom pool and template NICs is started, then VM NICs are on the named profile with MACs from that pool', async () => {
    const h = await startHarness({
      scenario: {
        name: 'nets',
        dataCenters: [
          {
            name: 'DC',
            networks: [{ name: 'public', vnicProfiles: [{ name: 'public' }, { name: 'public-mirror' }] }],
            clusters: [{ name: 'C', hosts: [{ name: 'h1', memoryGiB: 64 }] }],
          },
        ],
        templates: [
          { name: 't', memoryGiB: 1, diskGiB: 0, cluster: 'C', nics: [{ name: 'nic1', network: 'public', vnicProfile: 'public-mirror' }] },
        ],
        vms: [{ name: 'v', template: 't', cluster: 'C' }],
        macPool: { ranges: [{ from: '02:00:00:00:00:10', to: '02:00:00:00:00:1f' }] },
      },
    });
    try {
      const vm = h.sim.world.findVm('v');
      const res = await h.http.get(`${API}/vms/${vm?.id ?? ''}/nics`).set(json(h));
      const nic = (res.body as { nic: Json[] }).nic[0] as Json;
      expect((nic.mac as Json).address).toBe('02:00:00:00:00:10');
      const profile = [...h.sim.world.net.vnicProfiles.values()].find((p) => p.name === 'public-mirror');
      expect((nic.vnic_profile as Json).id).toBe(profile?.id);
    } finally {
      await h.sim.close();
    }
  });
});
