/**
 * The console's capacity pages: the clusters with their readiness verdict, one cluster's findings, host picture and
 * N+k verdict, the what-if of chosen hosts, and the sellable headroom per plan. Numbers are for people (GiB, vCPUs);
 * every colour also has a word.
 */
import type {
  FailoverPlacement,
  FailoverVmOutcome,
  FindingStatus,
  NotPlacedReason,
  NPlusKVerdict,
  ReadinessCheckId,
  ReadinessReport,
} from '../../capacity';
import { haPriorityLabel, type Plan } from '../../domain/plan';
import type { ClusterHeadroom, ClusterPicture } from '../../use-cases/capacity';
import { gib, presentHosts } from './admin-host-picture';

const CHECK_TITLE: Record<ReadinessCheckId, string> = {
  shared_storage: 'Shared storage',
  local_storage_ha_vms: 'HA VMs on local storage',
  power_management: 'Power management (fencing)',
  fencing_policy: 'Cluster fencing policy',
  hosts_up: 'Hosts up',
  failover_capacity: 'Failover capacity',
  ha_reservation: 'oVirt HA reservation',
  ha_drift: 'HA settings match the plans',
};
const STATUS_TONE: Record<FindingStatus, string> = { ok: 'ok', warning: 'warn', failure: 'bad' };
const STATUS_WORD: Record<FindingStatus, string> = { ok: 'OK', warning: 'Warning', failure: 'Failure' };
const NOTHING_TO_DO = 'Nothing to do.';

const vcpus = (n: number) => `${n} vCPU${n === 1 ? '' : 's'}`;
const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
const names = (hosts: ReadonlyArray<{ name: string }>) => hosts.map((h) => h.name).join(' and ');
const clusterHref = (cluster: string) => `/admin/clusters/${encodeURIComponent(cluster)}`;
const whatIfHref = (cluster: string, hosts: ReadonlyArray<{ name: string }>) =>
  `${clusterHref(cluster)}/what-if?hosts=${encodeURIComponent(hosts.map((h) => h.name).join(','))}`;
const priority = (p: number) => `${haPriorityLabel(p)} (${p})`;

/** What a page shows when the engine is missing or failed, instead of the data. */
export interface EngineProblem {
  noEngine?: boolean;
  engineError?: string;
}

function findingCounts(report: ReadinessReport): string {
  const failures = report.findings.filter((f) => f.status === 'failure').length;
  const warnings = report.findings.filter((f) => f.status === 'warning').length;
  if (failures + warnings === 0) return `all ${report.findings.length} checks pass`;
  return [failures ? plural(failures, 'failure') : '', warnings ? plural(warnings, 'warning') : ''].filter(Boolean).join(', ');
}

function nkWord(v: NPlusKVerdict): { text: string; tone: string } {
  if (v.status === 'holds') return { text: `N+${v.k} holds`, tone: 'ok' };
  if (v.status === 'fails') return { text: `N+${v.k} fails`, tone: 'bad' };
  return { text: `N+${v.k} not proven`, tone: 'warn' };
}

export interface ClusterRow {
  name: string;
  report?: ReadinessReport;
  error?: string;
}

export function presentClusterList(rows: ClusterRow[], plans: Plan[], problem: EngineProblem = {}) {
  return {
    title: 'Clusters',
    nav: 'clusters',
    ...problem,
    hasClusters: rows.length > 0,
    clusters: rows.map(({ name, report, error }) => {
      const up = report?.hosts.filter((h) => h.up).length ?? 0;
      return {
        name,
        href: clusterHref(name),
        dataCenter: report?.dataCenter ?? '',
        verdict: report ? STATUS_WORD[report.verdict] : 'Unknown',
        tone: report ? STATUS_TONE[report.verdict] : 'neutral',
        hosts: report ? `${up} of ${report.hosts.length} up` : '',
        nk: report ? nkWord(report.failover) : null,
        findings: report ? findingCounts(report) : '',
        plans: plans.filter((p) => p.cluster === name).length,
        error,
      };
    }),
  };
}

const REASON: Record<NotPlacedReason, string> = {
  no_surviving_host: 'no host is left up',
  memory: 'no host has enough free memory',
  vcpus: 'no host has enough free vCPUs',
  memory_and_vcpus: 'no host has enough free memory or vCPUs',
  fragmented: 'enough memory and vCPUs are free, but never on one host',
};

type NotRestarted = Extract<FailoverVmOutcome, { outcome: 'not_restarted' }>;

