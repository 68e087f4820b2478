/** The client area's usage reads: one engine read per service and period, a deadline, failures remembered. */
import { ManualClock } from '../../server/clock';
import type { Actor } from '../../server/domain/service-action';
import { UsageReads } from '../../server/use-cases/usage-reads';
import type { VpsUsage } from '../../server/use-cases/vps-access';

const customer: Actor = { kind: 'customer', name: '55', clientId: '55' };
const usage = (billingServiceId: string): VpsUsage => ({
  billingServiceId: billingServiceId,
  at: new Date(),
  running: true,
  uptimeSeconds: 60,
  cpu: { percent: 5, history: [5] },
  memory: { installedBytes: 1, usedBytes: 1, percent: 100, history: [] },
  network: { percent: 0, history: [], io: { rxBytesPerSecond: null, txBytesPerSecond: null, rxBytesTotal: null, txBytesTotal: null } },
  disk: { readBytesPerSecond: null, writeBytesPerSecond: null },
});

describe('usage reads for the client area', () => {
  test('when a service is viewed again within 30 s, then the engine is asked once; after that, again', async () => {
    const clock = new ManualClock();
    const access = { usage: jest.fn(async (id: string) => usage(id)) };
    const reads = new UsageReads({ access, clock });
    await reads.read('1', customer);
    clock.advance(29_000);
    await reads.read('1', customer);
    expect(access.usage).toHaveBeenCalledTimes(1);
    await reads.read('2', customer);
    // Another customer asking is asked for again: the use case checks the service is theirs.
    await reads.read('1', { kind: 'customer', name: '66', clientId: '66' });
    expect(access.usage).toHaveBeenCalledTimes(3);
    clock.advance(1000);
    await reads.read('1', customer);
    expect(access.usage).toHaveBeenCalledTimes(4);
  });

  test('when the engine fails, then the failure is told for 30 s without asking again', async () => {
    const clock = new ManualClock();
    const access = { usage: jest.fn(async () => Promise.reject(new Error('connect ECONNREFUSED'))) };
    const reads = new UsageReads({ access, clock });
    await expect(reads.read('1', customer)).rejects.toThrow('ECONNREFUSED');
    await expect(reads.read('1', customer)).rejects.toThrow('ECONNREFUSED');
    expect(access.usage).toHaveBeenCalledTimes(1);
    clock.advance(30_000);
    await expect(reads.read('1', customer)).rejects.toThrow('ECONNREFUSED');
    expect(access.usage).toHaveBeenCalledTimes(2);
  });

  test('when the engine is slow, then the page stops waiting at the deadline and the late answer serves the next view', async () => {
    const clock = new ManualClock();
    let answer: (u: VpsUsage) => void = () => undefined;
    const access = { usage: jest.fn(() => new Promise<VpsUsage>((resolve) => (answer = resolve))) };
    const reads = new UsageReads({ access, clock, timings: { deadlineMs: 20 } });
    await expect(reads.read('1', customer)).rejects.toMatchObject({ code: 'usage_slow', status: 504 });
    answer(usage('1'));
    await expect(reads.read('1', customer)).resolves.toMatchObject({ billingServiceId: '1' });
    expect(access.usage).toHaveBeenCalledTimes(1);
  });
});
