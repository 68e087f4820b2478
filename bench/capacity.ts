/**
 * `npm run bench:capacity`: the pure capacity model (server/capacity) on a generated cluster of 500 hosts, at 5,000,
 * 10,000 and 20,000 VMs (the full N+1 audit of the 20,000-VM cluster in a median under 250 ms, growing close
 * to linearly with the VM count, plus the sellable headroom of 10 plans).
 *
 * The inventories are built directly as `ClusterInventory` objects (not through the simulator and the oVirt client),
 * so only the model is timed: no engine, no HTTP, no XML. A seeded PRNG (mulberry32) makes every run build the same
 * cluster. Building an inventory is timed for information, not counted in any figure.
 *
 * Measured on each size:
 * - baseline: group the up VMs by host in a Map and sort each host's HA VMs in restart order (priority, memory,
 *   vCPUs, name). Any N+1 audit has to do at least this much; the audit's figures are printed as ratios against it;
 * - `buildCapacityModel` alone (the indexed working model every call starts with), for a breakdown;
 * - `checkNPlusK` (model + the exact N+1 enumeration: one failure scenario per up host);
 * - `auditReadiness`: the full audit (storage, power management, fencing, hosts up, exact N+1, HA reservation, drift).
 * Each call runs `--warmup` times untimed on each size, then `--runs` rounds each time every call once on every size
 * (interleaved, so load from other processes spreads over all sizes); median, p90, min and max are reported.
 *
 * Headroom: `sellableHeadroomForPlans` for 10 plan shapes (5 with HA, 5 without) on the 20,000-VM cluster, with the
 * default options (headroomLimit 1000 unless `--headroom-limit` says otherwise), `--headroom-runs` timed runs after
 * one warm-up; then each plan alone once (`sellableHeadroom`), which gives what one N+1-checked HA VPS costs.
 */
import { performance } from 'node:perf_hooks';
import {
  auditReadiness,
  buildCapacityModel,
  checkNPlusK,
  type ClusterInventory,
  DEFAULT_CAPACITY_OPTIONS,
  type HostInventory,
  type PlanShape,
  resolveCapacityOptions,
  type SellableHeadroom,
  sellableHeadroom,
  sellableHeadroomForPlans,
  type StorageDomainInventory,
  type VmInventory,
} from '../server/capacity';
import { checkQuiet, machine, Options, printTargets, type TargetCheck, table, writeResults } from './report';
import { percentile, ratio, round } from './stats';
import { SeededRandom } from '../ovirt-simulator/random';

const GiB = 2 ** 30;
const HOSTS = 500;
const SIZES = [5_000, 10_000, 20_000] as const;
const LARGEST = SIZES[SIZES.length - 1] ?? 20_000;
const AUDIT_TARGET_MS = 250;
/** t(20k) / t(5k): 4 is exactly linear; up to 6 (50 % above linear over a fourfold size) counts as close to linear. */
const GROWTH_TARGET = 6;
const PRIORITIES = [1, 50, 100] as const;
const NFS_DATA = 'sd-nfs-data';

const options = new Options({
  runs: 'timed rounds; each times every call once per size (default 21)',
  warmup: 'untimed runs of each call per size before the timed ones (default 3)',
  seed: 'PRNG seed for the generated cluster (default 6)',
  'headroom-runs': 'timed runs of the 10-plan headroom (default 3, after 1 warm-up)',
  'headroom-limit': `CapacityOptions.headroomLimit for the headroom runs (default ${DEFAULT_CAPACITY_OPTIONS.headroomLimit})`,
});

