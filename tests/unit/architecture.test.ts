/**
 * The layers of docs/architecture.md ("Which way imports go"), enforced. The module graph of server/ and
 * ovirt-simulator/ is read from the TypeScript sources with `ts.preProcessFile` (static and dynamic imports and
 * re-exports; `import type` counts like any other import, since a reader follows it too), relative imports resolved
 * to files. The graph must have no import circle, and each rule below lists the imports that break it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');

/** Every .ts file under a folder, as a path from the repository root with `/` separators. */
function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(path.join(ROOT, rel)).isDirectory()) return sources(rel);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [rel] : [];
  });
}

/** The file a relative specifier names, as TypeScript would find it (`x.ts`, `x/index.ts`; a `.js` suffix means `.ts`). */
function resolveRelative(from: string, specifier: string): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier.replace(/\.js$/, '')));
  return [`${base}.ts`, `${base}/index.ts`, base].find((f) => f.endsWith('.ts') && existsSync(path.join(ROOT, f)));
}

interface Import {
  from: string;
  /** A file of the repository, or the package's name for a bare specifier (`knex`, `node:fs`). */
  to: string;
  /** Whether `to` is a package rather than a file. */
  external: boolean;
}

function importsOf(file: string): Import[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(path.join(ROOT, file), 'utf8'), true, true);
  return importedFiles.map(({ fileName }) => {
    if (!fileName.startsWith('.')) return { from: file, to: fileName, external: true };
    const to = resolveRelative(file, fileName);
    if (!to) throw new Error(`${file}: cannot resolve the import '${fileName}'`);
    return { from: file, to, external: false };
  });
}

const FILES = [...sources('server'), ...sources('ovirt-simulator')];
const IMPORTS = FILES.flatMap(importsOf);
const LOCAL = IMPORTS.filter((i) => !i.external);

