import type { EngineCore } from './engine-core';
import type { FenceAgent, Host, HostStatus } from './model';
import type { Actor } from './world';

type AgentAction = 'status' | 'stop' | 'start';

/** What power management needs besides the world, clock and timings: host monitoring and the SPM bookkeeping. */
export interface PowerManagementDeps extends EngineCore {
  readonly monitor: {
    setStatus(host: Host, status: HostStatus): void;
    clearVms(host: Host): number;
    rejoin(host: Host): void;
  };
  readonly spm: { hostFenced(host: Host): void };
}

/** What the engine writes as `${UserName}` for commands run without a user session (`CommandBase.initUser`). */
const SYSTEM_USER = 'SYSTEM';

/** When each host last got power back, for "does it answer yet?" after a fence start. */
const poweredOnAt = new WeakMap<Host, number>();

/**
 * Power management as the engine drives it (docs/ovirt-api.md §13.2 step 9; ENG `pm/RestartVdsCommand`,
 * `FenceVdsBaseCommand`, `StopVdsCommand`, `StartVdsCommand`, `HostFenceActionExecutor`, `FenceAgentExecutor`,
 * `VdsCommand.sleepOnReboot`):
 * - every stop and start first asks the agent for the power status, and every agent call is announced by 9020
 *   (`${Action}` status, stop or start), so an operation logs 9017, 9020 status, 9020 stop|start, … 9018;
 * - a stop sets the host `reboot` (Down for a plain user stop) before the agent runs; the host's VMs are set down
 *   (143 each) once the agent reports the power off, before 9018; then the command's own result, 21
 *   `USER_VDS_STOP` (20 `USER_VDS_START` for a start), named after the user or `SYSTEM`;
 * - a restart runs stop, the internal "Confirm host has been rebooted" (539, which also hands the SPM role on) and
 *   start, then 121 (41 for a user), and the non-responding treatment's 14;
 * - after a start the host stays `reboot` while the engine checks every `ServerRebootSleepTime` (30 s) whether it
 *   answers, for at most `ServerRebootTimeout` (600 s); then `non_responsive`, and monitoring takes it through
 *   `initializing` to `up` (13) once it answers.
 */
export class PowerManagement {
  constructor(private readonly engine: PowerManagementDeps) {}

  private get world() {
    return this.engine.world;
  }

  /** Another `up` host of the cluster, else of the data center, that can drive the fence agent (pm_proxies). */
  proxyFor(host: Host): Host | undefined {
    const cluster = this.world.cluster(host.clusterId);
    const candidates = [...this.world.hosts.values()].filter((h) => h.id !== host.id && h.status === 'up');
    return (
      candidates.find((h) => h.clusterId === host.clusterId) ??
      candidates.find((h) => this.world.cluster(h.clusterId).dataCenterId === cluster.dataCenterId)
    );
  }

  /** Runs `fn` after `ms` unless the host failed, recovered or was fenced again in the meantime. */
  private after(host: Host, ms: number, label: string, fn: () => void): void {
    const epoch = host.epoch;
    this.engine.clock.schedule(
      ms,
      () => {
        if (host.epoch === epoch && this.world.hosts.has(host.id)) fn();
      },
      `${label} ${host.name}`,
    );
  }

  /**
   * `FenceAgentExecutor.auditFenceActionExecution`: one 9020 per call to the agent through the proxy. It is logged
   * on a fresh `AuditLogableImpl` that carries only the host, so never a user or a correlation id.
   */
  private agentCall(host: Host, action: AgentAction, agent: FenceAgent, proxy: Host): void {
    this.world.log(
      'FENCE_OPERATION_USING_AGENT_AND_PROXY_STARTED',
      { Action: action, Host: host.name, ProxyHost: proxy.name, AgentType: agent.type, AgentIp: agent.address },
      { host },
    );
  }

  /** The user names the engine writes into 20/21: the session's user, or SYSTEM for its own commands. */
  private userName(actor: Actor | undefined): Record<string, string> {
    return actor ? {} : { UserName: SYSTEM_USER };
  }

  /** `fence status`: the agent's answer, or undefined when no proxy can reach it. */
  status(host: Host): 'on' | 'off' | undefined {
    const agent = host.pm.agents[0];
    const proxy = this.proxyFor(host);
    if (!agent || !proxy) return undefined;
    this.agentCall(host, 'status', agent, proxy);
    return host.poweredOn ? 'on' : 'off';
  }

