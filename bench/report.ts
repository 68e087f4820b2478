/**
 * What every bench result file holds (date, Node version, machine, parameters, figures, targets with pass/fail), the
 * writer for bench/results/<name>.json, and the small option reader both benches share (argv first, then BENCH_*
 * environment variables, then the default).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TargetCheck {
  name: string;
  target: string;
  measured: number | null;
  unit: string;
  pass: boolean;
  /** Why a target could not be judged (a skipped database, say). */
  note?: string;
}

export interface Machine {
  node: string;
  platform: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  };
}

/**
 * How busy the machine's CPUs were over `ms` (0–100 %), sampled before a bench starts. Other work on a 2-core machine
 * (a test run, a build) moves every absolute figure; the ratios against a baseline in the same run move less, and
 * this number says how much to trust either.
 */
export async function cpuBusyPercent(ms = 1000): Promise<number> {
  const total = () =>
    os.cpus().reduce(
      (acc, c) => {
        const t = c.times;
        acc.busy += t.user + t.nice + t.sys + t.irq;
        acc.all += t.user + t.nice + t.sys + t.irq + t.idle;
        return acc;
      },
      { busy: 0, all: 0 },
    );
  const a = total();
  await new Promise((r) => setTimeout(r, ms));
  const b = total();
  return b.all === a.all ? 0 : Math.round(((b.busy - a.busy) / (b.all - a.all)) * 100);
}

/** Prints a warning when the machine is already busy, and returns the figure for the results file. */
export async function checkQuiet(): Promise<{ cpuBusyPercentBefore: number; loadAverage: number[] }> {
  const busy = await cpuBusyPercent();
  const loadAverage = os.loadavg().map((l) => Math.round(l * 100) / 100);
  if (busy > 25) {
    console.log(
      `WARNING: the CPUs were ${busy} % busy before the bench started (load ${loadAverage.join(' ')}); absolute figures will be low, ratios less affected.`,
    );
  }
  return { cpuBusyPercentBefore: busy, loadAverage };
}

export const RESULTS_DIR = path.join(__dirname, 'results');

/** Writes bench/results/<name>.json (replacing the previous run's) and returns its path. */
export function writeResults(name: string, data: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}

export function printTargets(checks: TargetCheck[]): void {
  console.log('\nTargets');
  for (const c of checks) {
    const measured = c.measured === null ? 'not measured' : `${c.measured} ${c.unit}`;
    console.log(`  ${c.pass ? 'PASS' : 'FAIL'}  ${c.name}: ${measured} (target ${c.target})${c.note ? ` — ${c.note}` : ''}`);
  }
}

/** Formats rows as an aligned text table; the first row is the header. */
export function table(rows: Array<Array<string | number | null>>): string {
  const cells = rows.map((r) => r.map((c) => (c === null ? '–' : String(c))));
  const widths = cells[0]?.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length))) ?? [];
  return cells.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')).join('\n');
}

/**
 * Reads `--name value` / `--name=value` / `--flag` from argv, else `BENCH_NAME` from the environment.
 * Unknown options are an error, so a typo never silently runs the defaults.
 */
export class Options {
  private readonly values = new Map<string, string>();

  constructor(
    private readonly known: Record<string, string>,
    argv = process.argv.slice(2),
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i] ?? '';
      if (arg === '--help' || arg === '-h') {
        this.values.set('help', 'true');
        continue;
      }
      const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
      if (!m?.[1] || !(m[1] in known)) throw new Error(`unknown option ${arg}; --help lists them`);
      const next = argv[i + 1];
      if (m[2] !== undefined) this.values.set(m[1], m[2]);
      else if (next !== undefined && !next.startsWith('--')) {
        this.values.set(m[1], next);
        i += 1;
      } else this.values.set(m[1], 'true');
    }
  }

  get help(): boolean {
    return this.values.has('help');
  }

  usage(): string {
    return Object.entries(this.known)
      .map(([name, text]) => `  --${name.padEnd(18)} ${text} (env BENCH_${envName(name)})`)
      .join('\n');
  }

  string(name: string, fallback: string): string {
    return this.values.get(name) ?? this.env[`BENCH_${envName(name)}`] ?? fallback;
  }

  flag(name: string): boolean {
    const v = this.string(name, 'false');
    return v === 'true' || v === '1' || v === 'yes';
  }

  /** A positive number; anything else is an error naming the option. */
  number(name: string, fallback: number): number {
    const raw = this.string(name, String(fallback));
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number (got ${raw})`);
    return n;
  }
}

function envName(option: string): string {
  return option.toUpperCase().replace(/-/g, '_');
}
