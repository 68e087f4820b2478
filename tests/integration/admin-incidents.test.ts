/**
 * `/admin/incidents` on both databases: a host failure with the services it took down, in the
 * order the engine restarted them, with their HA priority, where each came back, how long it took, and links.
 */
import { createAdmin, signedInAgent } from '../helpers/admin-console';
import { databaseKinds } from '../helpers/databases';
import { type HostFailureWorld, startHostFailureWorld } from '../helpers/host-failure-world';

describe.each(databaseKinds)('the failover history on %s', (kind) => {
  let f: HostFailureWorld;
  beforeAll(async () => {
    f = await startHostFailureWorld(kind);
    await createAdmin(f.w.t);
  }, 120_000);
  afterAll(async () => {
    await f?.w.close();
  });

  test('when a host failed, then its failure lists every service it took down in restart order, priority first, with links', async () => {
    const { agent } = await signedInAgent(f.w.t.app);
    const page = await agent.get('/admin/incidents').expect(200);
    expect(page.text).toContain(`Host ${f.failedHost} failed at`);
    expect(f.hit.length).toBeGreaterThanOrEqual(2);
    for (const id of f.hit) expect(page.text).toContain(`href="/admin/services/${id}"`);
    // Rows in restart order; the engine restarts by priority, so High rows come before Low ones.
    const rows = [
      ...page.text.matchAll(
        /<td class="num">(\d+)<\/td>\s*<td><a href="\/admin\/services\/(\d+)">[\s\S]*?<td>(\d+) \((High|Medium|Low)\)<\/td>/g,
      ),
    ].map((m) => ({ rank: Number(m[1]), id: m[2], priority: Number(m[3]) }));
    expect(rows.map((r) => r.rank)).toEqual(f.hit.map((_, i) => i + 1));
    const priorities = rows.map((r) => r.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
    expect(page.text).toMatch(/first running again after \d+ min/);
    expect(page.text).toContain('Restarted in HA priority order.');
    await agent.get('/admin/incidents?days=5').expect(400);
    const week = await agent.get('/admin/incidents?days=7').expect(200);
    expect(week.text).toContain(`Host ${f.failedHost} failed at`);
  });
});
