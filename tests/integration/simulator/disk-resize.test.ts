import { auth, json, startHarness, type Harness } from './support';

type Json = Record<string, unknown>;
const API = '/ovirt-engine/api';
const GIB = 1024 ** 3;

describe('simulator disk grow (provisioned_size)', () => {
  let h: Harness;
  const vmNamed = (name: string) => h.sim.world.findVm(name);
  const diskOf = (name: string) => h.sim.world.disksOf(vmNamed(name)?.id ?? '')[0];

  beforeAll(async () => {
    h = await startHarness({ scenario: 'demo' });
  });
  afterAll(async () => {
    await h.sim.close();
  });

  async function createVm(name: string): Promise<string> {
    const res = await h.http
      .post(`${API}/vms`)
      .set(json(h))
      .set('Content-Type', 'application/json')
      .send({ name, cluster: { name: 'Default' }, template: { name: 'debian-12' } });
    expect(res.status).toBe(202);
    return String((res.body as Json).id);
  }

  it('when the VM is image_locked, then a grow answers 409', async () => {
    const vm = await createVm('grow-locked');
    const disk = diskOf('grow-locked');
    const res = await h.http
      .put(`${API}/vms/${vm}/diskattachments/${disk?.id ?? ''}`)
      .set(json(h))
      .set('Content-Type', 'application/json')
      .send({ disk: { provisioned_size: String(30 * GIB) } });
    expect(res.status).toBe(409);
    expect((res.body as Json).detail).toBe('[Cannot edit Virtual Disk: VM is locked. Please try again in a few minutes.]');
    h.sim.control.advance(15_000);
  });

  it('when the VM is down, then the disk attachment grow locks the disk, then shows the new size and logs 371', async () => {
    const vm = vmNamed('grow-locked')?.id ?? '';
    const disk = diskOf('grow-locked');
    const res = await h.http
      .put(`${API}/vms/${vm}/diskattachments/${disk?.id ?? ''}`)
      .set(auth(h))
      .set('Content-Type', 'application/xml')
      .send(`<disk_attachment><disk><provisioned_size>${40 * GIB}</provisioned_size></disk></disk_attachment>`);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<disk_attachment href="[^"]+" id="[^"]+">/);
    const during = (await h.http.get(`${API}/disks/${disk?.id ?? ''}`).set(json(h))).body as Json;
    expect(during.status).toBe('locked');
    const start = await h.http.post(`${API}/vms/${vm}/start`).set(auth(h)).set('Content-Type', 'application/xml').send('<action/>');
    expect(start.status).toBe(409);
    h.sim.control.advance(3_000);
    const after = (await h.http.get(`${API}/disks/${disk?.id ?? ''}`).set(json(h))).body as Json;
    expect(after).toEqual(expect.objectContaining({ status: 'ok', provisioned_size: String(40 * GIB) }));
    const event = h.sim.world.events.filter((e) => e.code === 371).at(-1);
    expect(event?.description).toBe("Size of the disk 'grow-locked_Disk1' was successfully updated to 40 GB by admin@internal-authz.");
  });

  it('when PUT /disks/{id} asks for a smaller size, then 400; the same size changes nothing', async () => {
    const disk = diskOf('grow-locked');
    const smaller = await h.http
      .put(`${API}/disks/${disk?.id ?? ''}`)
      .set(auth(h))
      .set('Content-Type', 'application/xml')
      .send(`<disk><provisioned_size>${10 * GIB}</provisioned_size></disk>`);
    expect(smaller.status).toBe(400);
    expect(smaller.text).toContain('<detail>[Cannot edit Virtual Disk. New disk size must be larger than the current disk size.]</detail>');
    const same = await h.http
      .put(`${API}/disks/${disk?.id ?? ''}`)
      .set(json(h))
      .set('Content-Type', 'application/json')
      .send({ provisioned_size: String(40 * GIB) });
    expect(same.status).toBe(200);
    expect((same.body as Json).status).toBe('ok');
  });

  it('when PUT /disks/{id} grows a down VM disk in JSON, then it answers the locked disk and the size follows', async () => {
    const disk = diskOf('grow-locked');
    const res = await h.http
      .put(`${API}/disks/${disk?.id ?? ''}`)
      .set(json(h))
      .set('Content-Type', 'application/json')
      .send({ provisioned_size: String(50 * GIB) });
    expect(res.status).toBe(200);
    expect((res.body as Json).status).toBe('locked');
    const again = await h.http
      .put(`${API}/disks/${disk?.id ?? ''}`)
      .set(json(h))
      .set('Content-Type', 'application/json')
      .send({ provisioned_size: String(60 * GIB) });
    expect(again.status).toBe(409);
    h.sim.control.advance(3_000);
    expect(disk?.provisionedBytes).toBe(50 * GIB);
  });

  it('when the VM is up, then a grow answers 409 (the bridge rule, stricter than the engine)', async () => {
    const vm = vmNamed('grow-locked')?.id ?? '';
    const start = await h.http.post(`${API}/vms/${vm}/start`).set(auth(h)).set('Content-Type', 'application/xml').send('<action/>');
    expect(start.status).toBe(200);
    h.sim.control.advance(10_000);
    const disk = diskOf('grow-locked');
    const res = await h.http
      .put(`${API}/disks/${disk?.id ?? ''}`)
      .set(auth(h))
      .set('Content-Type', 'application/xml')
      .send(`<disk><provisioned_size>${80 * GIB}</provisioned_size></disk>`);
    expect(res.status).toBe(409);
    expect(res.text).toContain('<detail>[Cannot edit Virtual Disk. VM is running.]</detail>');
  });
});