/** The circles of the graph: its strongly connected components of more than one file, or a file importing itself. */
function circles(edges: readonly Import[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  // Tarjan's algorithm, iterative so a deep graph cannot overflow the call stack.
  for (const start of FILES) {
    if (index.has(start)) continue;
    const work: Array<{ node: string; i: number }> = [{ node: start, i: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const targets = next.get(top.node) ?? [];
      if (top.i < targets.length) {
        const t = targets[top.i++]!;
        if (!index.has(t)) {
          index.set(t, counter);
          low.set(t, counter++);
          stack.push(t);
          onStack.add(t);
          work.push({ node: t, i: 0 });
        } else if (onStack.has(t)) {
          low.set(top.node, Math.min(low.get(top.node)!, index.get(t)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(top.node)!));
      if (low.get(top.node) === index.get(top.node)) {
        const component: string[] = [];
        let n: string;
        do {
          n = stack.pop()!;
          onStack.delete(n);
          component.push(n);
        } while (n !== top.node);
        if (component.length > 1 || targets.includes(top.node)) found.push(component.sort());
      }
    }
  }
  return found;
}

/** One shortest way round a circle, from its first file back to it: `a.ts -> b.ts -> a.ts`. */
function wayRound(component: readonly string[], edges: readonly Import[]): string {
  const inside = new Set(component);
  const start = component[0]!;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const e of edges) {
      if (e.from !== node || !inside.has(e.to)) continue;
      if (e.to === start) {
        const way: string[] = [];
        for (let n = node; n !== start; n = cameFrom.get(n)!) way.unshift(n);
        return [start, ...way, start].join(' -> ');
      }
      if (!cameFrom.has(e.to)) {
        cameFrom.set(e.to, node);
        queue.push(e.to);
      }
    }
  }
  return component.join(', ');
}

/** One import per line, for a failure message. */
function listed(imports: readonly Import[]): string {
  return imports.length === 0 ? '(none)' : imports.map((i) => `  ${i.from} -> ${i.to}`).join('\n');
}

const under = (folder: string) => (f: string) => f.startsWith(folder);
const oneOf =
  (...files: string[]) =>
  (f: string) =>
    files.includes(f);

/** The imports of files matching `from` that `allowed` refuses; local files only unless `packages` is set. */
function offending(from: (f: string) => boolean, allowed: (to: string, i: Import) => boolean, packages = false): Import[] {
  return IMPORTS.filter((i) => from(i.from) && (packages || !i.external) && !allowed(i.to, i));
}

describe('the module graph (docs/architecture.md, "Which way imports go")', () => {
  test('reads the sources it is about', () => {
    // A wrong root or a broken reader would make every rule below pass vacuously.
    expect(FILES.length).toBeGreaterThan(200);
    expect(LOCAL).toContainEqual({ from: 'server/domain/timeline.ts', to: 'server/domain/engine-event-codes.ts', external: false });
  });

  test('has no import circle', () => {
    const found = circles(LOCAL);
    const message = found.map((c, n) => `circle ${n + 1} (${c.length} files: ${c.join(', ')}):\n  ${wayRound(c, LOCAL)}`).join('\n');
    expect(message).toBe('');
  });

  test('domain/ imports only domain/ and errors.ts (for FieldProblem), and no package', () => {
    // The event codes are facts the domain reasons about: domain/engine-event-codes.ts, not ovirt/.
    const bad = offending(
      under('server/domain/'),
      (to, i) => !i.external && (to.startsWith('server/domain/') || to === 'server/errors.ts'),
      true,
    );
    expect(listed(bad)).toBe('(none)');
  });

  test('capacity/ imports only capacity/ and errors.ts, and no package', () => {
    const bad = offending(
      under('server/capacity/'),
      (to, i) => !i.external && (to.startsWith('server/capacity/') || to === 'server/errors.ts'),
      true,
    );
    expect(listed(bad)).toBe('(none)');
  });

  test('repositories/ never import use-cases/, http/, jobs/, ovirt/, events/ or wiring/', () => {
    const above = ['server/use-cases/', 'server/http/', 'server/jobs/', 'server/ovirt/', 'server/events/', 'server/wiring/'];
    const bad = offending(under('server/repositories/'), (to) => !above.some((a) => to.startsWith(a)));
    expect(listed(bad)).toBe('(none)');
  });

  test('use-cases/ never import http/ or wiring/', () => {
    const bad = offending(under('server/use-cases/'), (to) => !to.startsWith('server/http/') && !to.startsWith('server/wiring/'));
    expect(listed(bad)).toBe('(none)');
  });

  test('jobs/ never import use-cases/, ovirt/, repositories/, events/, http/ or wiring/', () => {
    const above = ['server/use-cases/', 'server/ovirt/', 'server/repositories/', 'server/events/', 'server/http/', 'server/wiring/'];
    const bad = offending(under('server/jobs/'), (to) => !above.some((a) => to.startsWith(a)));
    expect(listed(bad)).toBe('(none)');
  });

  test('metrics/ imports only metrics/ (its collectors live in wiring/, above what they read)', () => {
    const bad = offending(under('server/metrics/'), (to) => to.startsWith('server/metrics/'));
    expect(listed(bad)).toBe('(none)');
  });

  test('presenters and view models never import routes; JSON presenters never import view models', () => {
    const views = offending(
      (f) => f.startsWith('server/http/presenters/') || f.startsWith('server/http/view-models/'),
      (to) => !to.startsWith('server/http/routes/'),
    );
    const json = offending(under('server/http/presenters/'), (to) => !to.startsWith('server/http/view-models/'));
    expect(listed([...views, ...json])).toBe('(none)');
  });

  test('ovirt-simulator/ never imports server/', () => {
    const bad = offending(under('ovirt-simulator/'), (to) => !to.startsWith('server/'));
    expect(listed(bad)).toBe('(none)');
  });

  test('server/ imports ovirt-simulator/ only in server/demo-engine.ts', () => {
    const bad = offending(
      (f) => f.startsWith('server/') && !oneOf('server/demo-engine.ts')(f),
      (to) => !to.startsWith('ovirt-simulator/'),
    );
    expect(listed(bad)).toBe('(none)');
  });
});
