import fc from 'fast-check';
import request from 'supertest';
import { databaseKinds } from '../helpers/databases';
import { planBody } from '../helpers/plans';
import { createTestApp, type TestApp } from '../helpers/test-app';

const ALLOWED = new Set([200, 201, 204, 400, 404, 409, 413, 415]);
const BASE = '/api/v1/admin/plans';

/** A valid body with some fields replaced by arbitrary JSON, or dropped. */
const mutatedPlan = fc
  .record({
    field: fc.constantFrom('product_id', 'name', 'template', 'cluster', 'vcpus', 'memory_mib', 'ha', 'sla', 'extra'),
    value: fc.oneof(fc.jsonValue(), fc.constant(undefined)),
    nested: fc.dictionary(fc.constantFrom('enabled', 'priority', 'target_percent', 'credit_tiers', 'x'), fc.jsonValue()),
  })
  .map(({ field, value, nested }) => {
    const body = planBody({ product_id: 'p1' });
    body[field] = field === 'ha' || field === 'sla' ? (typeof value === 'object' && value !== null ? value : nested) : value;
    return body;
  });

describe.each(databaseKinds)('plan API under random input on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(kind);
    await request(t.app)
      .post(BASE)
      .set('Authorization', t.adminAuth)
      .send(planBody({ product_id: 'existing' }));
  });
  afterAll(async () => {
    await t.close();
  });

  const runs = kind === 'sqlite' ? 150 : 60;

  test('when random JSON is sent to every method, then no answer is a 5xx and errors are well-formed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('post', 'put', 'patch', 'get', 'delete'),
        fc.oneof(fc.constant('1'), fc.constant('999'), fc.string({ maxLength: 12 }).map(encodeURIComponent)),
        fc.oneof(fc.jsonValue(), mutatedPlan),
        async (method, id, body) => {
          const path = method === 'post' ? BASE : `${BASE}/${id}`;
          const agent = request(t.app);
          const res = await agent[method](path)
            .set('Authorization', t.adminAuth)
            .set('Content-Type', 'application/json')
            .send(JSON.stringify(body));
          if (!ALLOWED.has(res.status)) throw new Error(`${method} ${path} ${JSON.stringify(body)} -> ${res.status} ${res.text}`);
          if (res.status >= 400) {
            expect(typeof res.body.error.code).toBe('string');
            // Field names in the details echo the request's own keys (a random key may well contain "sql"); what the
            // server itself wrote must not show SQL, driver codes or stack frames.
            const { details, ...rest } = res.body.error as { details?: unknown };
            const ownDetails = Array.isArray(details) ? details.map(({ field: _field, ...d }: { field?: unknown }) => d) : details;
            const own = JSON.stringify({ ...rest, details: ownDetails });
            expect(own).not.toMatch(/SQLITE|ER_|sql|select |insert |\.ts:\d+/i);
          }
        },
      ),
      { numRuns: runs },
    );
  });

  test('when random bytes are sent as JSON, then the answer is 400 or 413, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => {
        const res = await request(t.app).post(BASE).set('Authorization', t.adminAuth).set('Content-Type', 'application/json').send(text);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: runs },
    );
  });
});
