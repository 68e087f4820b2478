import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadScenario, builtInScenarioNames } from '../../../ovirt-simulator/scenario/load';
import { auth, json, startHarness, type Harness } from './support';

type Json = Record<string, unknown>;

/** A fixture as the simulator sends it (the files end with a newline, the responses do not). */
const fixture = (name: string): string =>
  readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'ovirt', name), 'utf8').replace(/\n$/, '');
const GIB = 1024 ** 3;

/** The storage domain ids a VM's disks live on, read the way the readiness audit reads them. */
function domainsOf(vm: Json): string[] {
  const attachments = ((vm.disk_attachments as Json | undefined)?.disk_attachment ?? []) as Json[];
  return attachments.flatMap((a) =>
    ((((a.disk as Json).storage_domains as Json).storage_domain ?? []) as Json[]).map((sd) => String(sd.id)),
  );
}

describe('simulator disks: ha-drill (shared NFS)', () => {
  let h: Harness;
  let web01: string;
  let nfsData: string;
  beforeAll(async () => {
    h = await startHarness();
    web01 = h.sim.world.findVm('web01')?.id ?? '';
    nfsData = h.sim.world.findByName(h.sim.world.storageDomains, 'nfs-data')?.id ?? '';
  });
  afterAll(async () => {
    await h.sim.close();
  });

  it('when a VM is read with follow=disk_attachments.disk in JSON, then it matches the fixture shape', async () => {
    const res = await h.http.get(`/ovirt-engine/api/vms/${web01}?follow=disk_attachments.disk`).set(json(h));
    expect(res.status).toBe(200);
    expect(res.text).toBe(fixture('vm-with-disks.json'));
    const attachment = ((res.body as Json).disk_attachments as { disk_attachment: Json[] }).disk_attachment[0] as Json;
    expect(attachment).toEqual(
      expect.objectContaining({
        id: expect.any(String),
        href: `/ovirt-engine/api/vms/${web01}/diskattachments/${String(attachment.id)}`,
        active: 'true',
        bootable: 'true',
        interface: 'virtio_scsi',
      }),
    );
    expect(attachment.disk).toEqual(
      expect.objectContaining({
        id: attachment.id,
        href: `/ovirt-engine/api/disks/${String(attachment.id)}`,
        name: 'web01_Disk1',
        status: 'ok',
        format: 'cow',
        storage_type: 'image',
        provisioned_size: String(20 * GIB),
        storage_domains: { storage_domain: [{ href: `/ovirt-engine/api/storagedomains/${nfsData}`, id: nfsData }] },
      }),
    );
  });

  it('when a VM is read with follow=disk_attachments.disk in XML, then the disk and its domain are inlined', async () => {
    const res = await h.http.get(`/ovirt-engine/api/vms/${web01}?follow=disk_attachments.disk`).set(auth(h));
    expect(res.text).toBe(fixture('vm-with-disks.xml'));
    expect(res.text).toMatch(
      new RegExp(
        /<disk_attachments>\s*<disk_attachment href="[^"]+" id="[^"]+">\s*<active>true<\/active>\s*<bootable>true<\/bootable>\s*/.source +
          /<interface>virtio_scsi<\/interface>[\s\S]*?<disk href="\/ovirt-engine\/api\/disks\/[^"]+" id="[^"]+">[\s\S]*?/.source +
          /<name>web01_Disk1<\/name>[\s\S]*?<status>ok<\/status>[\s\S]*?/.source +
          /<storage_domains>\s*<storage_domain href="[^"]+" id="([^"]+)"\/>\s*<\/storage_domains>\s*<\/disk>/.source,
      ),
    );
    expect(res.text).toContain(`<storage_domain href="/ovirt-engine/api/storagedomains/${nfsData}" id="${nfsData}"/>`);
  });

  it('when VMs are listed with follow, then every VM with a template disk has it on shared NFS', async () => {
    const res = await h.http.get('/ovirt-engine/api/vms?follow=disk_attachments.disk').set(json(h));
    const vms = (res.body as { vm: Json[] }).vm;
    expect(vms).toHaveLength(15);
    for (const vm of vms) expect(domainsOf(vm)).toEqual([nfsData]);
    const sd = await h.http.get(`/ovirt-engine/api/storagedomains/${nfsData}`).set(json(h));
    expect(((sd.body as Json).storage as Json).type).toBe('nfs');
  });

  it('when only disk_attachments is followed, then attachments carry disk references only', async () => {
    const res = await h.http.get(`/ovirt-engine/api/vms/${web01}?follow=disk_attachments`).set(json(h));
    const attachment = ((res.body as Json).disk_attachments as { disk_attachment: Json[] }).disk_attachment[0] as Json;
    expect(attachment.disk).toEqual({ href: `/ovirt-engine/api/disks/${String(attachment.id)}`, id: attachment.id });
  });

  it('when follow is absent or names paths the simulator cannot follow, then nothing is inlined and nothing fails', async () => {
    const plain = await h.http.get(`/ovirt-engine/api/vms/${web01}`).set(json(h));
    expect((plain.body as Json).disk_attachments).toBeUndefined();
    expect(plain.text).toBe(fixture('vm.json'));
    const unknown = await h.http.get(`/ovirt-engine/api/vms/${web01}?follow=no_such.thing`).set(json(h));
    expect(unknown.status).toBe(200);
    expect(unknown.text).toBe(plain.text);
    const mixed = await h.http.get(`/ovirt-engine/api/vms?follow=bogus,disk_attachments.disk&search=name%3Dweb01`).set(json(h));
    expect(domainsOf((mixed.body as { vm: Json[] }).vm[0] as Json)).toEqual([nfsData]);
  });

  it('when the diskattachments link is followed, then the collection is {"disk_attachment":[…]} in JSON and XML', async () => {
    const vm = await h.http.get(`/ovirt-engine/api/vms/${web01}`).set(auth(h));
    expect(vm.text).toContain(`<link href="/ovirt-engine/api/vms/${web01}/diskattachments" rel="diskattachments"/>`);
    const res = await h.http.get(`/ovirt-engine/api/vms/${web01}/diskattachments`).set(json(h));
    expect(res.status).toBe(200);
    const [attachment] = (res.body as { disk_attachment: Json[] }).disk_attachment;
    expect(attachment).toEqual(
      expect.objectContaining({
        active: 'true',
        bootable: 'true',
        interface: 'virtio_scsi',
        disk: { href: expect.any(String), id: attachment?.id },
      }),
    );
    const xml = await h.http.get(`/ovirt-engine/api/vms/${web01}/diskattachments`).set(auth(h));
    expect(xml.text).toMatch(/^<\?xml[^>]*>\s*<disk_attachments>\s*<disk_attachment href="[^"]+" id="[^"]+">/);
    const one = await h.http.get(`/ovirt-engine/api/vms/${web01}/diskattachments/${String(attachment?.id)}`).set(json(h));
    expect((one.body as Json).id).toBe(attachment?.id);
  });

  it('when disks are read, then /disks lists them and /disks/{id} shows size, format, status and domain', async () => {
    const list = await h.http.get('/ovirt-engine/api/disks').set(json(h));
    const disks = (list.body as { disk: Json[] }).disk;
    expect(disks).toHaveLength(15);
    const disk = disks.find((d) => d.name === 'web01_Disk1') as Json;
    const one = await h.http.get(`/ovirt-engine/api/disks/${String(disk.id)}`).set(json(h));
    expect(one.body).toEqual(disk);
    expect(disk).toEqual(
      expect.objectContaining({
        provisioned_size: String(20 * GIB),
        actual_size: String(5 * GIB),
        format: 'cow',
        status: 'ok',
        storage_type: 'image',
        storage_domains: { storage_domain: [expect.objectContaining({ id: nfsData })] },
      }),
    );
    const xml = await h.http.get(`/ovirt-engine/api/disks/${String(disk.id)}`).set(auth(h));
    expect(xml.text).toContain(`<disk href="/ovirt-engine/api/disks/${String(disk.id)}" id="${String(disk.id)}">`);
    expect(xml.text).toContain('<provisioned_size>21474836480</provisioned_size>');
    const searched = await h.http.get('/ovirt-engine/api/disks?search=name%3Dweb0*').set(json(h));
    expect((searched.body as { disk: Json[] }).disk.map((d) => d.name)).toEqual(
      ['web01', 'web02', 'web03', 'web04', 'web05', 'web06'].map((vm) => `${vm}_Disk1`),
    );
    const onDomain = await h.http.get(`/ovirt-engine/api/storagedomains/${nfsData}/disks`).set(json(h));
    expect((onDomain.body as { disk: Json[] }).disk).toHaveLength(15);
  });

  it('when an unknown disk is read, then 404 with an empty body', async () => {
    for (const url of ['/disks/nope', `/vms/${web01}/diskattachments/nope`, '/vms/nope/diskattachments']) {
      const res = await h.http.get(`/ovirt-engine/api${url}`).set(json(h));
      expect(res.status).toBe(404);
      expect(res.text).toBe('');
    }
  });
});

describe('simulator disks: created and removed VMs', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ scenario: 'demo', timings: { vmCreateMs: 10_000 } });
  });
  afterEach(async () => {
    await h.sim.close();
  });

  const create = (body: Json) =>
    h.http
      .post('/ovirt-engine/api/vms')
      .set({ ...json(h), 'Content-Type': 'application/json' })
      .send(body);

  it('when a VM is created from a template, then its disk is on the template domain, locked while image_locked, then ok', async () => {
    const nfsData = h.sim.world.findByName(h.sim.world.storageDomains, 'nfs-data')?.id;
    const created = await create({ name: 'web01', cluster: { name: 'Default' }, template: { name: 'debian-12' } });
    expect(created.status).toBe(202);
    const id = String((created.body as Json).id);

    const locked = await h.http.get(`/ovirt-engine/api/vms/${id}?follow=disk_attachments.disk`).set(json(h));
    expect((locked.body as Json).status).toBe('image_locked');
    const disk = (((locked.body as Json).disk_attachments as { disk_attachment: Json[] }).disk_attachment[0] as Json).disk as Json;
    expect(disk).toEqual(expect.objectContaining({ name: 'web01_Disk1', status: 'locked', provisioned_size: String(20 * GIB) }));
    expect(domainsOf(locked.body as Json)).toEqual([nfsData]);

    h.sim.control.advance(10_000);
    const ok = await h.http.get(`/ovirt-engine/api/disks/${String(disk.id)}`).set(json(h));
    expect((ok.body as Json).status).toBe('ok');
  });

  it('when the create request names a storage domain in disk_attachments, then the disk goes there', async () => {
    const world = h.sim.world;
    const iso = world.findByName(world.storageDomains, 'iso');
    const second = {
      ...(world.findByName(world.storageDomains, 'nfs-data') as NonNullable<typeof iso>),
      id: 'sd-second',
      name: 'nfs-data-2',
      master: false,
    };
    world.storageDomains.set(second.id, second);
    const asked = (sd: Json) => ({
      name: 'db01',
      cluster: { name: 'Default' },
      template: { name: 'debian-12' },
      disk_attachments: { disk_attachment: [{ disk: { id: 'tpl-disk', format: 'cow', storage_domains: { storage_domain: [sd] } } }] },
    });

    const created = await create(asked({ id: 'sd-second' }));
    expect(created.status).toBe(202);
    const vm = await h.http.get(`/ovirt-engine/api/vms/${String((created.body as Json).id)}?follow=disk_attachments.disk`).set(json(h));
    expect(domainsOf(vm.body as Json)).toEqual(['sd-second']);

    const refused = await create({ ...asked({ name: 'iso' }), name: 'db02' });
    expect(refused.status).toBe(409);
    expect(world.vmByName('db02')).toBeUndefined();
    expect(iso?.type).toBe('iso');
  });

  it('when a VM is removed, then its disks are gone (404); with detach_only they stay', async () => {
    const a = await create({ name: 'gone', cluster: { name: 'Default' }, template: { name: 'debian-12' } });
    const b = await create({ name: 'kept', cluster: { name: 'Default' }, template: { name: 'debian-12' } });
    h.sim.control.advance(10_000);
    const diskOf = async (vmId: string) => {
      const res = await h.http.get(`/ovirt-engine/api/vms/${vmId}/diskattachments`).set(json(h));
      return String(((res.body as { disk_attachment: Json[] }).disk_attachment[0] as Json).id);
    };
    const goneDisk = await diskOf(String((a.body as Json).id));
    const keptDisk = await diskOf(String((b.body as Json).id));

    expect((await h.http.delete(`/ovirt-engine/api/vms/${String((a.body as Json).id)}`).set(json(h))).status).toBe(200);
    expect((await h.http.delete(`/ovirt-engine/api/vms/${String((b.body as Json).id)}?detach_only=true`).set(json(h))).status).toBe(200);

    const gone = await h.http.get(`/ovirt-engine/api/disks/${goneDisk}`).set(json(h));
    expect(gone.status).toBe(404);
    expect(gone.text).toBe('');
    const kept = await h.http.get(`/ovirt-engine/api/disks/${keptDisk}`).set(json(h));
    expect(kept.status).toBe(200);
    expect((kept.body as Json).status).toBe('ok');
  });

  it('when a VM is made from Blank, then it has no disk and follow gives an empty disk_attachments', async () => {
    const created = await create({ name: 'bare', cluster: { name: 'Default' }, template: { name: 'Blank' } });
    expect(created.status).toBe(201);
    const res = await h.http.get(`/ovirt-engine/api/vms/${String((created.body as Json).id)}?follow=disk_attachments.disk`).set(json(h));
    expect((res.body as Json).disk_attachments).toEqual({});
    const list = await h.http.get(`/ovirt-engine/api/vms/${String((created.body as Json).id)}/diskattachments`).set(auth(h));
    expect(list.text).toMatch(/<disk_attachments\/>/);
  });
});