  /**
   * `RestartVdsCommand`: stop, clear, start. `actor` undefined means the engine's own non-responding treatment;
   * otherwise a user's `fence restart`.
   */
  restart(host: Host, actor: Actor | undefined): void {
    const agent = host.pm.agents[0];
    const proxy = this.proxyFor(host);
    host.lastPmOperationAt = this.engine.clock.now();
    this.world.log('FENCE_OPERATION_STARTED', { Action: 'stop' }, { host, actor });
    if (!proxy || !agent) {
      this.world.log('FENCE_OPERATION_FAILED', { Action: 'stop' }, { host, actor });
      if (!actor) {
        this.world.log('SYSTEM_FAILED_VDS_RESTART', {}, { host });
        this.world.log('VDS_RECOVER_FAILED', {}, { host });
        this.world.log('VDS_ALERT_FENCE_OPERATION_FAILED', {}, { host });
      }
      return;
    }
    // StopVdsCommand.setup sets the status first "to prevent a race"; under a restart that status is Reboot.
    this.engine.monitor.setStatus(host, 'reboot');
    this.agentCall(host, 'status', agent, proxy);
    this.agentCall(host, 'stop', agent, proxy);
    // SingleAgentFenceActionExecutor waits 5 s before it asks whether the power is off.
    this.after(host, this.engine.timings.pmOperationMs, 'pm-stop', () => {
      host.poweredOn = false;
      this.engine.monitor.clearVms(host);
      this.world.log('FENCE_OPERATION_SUCCEEDED', { Action: 'stop' }, { host, actor });
      this.world.log('USER_VDS_STOP', this.userName(actor), { host, actor });
      // FenceVdsManualy runs as an internal child of RestartVds, so it logs the auto-fence text for users too.
      this.engine.spm.hostFenced(host);
      this.world.log('VDS_AUTO_FENCE_STATUS', {}, { host, actor });
      this.world.log('FENCE_OPERATION_STARTED', { Action: 'start' }, { host, actor });
      this.agentCall(host, 'status', agent, proxy);
      this.agentCall(host, 'start', agent, proxy);
      this.after(host, this.engine.timings.pmOperationMs, 'pm-start', () => {
        this.powerOn(host);
        this.world.log('FENCE_OPERATION_SUCCEEDED', { Action: 'start' }, { host, actor });
        this.world.log('USER_VDS_START', this.userName(actor), { host, actor });
        if (actor) {
          this.world.log('USER_VDS_RESTART', {}, { host, actor });
        } else {
          this.world.log('SYSTEM_VDS_RESTART', {}, { host });
          this.world.log('VDS_RECOVER', {}, { host });
        }
        this.awaitReboot(host);
      });
    });
  }

  /** A user's `fence stop` of a host in maintenance: `down` at once, powered off after the agent's answer. */
  stop(host: Host, actor: Actor, done: () => void): void {
    const agent = host.pm.agents[0];
    const proxy = this.proxyFor(host);
    host.lastPmOperationAt = this.engine.clock.now();
    this.world.log('FENCE_OPERATION_STARTED', { Action: 'stop' }, { host, actor });
    this.engine.monitor.setStatus(host, 'down');
    if (agent && proxy) {
      this.agentCall(host, 'status', agent, proxy);
      this.agentCall(host, 'stop', agent, proxy);
    }
    this.after(host, this.engine.timings.pmOperationMs, 'pm-stop', () => {
      host.poweredOn = false;
      this.engine.monitor.clearVms(host);
      this.world.log('FENCE_OPERATION_SUCCEEDED', { Action: 'stop' }, { host, actor });
      this.world.log('USER_VDS_STOP', {}, { host, actor });
      done();
    });
  }

  /** A user's `fence start`: `reboot` (unless in maintenance), powered on, then the reboot wait. */
  start(host: Host, actor: Actor, done: () => void): void {
    const agent = host.pm.agents[0];
    const proxy = this.proxyFor(host);
    host.lastPmOperationAt = this.engine.clock.now();
    this.world.log('FENCE_OPERATION_STARTED', { Action: 'start' }, { host, actor });
    if (host.status !== 'maintenance') this.engine.monitor.setStatus(host, 'reboot');
    if (agent && proxy) {
      this.agentCall(host, 'status', agent, proxy);
      this.agentCall(host, 'start', agent, proxy);
    }
    this.after(host, this.engine.timings.pmOperationMs, 'pm-start', () => {
      this.powerOn(host);
      this.world.log('FENCE_OPERATION_SUCCEEDED', { Action: 'start' }, { host, actor });
      this.world.log('USER_VDS_START', {}, { host, actor });
      done();
      this.awaitReboot(host);
    });
  }

  private powerOn(host: Host): void {
    // A power cycle cures a crash or a power glitch, not a cut cable.
    if (host.fault === 'power_loss' || host.fault === 'vdsm_crash') host.fault = 'none';
    host.poweredOn = true;
    poweredOnAt.set(host, this.engine.clock.now());
  }

  /** The machine has booted far enough to answer the engine (power on for `hostBootMs`, network present). */
  private answers(host: Host): boolean {
    const on = poweredOnAt.get(host);
    if (!host.poweredOn || on === undefined) return false;
    if (this.engine.clock.now() - on < this.engine.timings.hostBootMs) return false;
    return host.fault !== 'network_cut';
  }

  /**
   * `VdsCommand.sleepOnReboot`: checks every `rebootCheckMs` whether the host answers, at most `rebootTimeoutMs`;
   * either way the host is then `non_responsive` (no event), and monitoring brings it up once it answers.
   */
  private awaitReboot(host: Host): void {
    const { rebootCheckMs, rebootTimeoutMs } = this.engine.timings;
    let waited = 0;
    const check = (): void => {
      waited += rebootCheckMs;
      if (!this.answers(host) && waited < rebootTimeoutMs) {
        this.after(host, rebootCheckMs, 'reboot-check', check);
        return;
      }
      if (host.status === 'reboot') this.engine.monitor.setStatus(host, 'non_responsive');
      this.engine.monitor.rejoin(host);
    };
    this.after(host, rebootCheckMs, 'reboot-check', check);
  }
}