/** The simulator's seeded mulberry32, as a bare function: the same sequence on every machine for a given seed. */
function prng(seed: number): () => number {
  const rng = new SeededRandom(seed);
  return () => rng.next();
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * One cluster of 500 up hosts (2 sockets x 16 cores x 2 threads, threads not counted as cores, 512 GiB, power
 * management with one fence agent), `vmCount` running VMs of 1-4 GiB and 1-2 vCPUs spread round-robin over the
 * hosts, about a third of them HA with priority 1, 50 or 100, every disk on the shared NFS data domain, every VM
 * linked to a plan whose HA matches (no drift).
 */
function buildInventory(vmCount: number, seed: number): ClusterInventory {
  const random = prng(seed);
  const hosts: HostInventory[] = Array.from({ length: HOSTS }, (_, i) => ({
    id: `host-id-${pad(i, 4)}`,
    name: `host-${pad(i + 1, 3)}`,
    status: 'up',
    memoryBytes: 512 * GiB,
    cpu: { sockets: 2, coresPerSocket: 16, threadsPerCore: 2 },
    powerManagement: { enabled: true, agentCount: 1 },
    spm: i === 0,
  }));
  const vms: VmInventory[] = [];
  for (let i = 0; i < vmCount; i++) {
    const haEnabled = random() < 1 / 3;
    const priority = haEnabled ? (PRIORITIES[Math.floor(random() * PRIORITIES.length)] ?? 50) : 0;
    const memoryGiB = 1 + Math.floor(random() * 4);
    const vcpus = 1 + Math.floor(random() * 2);
    const ha = { enabled: haEnabled, priority };
    vms.push({
      id: `vm-id-${pad(i, 6)}`,
      name: `vps-${pad(i + 1, 6)}`,
      status: 'up',
      hostId: hosts[i % HOSTS]?.id ?? 'host-id-0000',
      memoryBytes: memoryGiB * GiB,
      vcpus,
      ha,
      lease: false,
      storageDomainIds: [NFS_DATA],
      plan: { productId: `plan-${memoryGiB}g-${vcpus}c${haEnabled ? '-ha' : ''}`, expectedHa: { ...ha } },
    });
  }
  const storageDomains: StorageDomainInventory[] = [
    { id: NFS_DATA, name: 'nfs-data', type: 'data', storageType: 'nfs', status: 'active', shared: true },
    { id: 'sd-iscsi-data', name: 'iscsi-data', type: 'data', storageType: 'iscsi', status: 'active', shared: true },
    { id: 'sd-nfs-iso', name: 'nfs-iso', type: 'iso', storageType: 'nfs', status: 'active', shared: true },
  ];
  return {
    cluster: {
      id: 'cluster-bench',
      name: 'Bench',
      memoryOverCommitPercent: 100,
      threadsAsCores: false,
      haReservation: false,
      fencingPolicyEnabled: true,
      dataCenterId: 'dc-bench',
      dataCenterName: 'BenchDC',
    },
    hosts,
    vms,
    storageDomains,
  };
}

/** The 10 plans whose headroom is counted: 5 with HA (priorities 1, 50, 100), 5 without; 1-16 GiB, 1-8 vCPUs. */
const PLANS: PlanShape[] = [
  { productId: 'ha-s', memoryBytes: 1 * GiB, vcpus: 1, ha: { enabled: true, priority: 1 } },
  { productId: 'ha-m', memoryBytes: 2 * GiB, vcpus: 2, ha: { enabled: true, priority: 50 } },
  { productId: 'ha-l', memoryBytes: 4 * GiB, vcpus: 2, ha: { enabled: true, priority: 50 } },
  { productId: 'ha-xl', memoryBytes: 8 * GiB, vcpus: 4, ha: { enabled: true, priority: 100 } },
  { productId: 'ha-xxl', memoryBytes: 16 * GiB, vcpus: 8, ha: { enabled: true, priority: 100 } },
  { productId: 's', memoryBytes: 1 * GiB, vcpus: 1, ha: { enabled: false, priority: 0 } },
  { productId: 'm', memoryBytes: 2 * GiB, vcpus: 2, ha: { enabled: false, priority: 0 } },
  { productId: 'l', memoryBytes: 4 * GiB, vcpus: 4, ha: { enabled: false, priority: 0 } },
  { productId: 'xl', memoryBytes: 8 * GiB, vcpus: 4, ha: { enabled: false, priority: 0 } },
  { productId: 'xxl', memoryBytes: 16 * GiB, vcpus: 8, ha: { enabled: false, priority: 0 } },
];

/**
 * The baseline: the up VMs grouped by host (a Map keyed by host id), and each host's HA VMs sorted in restart order
 * (priority, memory, vCPUs, name). An N+1 audit cannot do less: it must know what each host runs and in which order
 * that host's HA VMs restart. Returns a checksum.
 */
function indexAndSort(inventory: ClusterInventory): number {
  const byHost = new Map<string, VmInventory[]>(inventory.hosts.map((h) => [h.id, []]));
  for (const vm of inventory.vms) {
    if (vm.status !== 'up' || vm.hostId === undefined) continue;
    byHost.get(vm.hostId)?.push(vm);
  }
  let checksum = 0;
  for (const list of byHost.values()) {
    const ha = list.filter((vm) => vm.ha.enabled);
    ha.sort(
      (a, b) =>
        b.ha.priority - a.ha.priority ||
        b.memoryBytes - a.memoryBytes ||
        b.vcpus - a.vcpus ||
        (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
    checksum += list.length + ha.length;
  }
  return checksum;
}

interface Timing {
  runs: number;
  medianMs: number;
  p90Ms: number;
  minMs: number;
  maxMs: number;
}

function timing(times: readonly number[]): Timing {
  const sorted = Float64Array.from(times).sort();
  return {
    runs: times.length,
    medianMs: round(percentile(sorted, 50), 2),
    p90Ms: round(percentile(sorted, 90), 2),
    minMs: round(sorted[0] ?? Number.NaN, 2),
    maxMs: round(sorted[sorted.length - 1] ?? Number.NaN, 2),
  };
}

/** Keeps results alive so the calls under measurement cannot be optimised away. */
let sink = 0;

/** Milliseconds one call takes. */
function timeOnce(fn: () => unknown): number {
  const t0 = performance.now();
  const out = fn();
  const ms = performance.now() - t0;
  sink += out ? 1 : 0;
  return ms;
}

const CALLS = ['baseline', 'buildModel', 'checkNPlusK', 'auditReadiness'] as const;
type Call = (typeof CALLS)[number];

function callsFor(inventory: ClusterInventory): Record<Call, () => unknown> {
  const resolved = resolveCapacityOptions();
  return {
    baseline: () => indexAndSort(inventory),
    buildModel: () => buildCapacityModel(inventory, resolved),
    checkNPlusK: () => checkNPlusK(inventory),
    auditReadiness: () => auditReadiness(inventory),
  };
}

interface SizeFigures {
  vms: number;
  hosts: number;
  haVms: number;
  buildInventoryMs: number;
  baseline: Timing;
  buildModel: Timing;
  checkNPlusK: Timing;
  auditReadiness: Timing;
  auditMsPer1000Vms: number;
  ratios: { auditToBaseline: number | null; checkNPlusKToBaseline: number | null; modelToBaseline: number | null };
  audit: {
    verdict: string;
    findings: Record<string, string>;
    failoverStatus: string;
    failoverMethod: string;
    scenariosChecked: number;
    combinations: number;
    heaviestCaseVms: number | null;
    drift: number;
  };
}

/**
 * Builds every size's inventory (timed, not counted), warms every call up on every size, then runs `runs` rounds;
 * each round times every call once on every size. Interleaving the sizes keeps a burst of load from other processes
 * from landing on one size only, which would distort the growth ratio.
 */
function measureSizes(seed: number, warmup: number, runs: number): SizeFigures[] {
  const built = SIZES.map((vms) => {
    const t0 = performance.now();
    const inventory = buildInventory(vms, seed);
    return { vms, inventory, buildInventoryMs: round(performance.now() - t0, 1), calls: callsFor(inventory) };
  });
  process.stdout.write(`warm-up (${warmup} of each call per size)… `);
  for (const b of built) for (const call of CALLS) for (let i = 0; i < warmup; i++) timeOnce(b.calls[call]);
  process.stdout.write(`${runs} rounds… `);
  const times = built.map(() => Object.fromEntries(CALLS.map((c) => [c, [] as number[]])) as Record<Call, number[]>);
  for (let r = 0; r < runs; r++) {
    built.forEach((b, i) => {
      for (const call of CALLS) times[i]?.[call].push(timeOnce(b.calls[call]));
    });
  }
  console.log('done');
  return built.map((b, i) => {
    const t = times[i] as Record<Call, number[]>;
    const baseline = timing(t.baseline);
    const buildModel = timing(t.buildModel);
    const nPlusK = timing(t.checkNPlusK);
    const audit = timing(t.auditReadiness);
    const report = auditReadiness(b.inventory);
    return {
      vms: b.vms,
      hosts: b.inventory.hosts.length,
      haVms: b.inventory.vms.filter((vm) => vm.ha.enabled).length,
      buildInventoryMs: b.buildInventoryMs,
      baseline,
      buildModel,
      checkNPlusK: nPlusK,
      auditReadiness: audit,
      auditMsPer1000Vms: round(audit.medianMs / (b.vms / 1000), 3),
      ratios: {
        auditToBaseline: ratio(audit.medianMs, baseline.medianMs),
        checkNPlusKToBaseline: ratio(nPlusK.medianMs, baseline.medianMs),
        modelToBaseline: ratio(buildModel.medianMs, baseline.medianMs),
      },
      audit: {
        verdict: report.verdict,
        findings: Object.fromEntries(report.findings.map((f) => [f.check, f.status])),
        failoverStatus: report.failover.status,
        failoverMethod: report.failover.method,
        scenariosChecked: report.failover.scenariosChecked,
        combinations: report.failover.combinations,
        heaviestCaseVms: report.failover.heaviest?.demand.vmCount ?? null,
        drift: report.drift.length,
      },
    };
  });
}

interface HeadroomFigures {
  vms: number;
  plans: number;
  headroomLimit: number;
  /** `sellableHeadroomForPlans` for all 10 plans (one model build shared by the plans). */
  timing: Timing;
  perPlan: Array<{
    productId: string | null;
    memoryGiB: number;
    vcpus: number;
    ha: string;
    count: number;
    atLeast: boolean;
    limitedBy: SellableHeadroom['limitedBy'];
    nextRefusal: string | null;
    /** One `sellableHeadroom` call for this plan alone (includes its own model build), single run. */
    aloneMs: number;
    /** HA plans: aloneMs / count, i.e. what one more N+1-checked VPS costs while counting. */
    msPerCountedVps: number | null;
  }>;
}

function measureHeadroom(seed: number, headroomRuns: number, headroomLimit: number): HeadroomFigures {
  const inventory = buildInventory(LARGEST, seed);
  const opts = { headroomLimit };
  process.stdout.write(
    `headroom for ${PLANS.length} plans on ${LARGEST.toLocaleString('en-US')} VMs (headroomLimit ${headroomLimit}): 1 warm-up + ${headroomRuns} runs… `,
  );
  const times: number[] = [];
  let result: SellableHeadroom[] = sellableHeadroomForPlans(inventory, PLANS, opts);
  for (let i = 0; i < headroomRuns; i++) {
    times.push(timeOnce(() => (result = sellableHeadroomForPlans(inventory, PLANS, opts))));
  }
  process.stdout.write('each plan alone… ');
  const alone = PLANS.map((shape) => timeOnce(() => sellableHeadroom(inventory, shape, opts)));
  console.log('done');
  return {
    vms: LARGEST,
    plans: PLANS.length,
    headroomLimit,
    timing: timing(times),
    perPlan: result.map((r, i) => {
      const aloneMs = round(alone[i] ?? Number.NaN, 2);
      return {
        productId: r.productId ?? null,
        memoryGiB: r.shape.memoryBytes / GiB,
        vcpus: r.shape.vcpus,
        ha: r.shape.ha.enabled ? `HA ${r.shape.ha.priority}` : 'no HA',
        count: r.count,
        atLeast: r.atLeast,
        limitedBy: r.limitedBy,
        nextRefusal: r.next?.code ?? null,
        aloneMs,
        msPerCountedVps: r.shape.ha.enabled && r.count > 0 ? round(aloneMs / r.count, 3) : null,
      };
    }),
  };
}

async function main(): Promise<void> {
  if (options.help) {
    console.log(`npm run bench:capacity -- [options]\n${options.usage()}`);
    return;
  }
  const runs = Math.floor(options.number('runs', 21));
  const warmup = Math.floor(options.number('warmup', 3));
  const seed = Math.floor(options.number('seed', 6));
  const headroomRuns = Math.floor(options.number('headroom-runs', 3));
  const headroomLimit = Math.floor(options.number('headroom-limit', DEFAULT_CAPACITY_OPTIONS.headroomLimit));
  const m = machine();
  console.log(`bench:capacity on ${m.cpus} × ${m.cpuModel}, Node ${m.node}`);
  console.log(
    `one cluster of ${HOSTS} hosts; ${SIZES.map((s) => s.toLocaleString('en-US')).join(' / ')} VMs; ${warmup} warm-up + ${runs} timed runs each; seed ${seed}`,
  );
  const quiet = await checkQuiet();
  const started = performance.now();

  const sizes = measureSizes(seed, warmup, runs);
  const headroom = measureHeadroom(seed, headroomRuns, headroomLimit);
  const totalSeconds = round((performance.now() - started) / 1000, 1);

  const header = [
    'VMs',
    'baseline ms',
    'model ms',
    'checkNPlusK ms',
    'audit p50 ms',
    'p90',
    'min',
    'max',
    'audit ms/1k VMs',
    'audit/baseline',
    'N+1',
  ];
  const rows = sizes.map((s) => [
    s.vms.toLocaleString('en-US'),
    s.baseline.medianMs,
    s.buildModel.medianMs,
    s.checkNPlusK.medianMs,
    s.auditReadiness.medianMs,
    s.auditReadiness.p90Ms,
    s.auditReadiness.minMs,
    s.auditReadiness.maxMs,
    s.auditMsPer1000Vms,
    s.ratios.auditToBaseline === null ? null : `×${s.ratios.auditToBaseline}`,
    `${s.audit.failoverStatus} (${s.audit.failoverMethod}, ${s.audit.scenariosChecked} cases)`,
  ]);
  console.log(`\n${table([header, ...rows])}`);
  console.log(
    '(baseline, model, checkNPlusK: medians; audit verdicts: ' + sizes.map((s) => `${s.vms / 1000}k ${s.audit.verdict}`).join(', ') + ')',
  );

  const first = sizes[0];
  const last = sizes[sizes.length - 1];
  const sizeRatio = first && last ? last.vms / first.vms : Number.NaN;
  const growth = {
    sizeRatio,
    audit: ratio(last?.auditReadiness.medianMs, first?.auditReadiness.medianMs),
    checkNPlusK: ratio(last?.checkNPlusK.medianMs, first?.checkNPlusK.medianMs),
    baseline: ratio(last?.baseline.medianMs, first?.baseline.medianMs),
    /** The same from the fastest run of each: the least noise-sensitive figure on a busy machine (context only). */
    auditByMin: ratio(last?.auditReadiness.minMs, first?.auditReadiness.minMs),
    byStep: sizes.slice(1).map((s, i) => ({
      from: sizes[i]?.vms ?? null,
      to: s.vms,
      audit: ratio(s.auditReadiness.medianMs, sizes[i]?.auditReadiness.medianMs),
    })),
  };
  console.log(
    `\nGrowth ${first?.vms.toLocaleString('en-US')} → ${last?.vms.toLocaleString('en-US')} VMs (×${sizeRatio} VMs; ×${sizeRatio} = linear): ` +
      `audit ×${growth.audit} (by fastest run ×${growth.auditByMin}), checkNPlusK ×${growth.checkNPlusK}, baseline ×${growth.baseline}; ` +
      `steps: ${growth.byStep.map((g) => `${g.from}→${g.to} ×${g.audit}`).join(', ')}`,
  );

  const hHeader = ['plan', 'GiB', 'vCPUs', 'HA', 'headroom', 'limitedBy', 'next refusal', 'alone ms', 'ms per VPS'];
  const hRows = headroom.perPlan.map((p) => [
    p.productId,
    p.memoryGiB,
    p.vcpus,
    p.ha,
    `${p.atLeast ? '≥ ' : ''}${p.count.toLocaleString('en-US')}`,
    p.limitedBy,
    p.nextRefusal,
    p.aloneMs,
    p.msPerCountedVps,
  ]);
  console.log(
    `\nHeadroom, ${PLANS.length} plans on ${LARGEST.toLocaleString('en-US')} VMs (headroomLimit ${headroomLimit}): ` +
      `median ${headroom.timing.medianMs} ms, min ${headroom.timing.minMs}, max ${headroom.timing.maxMs} over ${headroom.timing.runs} runs ` +
      `(×${ratio(headroom.timing.medianMs, last?.baseline.medianMs)} the baseline, ` +
      `×${ratio(headroom.timing.medianMs, last?.auditReadiness.medianMs)} the audit)`,
  );
  console.log(table([hHeader, ...hRows]));
  const limited = headroom.perPlan.filter((p) => p.limitedBy === 'headroom_limit').length;
  const headroomNote =
    limited > 0
      ? `${limited} HA plan(s) stopped at headroomLimit ${headroomLimit} ("at least"): the time covers ${headroomLimit} N+1-checked additions per such plan`
      : undefined;
  if (headroomNote) console.log(`note: ${headroomNote}`);

  const checks: TargetCheck[] = [];
  checks.push({
    name: `full N+1 readiness audit, ${HOSTS} hosts / ${LARGEST.toLocaleString('en-US')} VMs, median of ${runs}`,
    target: `< ${AUDIT_TARGET_MS} ms`,
    unit: 'ms',
    measured: last?.auditReadiness.medianMs ?? null,
    pass: (last?.auditReadiness.medianMs ?? Infinity) < AUDIT_TARGET_MS,
  });
  checks.push({
    name: `audit growth t(${LARGEST / 1000}k) / t(${(first?.vms ?? 0) / 1000}k), close to linear (×${sizeRatio} = linear)`,
    target: `<= ${GROWTH_TARGET}`,
    unit: '×',
    measured: growth.audit,
    pass: growth.audit !== null && growth.audit <= GROWTH_TARGET,
  });
  const exact = sizes.every((s) => s.audit.failoverMethod === 'exact' && s.audit.scenariosChecked === HOSTS);
  checks.push({
    name: 'the audit ran the exact N+1 check (one scenario per up host) at every size',
    target: `exact, ${HOSTS} scenarios`,
    unit: 'sizes ok',
    measured: sizes.filter((s) => s.audit.failoverMethod === 'exact' && s.audit.scenariosChecked === HOSTS).length,
    pass: exact,
  });
  checks.push({
    name: `sellable headroom reported for ${PLANS.length} plans on ${LARGEST.toLocaleString('en-US')} VMs (median time)`,
    target: `${PLANS.length} plans counted (no time target)`,
    unit: 'ms',
    measured: headroom.timing.medianMs,
    pass: headroom.perPlan.length === PLANS.length,
    ...(headroomNote ? { note: headroomNote } : {}),
  });
  printTargets(checks);

  const pass = checks.every((c) => c.pass);
  const file = writeResults('capacity', {
    bench: 'capacity',
    date: new Date().toISOString(),
    machine: m,
    ...quiet,
    parameters: {
      inventory: 'built directly as ClusterInventory (no simulator, no oVirt client)',
      hosts: HOSTS,
      host: '2 sockets × 16 cores × 2 threads (threadsAsCores false), 512 GiB, power management with 1 fence agent, up',
      cluster: 'one cluster, memory over-commit 100 %, fencing enabled, HA reservation off',
      vms:
        'running, 1–4 GiB, 1–2 vCPUs, round-robin over the hosts; ~1/3 HA with priority 1/50/100; disks on the shared NFS data ' +
        'domain; plan HA matches (no drift)',
      storageDomains: ['nfs-data (data, nfs)', 'iscsi-data (data, iscsi)', 'nfs-iso (iso, nfs)'],
      sizes: [...SIZES],
      seed,
      prng: 'mulberry32',
      warmup,
      runs,
      headroomRuns,
      headroomLimit,
      capacityOptions: { ...DEFAULT_CAPACITY_OPTIONS, headroomLimit },
      plans: PLANS,
      baseline: "group the up VMs by host (Map keyed by host id) and sort each host's HA VMs in restart order",
      growthCriterion: `t(${LARGEST}) / t(${first?.vms}) <= ${GROWTH_TARGET} (${sizeRatio} = linear)`,
      totalSeconds,
    },
    sizes,
    growth,
    headroom,
    targets: checks,
    pass,
  });
  console.log(`\nresults: ${file} (${totalSeconds} s)`);
  if (sink < 0) console.log(sink);
  process.exitCode = pass ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error('bench:capacity failed:', err);
  process.exit(2);
});
