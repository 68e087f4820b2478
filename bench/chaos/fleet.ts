/**
 * The instances of the chaos run: real `server/main.ts` processes on one database, each started the way an operator
 * starts it, killed with SIGKILL (no shutdown, no lease given back) and started again. Each instance's log goes to a
 * file in the run's workspace, so a failed run can be read afterwards.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { startTs, waitForOutput } from '../../tests/helpers/spawn';

export interface Instance {
  index: number;
  /** Its fixed address, where a balancer sends whether or not the process is up. */
  address: string;
  /** Base URL while it is up; undefined while it is down or still starting. */
  url: string | undefined;
  pid: number | undefined;
  /** How many times this slot has been started (1 = the first start). */
  starts: number;
}

export class Fleet {
  readonly instances: Instance[];
  private readonly children = new Map<number, ChildProcessWithoutNullStreams>();
  private readonly logs: WriteStream[] = [];
  private readonly starting = new Map<number, Promise<void>>();
  private stopped = false;

  /** One slot per port: a restarted instance listens where its predecessor did, as behind a balancer. */
  constructor(
    private readonly ports: number[],
    private readonly env: Record<string, string>,
    private readonly logDir: string,
    private readonly startTimeoutMs = 60_000,
  ) {
    this.instances = ports.map((port, index) => ({
      index,
      address: `http://127.0.0.1:${port}`,
      url: undefined,
      pid: undefined,
      starts: 0,
    }));
    this.logs = this.instances.map((i) => createWriteStream(path.join(logDir, `instance-${i.index}.log`), { flags: 'a' }));
  }

  /** Starts one slot and resolves when it listens (its banner is printed after migrations and the HTTP listen). */
  start(index: number): Promise<void> {
    const started = this.boot(index);
    this.starting.set(index, started);
    return started;
  }

  private async boot(index: number): Promise<void> {
    const slot = this.instances[index]!;
    const child = startTs('server/main.ts', { ...this.env, PORT: String(this.ports[index]) });
    this.children.set(index, child);
    slot.starts += 1;
    slot.pid = child.pid;
    const log = this.logs[index]!;
    log.write(`\n--- start ${slot.starts} pid ${child.pid} at ${new Date().toISOString()}\n`);
    child.stdout.on('data', (d: Buffer) => log.write(d));
    child.stderr.on('data', (d: Buffer) => log.write(d));
    child.on('exit', (code, signal) => {
      log.write(`--- pid ${child.pid} exited (${signal ?? code}) at ${new Date().toISOString()}\n`);
      if (this.children.get(index) === child) {
        slot.url = undefined;
        slot.pid = undefined;
      }
    });
    const banner = await waitForOutput(child, /Listening on\s+(\S+)/, this.startTimeoutMs);
    if (this.children.get(index) === child) slot.url = /Listening on\s+(\S+)/.exec(banner)?.[1];
  }

  /** SIGKILL: the process gets no chance to finish a request, a transaction or to hand back its job leases. */
  async kill(index: number): Promise<number | undefined> {
    const child = this.children.get(index);
    const pid = child?.pid;
    if (!child || child.exitCode !== null || child.signalCode !== null) return undefined;
    this.instances[index]!.url = undefined;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGKILL');
    await exited;
    return pid;
  }

  /** Indexes of instances that are up and answering. */
  live(): number[] {
    return this.instances.filter((i) => i.url !== undefined).map((i) => i.index);
  }

  /** Starts every slot that is down; used before the final convergence so the run ends with the whole fleet. */
  async ensureAllUp(): Promise<void> {
    await Promise.all(
      this.instances.map(async (slot) => {
        if (slot.url !== undefined) return;
        const booting = this.starting.get(slot.index);
        if (
          booting &&
          (await booting.then(
            () => true,
            () => false,
          )) &&
          slot.url !== undefined
        )
          return;
        await this.start(slot.index);
      }),
    );
  }

  /** SIGTERM to all, as an operator's stop would; the exit codes say whether shutdown was clean. */
  async stop(): Promise<Array<number | null>> {
    if (this.stopped) return [];
    this.stopped = true;
    const codes = await Promise.all(
      [...this.children.values()].map(
        (c) =>
          new Promise<number | null>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve(c.exitCode);
            const timer = setTimeout(() => c.kill('SIGKILL'), 30_000);
            c.once('exit', (code) => {
              clearTimeout(timer);
              resolve(code);
            });
            c.kill('SIGTERM');
          }),
      ),
    );
    await Promise.all(this.logs.map((l) => new Promise<void>((r) => l.end(() => r()))));
    return codes;
  }
}

/** `n` distinct loopback ports free right now (each bound and released). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve) => {
          const server = createServer();
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}