function notRestartedRow(v: NotRestarted) {
  return {
    vm: v.vmName,
    priority: priority(v.haPriority),
    memory: gib(v.memoryBytes),
    vcpus: vcpus(v.vcpus),
    from: v.fromHost.name,
    reason: `${REASON[v.reason]} (largest free: ${gib(v.largestFreeMemoryBytes)}, ${vcpus(v.largestFreeVcpus)})`,
  };
}

/** The N+k verdict in words: the question, yes or no, and the worst case with what would not restart. */
export function presentVerdict(cluster: string, v: NPlusKVerdict) {
  const question = v.k === 1 ? 'If any one host fails, every HA VM restarts' : `If any ${v.k} hosts fail together, every HA VM restarts`;
  const answer = v.status === 'holds' ? 'yes' : v.status === 'fails' ? 'no' : 'not proven';
  const worst = v.worst;
  return {
    sentence: `${question}: ${answer}.`,
    tone: v.status === 'holds' ? 'ok' : v.status === 'fails' ? 'bad' : 'warn',
    message: v.message,
    worst: worst
      ? {
          text:
            `Worst case ${names(worst.failedHosts)}: ${plural(worst.shortfall.vmCount, 'HA VM')} would not restart ` +
            `(${gib(worst.shortfall.memoryBytes)}, ${vcpus(worst.shortfall.vcpus)} short).`,
          href: whatIfHref(cluster, worst.failedHosts),
          vms: worst.vms.flatMap((vm) => (vm.outcome === 'not_restarted' ? [notRestartedRow(vm)] : [])),
        }
      : null,
    failures: v.failures.map((f) => ({
      hosts: names(f.failedHosts),
      href: whatIfHref(cluster, f.failedHosts),
      vms: f.shortfall.vmCount,
      memory: gib(f.shortfall.memoryBytes),
      vcpus: vcpus(f.shortfall.vcpus),
    })),
    moreFailures: v.failureCount > v.failures.length ? v.failureCount - v.failures.length : 0,
    checked:
      v.method === 'exact'
        ? `${plural(v.scenariosChecked, 'case')} simulated one by one.`
        : `Judged by a conservative bound (${plural(v.scenariosChecked, 'heavy case')} simulated).`,
  };
}

/** The cluster page when its data cannot be read: the notice says why. */
export function presentClusterProblem(cluster: string, problem: EngineProblem) {
  return { title: `Cluster ${cluster}`, nav: 'clusters', cluster, ...problem };
}

export function presentCluster(cluster: string, p: ClusterPicture) {
  const r = p.report;
  return {
    title: `Cluster ${cluster}`,
    nav: 'clusters',
    cluster,
    dataCenter: r.dataCenter,
    verdict: STATUS_WORD[r.verdict],
    verdictTone: STATUS_TONE[r.verdict],
    summary: findingCounts(r),
    whatIfHref: `${clusterHref(cluster)}/what-if`,
    findings: r.findings.map((f) => ({
      title: CHECK_TITLE[f.check] ?? f.check,
      check: f.check,
      status: STATUS_WORD[f.status],
      tone: STATUS_TONE[f.status],
      message: f.message,
      fix: f.fix === NOTHING_TO_DO ? null : f.fix,
    })),
    hosts: presentHosts(cluster, p),
    verdictText: presentVerdict(cluster, r.failover),
  };
}

export interface WhatIfInput {
  cluster: string;
  hosts: Array<{ name: string; status: string }>;
  chosen: string[];
  placement?: FailoverPlacement;
  error?: string;
}

export function presentWhatIf({ cluster, hosts, chosen, placement, error }: WhatIfInput, problem: EngineProblem = {}) {
  const picked = new Set(chosen);
  return {
    title: `What if hosts of ${cluster} fail`,
    nav: 'clusters',
    ...problem,
    cluster,
    clusterHref: clusterHref(cluster),
    action: `${clusterHref(cluster)}/what-if`,
    hosts: hosts.map((h, i) => ({
      id: `host-${i}`,
      name: h.name,
      status: h.status.replace(/_/g, ' '),
      up: h.status === 'up',
      checked: picked.has(h.name),
    })),
    error,
    result: placement ? presentPlacement(placement) : null,
  };
}

