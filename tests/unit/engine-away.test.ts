/**
 * Which engine failures mean "the engine is away" (a job waits it out without using up attempts) and which are the
 * engine answering (attempts count as before). Issue 13.
 */
import { PermanentJobError, RetryLaterError } from '../../server/jobs/job-errors';
import {
  errorForStatus,
  OvirtAuthError,
  OvirtError,
  OvirtLoginRejectedError,
  OvirtNoEngineError,
  OvirtNotFoundError,
  OvirtTimeoutError,
  unreachable,
} from '../../server/ovirt/errors';
import { isEngineAway } from '../../server/use-cases/provisioning-errors';

const ENGINE = 'https://engine.example.net/ovirt-engine';

describe('isEngineAway', () => {
  test.each([
    ['connection refused', unreachable('find VM', 'ECONNREFUSED', ENGINE)],
    ['connection reset', unreachable('get VM', 'ECONNRESET', ENGINE)],
    ['no route', unreachable('get VM', 'EHOSTUNREACH', ENGINE)],
    ['DNS failure', unreachable('login', 'ENOTFOUND', ENGINE)],
    ['DNS not answering', unreachable('login', 'EAI_AGAIN', ENGINE)],
    ['TLS failure', unreachable('login', 'SELF_SIGNED_CERT_IN_CHAIN', ENGINE)],
    ['a socket error without a code', unreachable('list hosts', undefined, ENGINE)],
    ['no answer in time', new OvirtTimeoutError('create VM', 30_000)],
    ['no answer to the login in time', new OvirtTimeoutError('login', 30_000)],
    ['a proxy answering 502', errorForStatus('find VM', 502)],
    ['a proxy answering 503', errorForStatus('start VM', 503, 'Service Unavailable')],
    ['a proxy answering 504', errorForStatus('get VM', 504)],
    [
      'the SSO behind a proxy answering 503',
      new OvirtError('unavailable', 'could not issue a token (HTTP 503).', { operation: 'login', engineStatus: 503, retryable: true }),
    ],
  ])('when %s, then the engine is away', (_why, err) => {
    expect(isEngineAway(err)).toBe(true);
  });

  test.each([
    ['an engine error 500', errorForStatus('create VM', 500, 'Operation Failed')],
    ['too many requests', errorForStatus('create VM', 429)],
    [
      'a conflict',
      errorForStatus('start VM', 409, 'Operation Failed', 'Cannot run VM. There is no host that satisfies current scheduling constraints.'),
    ],
    ['a bad request', errorForStatus('create VM', 400)],
    ['not found', new OvirtNotFoundError('get VM')],
    ['credentials refused', new OvirtAuthError('refused')],
    ['a login request rejected', new OvirtLoginRejectedError(`${ENGINE}/sso/oauth/token`, 400, 'invalid_request', undefined)],
    ['no engine at the URL', new OvirtNoEngineError(ENGINE, `${ENGINE}/sso/oauth/token`, '404', 404)],
    // OvirtClient.waitForVm's own timeout: the engine answered every poll, the VM just did not get there.
    ['a VM that does not boot in time', new OvirtTimeoutError('wait for VM up (VM vps-1 is down)', 600_000)],
    ['a non-engine error', new Error('ECONNREFUSED')],
    ['a permanent job error', new PermanentJobError('template missing')],
    ['a retry-later hint', new RetryLaterError('VM locked', 10_000)],
    ['nothing', undefined],
  ])('when %s, then the engine answered', (_why, err) => {
    expect(isEngineAway(err)).toBe(false);
  });
});
