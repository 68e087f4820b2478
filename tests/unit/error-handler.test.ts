import express from 'express';
import request from 'supertest';
import { ServiceUnavailableError } from '../../server/errors';
import { errorHandler } from '../../server/http/middleware/error-handler';
import { createLogger } from '../../server/logger';

function appThrowing(err: unknown) {
  const app = express();
  app.post('/webhooks/billing', () => {
    throw err;
  });
  app.use(errorHandler(createLogger('silent')));
  return app;
}

describe('the error handler', () => {
  test('when a 503 carries its own retry hint, then Retry-After says it; otherwise 5 seconds', async () => {
    const soon = await request(appThrowing(new ServiceUnavailableError('busy', undefined, 1))).post('/webhooks/billing');
    expect(soon.status).toBe(503);
    expect(soon.headers['retry-after']).toBe('1');
    expect(soon.body.error).toMatchObject({ code: 'service_unavailable', message: 'busy' });
    const later = await request(appThrowing(new ServiceUnavailableError('engine down'))).post('/webhooks/billing');
    expect(later.headers['retry-after']).toBe('5');
  });

  test('when the error is unknown, then 500 with a generic message and no Retry-After', async () => {
    const res = await request(appThrowing(new Error('ER_DUP_ENTRY: secret SQL'))).post('/webhooks/billing');
    expect(res.status).toBe(500);
    expect(res.headers['retry-after']).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toContain('SQL');
  });
});
