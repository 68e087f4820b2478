/** The bundled engine simulator on a loopback port, and an engine client pointed at it. */
import { DEFAULT_PASSWORD, DEFAULT_USERNAME, type RunningSimulator, type StartOptions, startSimulator } from '../../ovirt-simulator';
import { createLogger } from '../../server/logger';
import { createOvirtClient, type EngineTarget, type OvirtClient } from '../../server/ovirt';

/** Engine durations short enough for tests on the real clock (simulated ms). */
export const FAST_TIMINGS = {
  vmCreateMs: 150,
  vmWaitForLaunchMs: 30,
  vmPoweringUpMs: 60,
  vmStopMs: 20,
  vmShutdownMs: 60,
  vmRebootMs: 60,
  vmSuspendMs: 30,
  vmRestoreMs: 30,
  vmMigrateMs: 30,
  vmRemoveMs: 20,
  guestAgentReportMs: 30,
  diskResizeMs: 30,
};

/** Worker and provisioning settings that let a test see an order through on the real clock in well under a second. */
export const FAST_JOBS = {
  JOB_POLL_MS: '20',
  JOB_LEASE_MS: '2000',
  JOB_BACKOFF_BASE_MS: '20',
  JOB_BACKOFF_CAP_MS: '200',
  PROVISION_POLL_MS: '20',
  VM_NAME_PREFIX: 'vps-',
};

export function startTestSimulator(options: StartOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ clock: 'real', timings: FAST_TIMINGS, ...options });
}

export function engineTarget(sim: RunningSimulator, overrides: Partial<EngineTarget> = {}): EngineTarget {
  return {
    url: sim.url,
    username: DEFAULT_USERNAME,
    password: DEFAULT_PASSWORD,
    timeoutMs: 5000,
    maxInFlight: 8,
    readRetries: 3,
    retryBaseMs: 10,
    retryCapMs: 100,
    ...overrides,
  };
}

export function clientFor(sim: RunningSimulator, overrides: Partial<EngineTarget> = {}): OvirtClient {
  return createOvirtClient(engineTarget(sim, overrides), createLogger('silent'));
}
