/**
 * The chaos run's verdict, a pure function of what the panel asked for and what is there at the end: the services'
 * rows, the engine's VMs, the jobs and the callbacks the panel received. Kept apart from the run so its rules are
 * unit-tested (tests/unit/chaos-verdict.test.ts) and a verdict can never pass by construction.
 */

export type FinalState = 'active' | 'suspended' | 'terminated';

export interface Expected {
  billingServiceId: string;
  state: FinalState;
}

export interface ServiceRow {
  billingServiceId: string;
  desiredState: string;
  actualState: string;
}

export interface EngineVm {
  name: string;
  status: string;
}

export interface CallbackSeen {
  type: string;
  billingServiceId: string;
  verified: boolean;
}

export interface Observed {
  services: ServiceRow[];
  /** Every VM in the engine whose name carries the bridge's prefix. */
  vms: EngineVm[];
  jobs: { queued: number; running: number; dead: number };
  callbacks: CallbackSeen[];
  /** Webhook deliveries the bridge recorded, against the distinct webhooks the panel sent. */
  deliveriesRecorded: number;
  webhooksSent: number;
}

export interface Verdict {
  pass: boolean;
  /** Services that should have a VM and have none, or that the bridge never recorded. */
  lost: string[];
  /** Services with more than one VM. */
  duplicated: string[];
  /** VMs whose service should have none (terminated) or that belong to no service at all. */
  orphaned: string[];
  /** Services whose row or VM is not in the state the panel asked for. */
  wrongState: Array<{ billingServiceId: string; expected: FinalState; actual: string; vm: string | null }>;
  /** Transitions the panel was never told about. */
  missingCallbacks: Array<{ billingServiceId: string; type: string }>;
  unverifiedCallbacks: number;
  failedCallbacks: number;
  jobsOpen: number;
  jobsDead: number;
  deliveriesMismatch: number;
}

const VM_STATUS: Record<FinalState, string | null> = { active: 'up', suspended: 'down', terminated: null };
const CALLBACKS: Record<FinalState, string[]> = {
  active: ['service.active'],
  suspended: ['service.active', 'service.suspended'],
  terminated: ['service.active', 'service.terminated'],
};

export function judge(expected: Expected[], seen: Observed, vmName: (billingServiceId: string) => string): Verdict {
  const rows = new Map(seen.services.map((s) => [s.billingServiceId, s]));
  const vmsByName = new Map<string, EngineVm[]>();
  for (const vm of seen.vms) vmsByName.set(vm.name, [...(vmsByName.get(vm.name) ?? []), vm]);
  const told = new Set(seen.callbacks.filter((c) => c.verified).map((c) => `${c.billingServiceId} ${c.type}`));
  const v: Verdict = {
    pass: false,
    lost: [],
    duplicated: [],
    orphaned: [],
    wrongState: [],
    missingCallbacks: [],
    unverifiedCallbacks: seen.callbacks.filter((c) => !c.verified).length,
    failedCallbacks: seen.callbacks.filter((c) => c.type === 'service.failed').length,
    jobsOpen: seen.jobs.queued + seen.jobs.running,
    jobsDead: seen.jobs.dead,
    deliveriesMismatch: seen.deliveriesRecorded - seen.webhooksSent,
  };
  const known = new Set<string>();
  for (const e of expected) {
    const name = vmName(e.billingServiceId);
    known.add(name);
    const vms = vmsByName.get(name) ?? [];
    const row = rows.get(e.billingServiceId);
    const wantVm = VM_STATUS[e.state];
    if (!row || (wantVm !== null && vms.length === 0)) v.lost.push(e.billingServiceId);
    if (vms.length > 1) v.duplicated.push(e.billingServiceId);
    if (wantVm === null) v.orphaned.push(...vms.map((vm) => vm.name));
    const vmStatus = vms.length === 1 ? vms[0]!.status : vms.length === 0 ? null : vms.map((vm) => vm.status).join('+');
    if (row && (row.desiredState !== e.state || row.actualState !== e.state || (wantVm !== null && vmStatus !== wantVm))) {
      v.wrongState.push({ billingServiceId: e.billingServiceId, expected: e.state, actual: row.actualState, vm: vmStatus });
    }
    for (const type of CALLBACKS[e.state])
      if (!told.has(`${e.billingServiceId} ${type}`)) v.missingCallbacks.push({ billingServiceId: e.billingServiceId, type });
  }
  for (const vm of seen.vms) if (!known.has(vm.name)) v.orphaned.push(vm.name);
  v.pass =
    v.lost.length === 0 &&
    v.duplicated.length === 0 &&
    v.orphaned.length === 0 &&
    v.wrongState.length === 0 &&
    v.missingCallbacks.length === 0 &&
    v.unverifiedCallbacks === 0 &&
    v.failedCallbacks === 0 &&
    v.jobsOpen === 0 &&
    v.jobsDead === 0 &&
    v.deliveriesMismatch === 0;
  return v;
}
