import type { Request } from 'express';
import { clientAddress, isLoopback } from '../../server/http/middleware/metrics-access';
import { testConfig } from '../helpers/test-app';

describe('/metrics access without a token', () => {
  test.each([
    ['127.0.0.1', true],
    ['127.255.3.9', true],
    ['::1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.1', false],
    ['128.0.0.1', false],
    ['::2', false],
    ['::ffff:10.0.0.1', false],
    ['fe80::1', false],
    ['localhost', false],
    ['', false],
    [undefined, false],
  ])('when the client is %s, then loopback is %s', (address, expected) => {
    expect(isLoopback(address)).toBe(expected);
  });

  test('when no proxy is trusted, then the socket address counts, not X-Forwarded-For', () => {
    const req = { ip: '127.0.0.1', socket: { remoteAddress: '203.0.113.9' } } as unknown as Request;
    expect(clientAddress(req, 0)).toBe('203.0.113.9');
    expect(clientAddress(req, 1)).toBe('127.0.0.1');
  });
});

describe('METRICS_TOKEN', () => {
  test('when it is set, then config carries it; when it is short, then outside production a warning says so', () => {
    const strong = testConfig({ METRICS_TOKEN: 'a-metrics-token-0123456789abcdef-XYZ' });
    const weak = testConfig({ METRICS_TOKEN: 'short' });

    expect(strong.metrics.token).toBe('a-metrics-token-0123456789abcdef-XYZ');
    expect(strong.warnings.filter((w) => w.includes('METRICS_TOKEN'))).toEqual([]);
    expect(weak.warnings).toContainEqual(expect.stringContaining('METRICS_TOKEN must be at least 32 characters'));
    expect(testConfig().metrics.token).toBeUndefined();
  });
});
