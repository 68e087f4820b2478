import { auth, json, startHarness, type Harness } from './support';

/** Issue 19 item 5 over HTTP: a query the engine would not run answers 200 with an empty collection, in both dialects. */
describe('simulator search: queries the engine cannot run', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.sim.close();
  });

  const names = async (search: string) => {
    const res = await h.http.get(`/ovirt-engine/api/vms?search=${encodeURIComponent(search)}`).set(json(h));
    expect(res.status).toBe(200);
    return ((res.body as { vm?: Array<{ name: string }> }).vm ?? []).map((v) => v.name);
  };

  it('when the query is name=web* and and, then the second "and" is free text and no VM matches it (not the web VMs)', async () => {
    expect(await names('name=web*')).toHaveLength(6);
    expect(await names('name=web* and and')).toEqual([]);
  });

  it('when the query is name==, then it asks for a VM named "=": none', async () => {
    expect(await names('name==')).toEqual([]);
  });

  it('when the query has a syntax error or stops short, then 200 and an empty list, in XML as in JSON', async () => {
    for (const search of ['name<web', 'status=image_locked', 'name=web* sortby colour', 'name=web* and', 'web db']) {
      expect(await names(search)).toEqual([]);
      const xml = await h.http.get(`/ovirt-engine/api/vms?search=${encodeURIComponent(search)}`).set(auth(h));
      expect(xml.status).toBe(200);
      expect(xml.text).toMatch(/<vms\/>\s*$/);
    }
  });

  it('when a word is free text, then it matches any text field containing it', async () => {
    expect(await names('eb0')).toEqual(['web01', 'web02', 'web03', 'web04', 'web05', 'web06']);
    expect(await names('host=host3 and eb0')).toEqual(['web05', 'web06']);
  });
});