function presentPlacement(p: FailoverPlacement) {
  const restarts = p.vms.flatMap((v) =>
    v.outcome === 'restarted'
      ? [
          {
            vm: v.vmName,
            priority: priority(v.haPriority),
            memory: gib(v.memoryBytes),
            vcpus: vcpus(v.vcpus),
            from: v.fromHost.name,
            to: v.toHost.name,
            how: v.automatic
              ? v.lease
                ? 'automatic (VM lease)'
                : 'automatic (after fencing)'
              : 'after someone confirms the host was rebooted',
          },
        ]
      : [],
  );
  return {
    failed: names(p.failedHosts),
    summary: p.summary,
    tone: p.allRestarted ? (p.hostsWithoutAutomaticRestart.length > 0 ? 'warn' : 'ok') : 'bad',
    demand: `${plural(p.demand.vmCount, 'HA VM')} need a new host: ${gib(p.demand.memoryBytes)}, ${vcpus(p.demand.vcpus)}.`,
    restarts,
    hasRestarts: restarts.length > 0,
    notRestarted: p.vms.flatMap((v) => (v.outcome === 'not_restarted' ? [notRestartedRow(v)] : [])),
    shortfall:
      p.shortfall.vmCount > 0
        ? `${plural(p.shortfall.vmCount, 'HA VM')} would not restart: ${gib(p.shortfall.memoryBytes)} and ${vcpus(p.shortfall.vcpus)} short. ` +
          'Free or add that much on the other hosts for all of them to restart.'
        : null,
    notHa: p.vms.flatMap((v) =>
      v.outcome === 'not_ha' ? [{ vm: v.vmName, memory: gib(v.memoryBytes), vcpus: vcpus(v.vcpus), from: v.fromHost.name }] : [],
    ),
    survivors: p.survivingHosts.map((s) => ({
      name: s.name,
      received: s.restartedVmCount,
      memoryBefore: gib(s.freeMemoryBytesBefore),
      memoryAfter: gib(s.freeMemoryBytesAfter),
      vcpusBefore: vcpus(s.freeVcpusBefore),
      vcpusAfter: vcpus(s.freeVcpusAfter),
    })),
    manual: p.hostsWithoutAutomaticRestart.length > 0 ? names(p.hostsWithoutAutomaticRestart) : null,
  };
}

const LIMIT_TEXT = {
  no_capacity: 'No up host has room for another one.',
  headroom_limit: 'Nothing yet: counting stopped at the limit.',
} as const;

export function presentHeadroomPage(list: ClusterHeadroom[], problem: EngineProblem = {}) {
  return {
    title: 'Sellable headroom',
    nav: 'headroom',
    ...problem,
    hasPlans: list.length > 0,
    clusters: list.map((c) => ({
      name: c.cluster,
      href: clusterHref(c.cluster),
      error: 'error' in c ? c.error.message : null,
      rows:
        'headroom' in c
          ? c.headroom.map((h) => {
              const failover = h.next?.code === 'failover_reserve_exceeded' ? h.next : null;
              return {
                plan: h.plan.name,
                productId: h.plan.productId,
                size: `${vcpus(h.plan.vcpus)}, ${gib(h.plan.memoryMib * 1024 * 1024)}`,
                ha: h.plan.ha.enabled ? `HA ${priority(h.plan.ha.priority)}` : 'no HA',
                gate: h.plan.ha.enabled ? (h.plan.failoverGate === 'warn' ? 'warn only' : 'enforced') : '',
                count: `${h.atLeast ? 'at least ' : ''}${h.count}`,
                tone: h.count === 0 ? 'bad' : h.count < 5 ? 'warn' : 'ok',
                basis: h.k === null ? 'while a host has room' : `while N+${h.k} holds`,
                blockedBy: failover?.alreadyBroken
                  ? `N+${failover.k} already fails on this cluster without another one; see the cluster page.`
                  : failover
                    ? `The N+${failover.k} reserve: with one more, ` +
                      (failover.failedHosts.length > 0
                        ? `a failure of ${names(failover.failedHosts)} would leave ${plural(failover.shortfall.vmCount, 'HA VM')} ` +
                          `(${gib(failover.shortfall.memoryBytes)}) without a host`
                        : 'the failover could not be proven') +
                      '.'
                    : h.limitedBy === 'failover_reserve'
                      ? `The N+${h.k ?? 1} failover reserve.`
                      : LIMIT_TEXT[h.limitedBy === 'no_capacity' ? 'no_capacity' : 'headroom_limit'],
                detail: h.message,
              };
            })
          : [],
    })),
  };
}
