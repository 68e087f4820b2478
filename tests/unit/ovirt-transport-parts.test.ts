import { backoffDelay, retryAfterMs } from '../../server/ovirt/backoff';
import { ConcurrencyLimit } from '../../server/ovirt/concurrency-limit';
import { errorForStatus } from '../../server/ovirt/errors';
import { sanitizeCorrelationId } from '../../server/ovirt/transport';

describe('engine transport parts', () => {
  test('backoff grows exponentially up to the cap, scaled by jitter', () => {
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, 100, 1000, () => 0.999999))).toEqual([99, 199, 399, 799, 999]);
    expect(backoffDelay(5, 100, 1000, () => 0)).toBe(0);
  });

  test('Retry-After is read in seconds or as a date', () => {
    expect(retryAfterMs('3', 0)).toBe(3000);
    expect(retryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(retryAfterMs(undefined, 0)).toBeUndefined();
    expect(retryAfterMs('soon', 0)).toBeUndefined();
  });

  test('the concurrency limit never lets more than its limit run, and runs everything in order', async () => {
    const limit = new ConcurrencyLimit(3);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit.run(async () => {
          running += 1;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 1 + (i % 3)));
          order.push(i);
          running -= 1;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(order).toHaveLength(20);
    expect(limit.inFlight).toBe(0);
  });

  test('a failing task releases its slot', async () => {
    const limit = new ConcurrencyLimit(1);
    await expect(limit.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limit.run(async () => 'next')).resolves.toBe('next');
  });

  test('engine statuses become typed errors that say whether a retry can help', () => {
    const locked = errorForStatus('start VM', 409, 'Operation Failed', '[Cannot run VM: VM is locked. Please try again in a few minutes.]');
    expect([locked.kind, locked.retryable, locked.isLocked]).toEqual(['conflict', false, true]);
    const name = errorForStatus(
      'create VM',
      409,
      'Operation Failed',
      '[Cannot add VM. The VM name is already in use, please choose a unique name and try again.]',
    );
    expect(name.isNameInUse).toBe(true);
    expect(errorForStatus('list VMs', 503).retryable).toBe(true);
    expect(errorForStatus('get VM', 404).kind).toBe('not_found');
    expect(errorForStatus('create VM', 400, 'Incomplete parameters', 'Vm [name] required for add').message).toBe(
      'oVirt engine: create VM failed with HTTP 400: Incomplete parameters: Vm [name] required for add.',
    );
  });

  test('correlation ids are cut to what the engine keeps', () => {
    expect(sanitizeCorrelationId('svc 1001/create:attempt#2')).toBe('svc1001createattempt2');
    expect(sanitizeCorrelationId('x'.repeat(50))).toHaveLength(36);
  });
});
