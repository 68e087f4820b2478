import { auth, json, startHarness, type Harness } from './support';

type Json = Record<string, unknown>;
const GIB = 1024 ** 3;

describe('simulator template disks', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ scenario: 'demo' });
  });
  afterAll(async () => {
    await h.sim.close();
  });

  const templateId = (name: string) => h.sim.world.findByName(h.sim.world.templates, name)?.id ?? '';

  it('when a template with a disk is read with follow=disk, then its bootable attachment shows the disk size (JSON and XML)', async () => {
    const id = templateId('debian-12');
    const res = await h.http.get(`/ovirt-engine/api/templates/${id}/diskattachments?follow=disk`).set(json(h));
    expect(res.status).toBe(200);
    const [attachment] = (res.body as { disk_attachment: Json[] }).disk_attachment;
    expect(attachment).toMatchObject({ bootable: 'true', disk: { provisioned_size: String(20 * GIB), status: 'ok' } });

    const xml = await h.http.get(`/ovirt-engine/api/templates/${id}/diskattachments?follow=disk`).set(auth(h));
    expect(xml.text).toContain(`<provisioned_size>${20 * GIB}</provisioned_size>`);
    expect(xml.text).toContain('<bootable>true</bootable>');
  });

  it('when the disk is not followed, then the attachment links the disk; Blank has no attachments; an unknown id is 404', async () => {
    const res = await h.http.get(`/ovirt-engine/api/templates/${templateId('debian-12')}/diskattachments`).set(json(h));
    const [attachment] = (res.body as { disk_attachment: Json[] }).disk_attachment;
    expect(Object.keys(attachment?.disk as Json).sort()).toEqual(['href', 'id']);
    const blank = await h.http.get(`/ovirt-engine/api/templates/00000000-0000-0000-0000-000000000000/diskattachments`).set(json(h));
    expect(blank.status).toBe(200);
    expect(blank.body).toEqual({});
    expect((await h.http.get('/ovirt-engine/api/templates/nope/diskattachments').set(json(h))).status).toBe(404);
  });
});
