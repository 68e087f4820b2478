/** The oVirt engine and what the bridge does with it: calls, provisioning, capacity, events, the bundled simulator. */
import { flag, integer, optionalEngineUrl, optionalText, positive, section, text } from './fields';

export const ovirt = section(
  {
    OVIRT_URL: optionalEngineUrl(),
    OVIRT_USERNAME: text('admin@internal'),
    OVIRT_PASSWORD: optionalText(),
    OVIRT_CA_FILE: optionalText(),
    OVIRT_INSECURE: flag(false),
    OVIRT_TIMEOUT_MS: integer(30_000, { min: 100, max: 600_000 }),
    OVIRT_MAX_IN_FLIGHT: integer(8, { min: 1, max: 256 }),
    OVIRT_READ_RETRIES: integer(3, { min: 0, max: 10 }),
  },
  (e) => ({
    url: e.OVIRT_URL,
    username: e.OVIRT_USERNAME,
    password: e.OVIRT_PASSWORD,
    caFile: e.OVIRT_CA_FILE,
    insecure: e.OVIRT_INSECURE,
    timeoutMs: e.OVIRT_TIMEOUT_MS,
    maxInFlight: e.OVIRT_MAX_IN_FLIGHT,
    readRetries: e.OVIRT_READ_RETRIES,
  }),
);

export const provisioning = section(
  {
    VM_NAME_PREFIX: text('vps-', /^[A-Za-z][A-Za-z0-9_-]{0,15}$/, 'must be a letter then up to 15 letters, digits, _ or -'),
    PROVISION_CREATE_TIMEOUT_MS: integer(1_800_000, { min: 1000 }),
    PROVISION_BOOT_TIMEOUT_MS: integer(600_000, { min: 1000 }),
    PROVISION_SHUTDOWN_TIMEOUT_MS: integer(120_000, { min: 1000 }),
    PROVISION_POLL_MS: integer(2000, { min: 10, max: 60_000 }),
  },
  (e) => ({
    vmNamePrefix: e.VM_NAME_PREFIX,
    createTimeoutMs: e.PROVISION_CREATE_TIMEOUT_MS,
    bootTimeoutMs: e.PROVISION_BOOT_TIMEOUT_MS,
    shutdownTimeoutMs: e.PROVISION_SHUTDOWN_TIMEOUT_MS,
    pollMs: e.PROVISION_POLL_MS,
  }),
);

export const capacity = section(
  {
    CAPACITY_VCPU_RATIO: positive(4, 64),
    CAPACITY_HOST_RESERVE_MIB: integer(0, { min: 0 }),
    CAPACITY_FAILOVER_HOSTS: integer(1, { min: 1, max: 8 }),
    CAPACITY_CACHE_MS: integer(10_000, { min: 0, max: 600_000 }),
    DRIFT_SWEEP_MS: integer(300_000, { min: 1000 }),
  },
  (e) => ({
    vcpuRatio: e.CAPACITY_VCPU_RATIO,
    hostMemoryReserveMib: e.CAPACITY_HOST_RESERVE_MIB,
    failoverHosts: e.CAPACITY_FAILOVER_HOSTS,
    cacheMs: e.CAPACITY_CACHE_MS,
    driftSweepMs: e.DRIFT_SWEEP_MS,
  }),
);

export const events = section(
  {
    EVENT_SYNC: flag(true),
    EVENT_POLL_MS: integer(5000, { min: 100, max: 600_000 }),
    VM_RECONCILE_SECONDS: integer(60, { min: 0, max: 86_400 }),
  },
  (e) => ({
    /** False runs an instance that never polls the engine's events (it still serves uptime pages). */
    syncEnabled: e.EVENT_SYNC,
    pollMs: e.EVENT_POLL_MS,
    /**
     * How often the event leader lists the bridge's VMs (one engine call) and checks them against what it believes:
     * a VM deleted by hand, a host changed, a state the events missed. 0 turns the check off.
     */
    vmReconcileMs: e.VM_RECONCILE_SECONDS * 1000,
  }),
);

/** The bundled simulator, used when OVIRT_URL is empty outside production. */
export const simulator = section(
  {
    SIMULATOR_SCENARIO: text('demo'),
    SIMULATOR_SPEED: positive(1, 1000),
    SIMULATOR_PORT: integer(0, { min: 0, max: 65535 }),
  },
  (e) => ({ scenario: e.SIMULATOR_SCENARIO, speed: e.SIMULATOR_SPEED, port: e.SIMULATOR_PORT }),
);
