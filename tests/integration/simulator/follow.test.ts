import { auth, json, startHarness, type Harness } from './support';

type Json = Record<string, unknown>;

/** Issue 19 item 6: `follow=` inlines what `LinkFollower` would, in JSON and XML alike. */
describe('simulator follow= and scheduling policies', () => {
  let h: Harness;
  let web01: string;
  beforeAll(async () => {
    h = await startHarness();
    await h.sim.control.advance(10_000); // the guest agent reports: reported devices exist
    web01 = h.sim.world.findVm('web01')?.id ?? '';
  });
  afterAll(async () => {
    await h.sim.close();
  });

  const getJson = async (path: string): Promise<Json> => {
    const res = await h.http.get(`/ovirt-engine/api${path}`).set(json(h));
    expect(res.status).toBe(200);
    return res.body as Json;
  };

  it('when a VM follows host, cluster and template, then each reference is the whole entity its href reads', async () => {
    const vm = await getJson(`/vms/${web01}?follow=host,cluster,template`);
    const host = vm.host as Json;
    const cluster = vm.cluster as Json;
    expect(host).toEqual(await getJson(`/hosts/${String(host.id)}`));
    expect(cluster).toEqual(await getJson(`/clusters/${String(cluster.id)}`));
    expect((vm.template as Json).name).toBe('debian-12');
    expect(vm.original_template).toEqual({ href: expect.any(String), id: (vm.template as Json).id });
  });

  it('when nested paths are followed, then each level is followed on what the previous one fetched', async () => {
    const vm = await getJson(`/vms/${web01}?follow=cluster.data_center,nics.reporteddevices,disk_attachments.disk`);
    expect(((vm.cluster as Json).data_center as Json).name).toBe('Default');
    const nics = (vm.nics as { nic: Json[] }).nic;
    expect(nics.map((n) => n.name)).toEqual(['nic1']);
    expect(nics[0]?.reported_devices).toEqual(await getJson(`/vms/${web01}/nics/${String(nics[0]?.id)}/reporteddevices`));
    const attachment = (vm.disk_attachments as { disk_attachment: Json[] }).disk_attachment[0] as Json;
    expect((attachment.disk as Json).name).toBe('web01_Disk1');
    // Inlined collections sit among the references in alphabetical order, as JAXB writes them.
    const keys = Object.keys(vm);
    expect(keys.indexOf('cluster')).toBeLessThan(keys.indexOf('disk_attachments'));
    expect(keys.indexOf('disk_attachments')).toBeLessThan(keys.indexOf('host'));
    expect(keys.indexOf('host')).toBeLessThan(keys.indexOf('nics'));
    expect(keys.indexOf('nics')).toBeLessThan(keys.indexOf('template'));
  });

  it('when the VM list follows nics, then XML carries the same inlined NICs as JSON', async () => {
    const j = await getJson('/vms?search=name%3Dweb01&follow=nics');
    const nic = ((j.vm as Json[])[0]?.nics as { nic: Json[] }).nic[0] as Json;
    const xml = await h.http.get('/ovirt-engine/api/vms?search=name%3Dweb01&follow=nics').set(auth(h));
    expect(xml.text).toMatch(new RegExp(`<nics>\\s*<nic href="[^"]+/nics/${String(nic.id)}" id="${String(nic.id)}">\\s*<name>nic1</name>`));
    expect(xml.text).toContain(`<address>${String((nic.mac as Json).address)}</address>`);
  });

  it('when a host follows its cluster, or a template its cluster, then they are inlined', async () => {
    const hosts = (await getJson('/hosts?follow=cluster')).host as Json[];
    expect(hosts.every((x) => (x.cluster as Json).name === 'Default')).toBe(true);
    const templates = (await getJson('/templates?follow=cluster')).template as Json[];
    const debian = templates.find((t) => t.name === 'debian-12') as Json;
    expect((debian.cluster as Json).name).toBe('Default');
    expect(templates.find((t) => t.name === 'Blank')?.cluster).toBeUndefined();
  });

  it('when the scheduling policy a cluster links to is read, then it is the engine built-in (XML and JSON)', async () => {
    const cluster = ((await getJson('/clusters')).cluster as Json[])[0] as Json;
    const policy = await getJson(`/schedulingpolicies/${String((cluster.scheduling_policy as Json).id)}`);
    expect(policy).toMatchObject({
      id: 'b4ed2332-a7ac-4d5f-9596-99a439cb2812',
      name: 'none',
      default_policy: 'true',
      locked: 'true',
      properties: {
        property: [
          { name: 'CpuOverCommitDurationMinutes', value: '2' },
          { name: 'HighUtilization', value: '80' },
        ],
      },
    });
    const all = (await getJson('/schedulingpolicies')).scheduling_policy as Json[];
    expect(all.map((p) => p.name)).toEqual(['none', 'cluster_maintenance', 'evenly_distributed', 'power_saving', 'vm_evenly_distributed']);
    const xml = await h.http.get(`/ovirt-engine/api/schedulingpolicies/${String(policy.id)}`).set(auth(h));
    expect(xml.text).toContain('<default_policy>true</default_policy>');
    expect(xml.text).toContain('<property>\n            <name>CpuOverCommitDurationMinutes</name>');
    expect((await h.http.get('/ovirt-engine/api/schedulingpolicies/00000000-0000-0000-0000-00000000abcd').set(auth(h))).status).toBe(404);
    const followed = await getJson(`/clusters/${String(cluster.id)}?follow=scheduling_policy`);
    expect(followed.scheduling_policy).toEqual(policy);
  });
});
