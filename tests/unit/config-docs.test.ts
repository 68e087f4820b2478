import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ENVIRONMENT_VARIABLES } from '../../server/config';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (f: string) => readFileSync(path.join(ROOT, f), 'utf8');

describe('the configuration documents exactly the variables the schema reads', () => {
  test('the schema reads a plausible number of variables, each once', () => {
    expect(ENVIRONMENT_VARIABLES.length).toBeGreaterThan(20);
    expect(new Set(ENVIRONMENT_VARIABLES).size).toBe(ENVIRONMENT_VARIABLES.length);
  });

  test('.env.example lists every variable the schema reads, and no other', () => {
    const listed = [...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(new Set(listed).size).toBe(listed.length);
    expect([...listed].sort()).toEqual([...ENVIRONMENT_VARIABLES].sort());
  });

  test("README's Configuration section names every variable the schema reads, and no other", () => {
    const readme = read('README.md');
    const start = readme.indexOf('\n## Configuration\n');
    expect(start).toBeGreaterThan(0);
    const end = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start, end < 0 ? undefined : end);
    const named = new Set([...section.matchAll(/`([A-Z][A-Z0-9_]+)[`=]/g)].map((m) => m[1]));
    expect([...named].sort()).toEqual([...ENVIRONMENT_VARIABLES].sort());
  });
});
