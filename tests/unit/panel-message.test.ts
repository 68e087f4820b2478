/**
 * A service's last_error as the billing panel reads it: the engine's own words for what failed,
 * without its internal URL or our user; the job's error, for admins, keeps them.
 */
import type { AxiosInstance } from 'axios';
import { EngineUnavailableError, PermanentJobError } from '../../server/jobs/job-errors';
import { OvirtError } from '../../server/ovirt/errors';
import { TokenManager } from '../../server/ovirt/token-manager';
import { panelMessage } from '../../server/use-cases/provisioning-errors';

const ENGINE = 'https://engine.internal.example:8443/ovirt-engine';

/** The token request the engine's SSO answers with `status`, through the real TokenManager. */
async function loginFailure(status: number, data: unknown = ''): Promise<OvirtError> {
  const http = {
    post: async () => ({ status, data, headers: { 'content-type': 'application/json' } }),
    defaults: { timeout: 1000 },
  } as unknown as AxiosInstance;
  const err: unknown = await new TokenManager({ http, engineUrl: ENGINE, username: 'bridge@internal', password: 'pw' })
    .get()
    .catch((e: unknown) => e);
  if (!(err instanceof OvirtError)) throw new Error(`expected an OvirtError, got ${String(err)}`);
  return err;
}

describe('panelMessage', () => {
  test('when the engine could not issue a token, then the panel reads that without the engine URL; the error itself keeps it', async () => {
    const err = await loginFailure(500);
    expect(err.message).toContain('engine.internal.example');
    expect(panelMessage(err)).toBe('the engine could not issue a token (HTTP 500)');
    expect(panelMessage(new EngineUnavailableError(err.message, err.publicDetail))).toBe(
      'engine unreachable: the engine could not issue a token (HTTP 500)',
    );
  });

  test('when the engine refused our login, then the panel reads neither the engine URL nor our user name', async () => {
    const err = await loginFailure(400, { error: 'access_denied', error_description: 'Cannot authenticate user bridge@internal.' });
    expect(err.message).toContain('engine.internal.example');
    const text = panelMessage(err);
    expect(text).toMatch(/refused our credentials/);
    expect(text).not.toMatch(/engine\.internal|bridge@internal/);
  });

  test('when the failure is ours, then its message is kept as it is', () => {
    expect(panelMessage(new PermanentJobError('The engine does not know template "x"'))).toBe('The engine does not know template "x"');
    expect(panelMessage('odd')).toBe('odd');
  });
});