describe('simulator disks: local storage and scenario files', () => {
  it('when the local-storage scenario runs, then its HA VMs have their disks on the localfs domain', async () => {
    const h = await startHarness({ scenario: 'local-storage' });
    try {
      const res = await h.http.get('/ovirt-engine/api/vms?follow=disk_attachments.disk&search=name%3Dweb0*').set(json(h));
      const vms = (res.body as { vm: Json[] }).vm;
      expect(vms.map((v) => v.name)).toEqual(['web01', 'web02']);
      for (const vm of vms) {
        expect((vm.high_availability as Json).enabled).toBe('true');
        const [sdId] = domainsOf(vm);
        const sd = await h.http.get(`/ovirt-engine/api/storagedomains/${String(sdId)}`).set(json(h));
        expect(sd.body).toEqual(expect.objectContaining({ name: 'local-data', storage: expect.objectContaining({ type: 'localfs' }) }));
      }
    } finally {
      await h.sim.close();
    }
  });

  it('when every built-in scenario loads, then VMs from templates with disks have one disk each', async () => {
    for (const name of builtInScenarioNames()) {
      const h = await startHarness({ scenario: name });
      try {
        const world = h.sim.world;
        for (const vm of world.vms.values()) {
          const template = world.templates.get(vm.templateId);
          expect(world.disksOf(vm.id)).toHaveLength(template && template.diskBytes > 0 ? 1 : 0);
        }
      } finally {
        await h.sim.close();
      }
    }
  });

  it('when a scenario names storage per template and per VM, then disks follow it; old files without it still load', async () => {
    const base = {
      name: 'two-domains',
      dataCenters: [
        {
          name: 'Default',
          storageDomains: [
            { name: 'nfs-a', storageType: 'nfs' as const, sizeGiB: 100 },
            { name: 'nfs-b', storageType: 'nfs' as const, sizeGiB: 100 },
          ],
          clusters: [{ name: 'Default', hosts: [{ name: 'host1', memoryGiB: 16 }] }],
        },
      ],
      templates: [{ name: 'tpl', memoryGiB: 1, diskGiB: 8, storageDomain: 'nfs-b' }],
      vms: [
        { name: 'from-template', template: 'tpl', cluster: 'Default' },
        { name: 'named', template: 'tpl', cluster: 'Default', storageDomain: 'nfs-a' },
        { name: 'blank-named', cluster: 'Default', storageDomain: 'nfs-a' },
        { name: 'blank', cluster: 'Default' },
      ],
    };
    const h = await startHarness({ scenario: base });
    try {
      const world = h.sim.world;
      const domainOf = (vm: string) =>
        world.disksOf(world.findVm(vm)?.id ?? '').map((d) => world.storageDomains.get(d.storageDomainId)?.name);
      expect(domainOf('from-template')).toEqual(['nfs-b']);
      expect(domainOf('named')).toEqual(['nfs-a']);
      expect(domainOf('blank-named')).toEqual(['nfs-a']);
      expect(world.disksOf(world.findVm('blank-named')?.id ?? '')[0]?.provisionedBytes).toBe(10 * GIB);
      expect(domainOf('blank')).toEqual([]);
    } finally {
      await h.sim.close();
    }
    expect(() => loadScenario({ ...base, templates: [{ name: 'tpl', memoryGiB: 1 }], vms: [] })).not.toThrow();
    await expect(startHarness({ scenario: { ...base, vms: [{ name: 'x', cluster: 'Default', storageDomain: 'nope' }] } })).rejects.toThrow(
      /VM x: unknown storage domain nope/,
    );
  });
});
