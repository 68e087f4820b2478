import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { scenarioSchema, type Scenario, type ScenarioInput } from './schema';

/** Where the built-in scenarios live (`demo`, `ha-drill`, `no-power-management`, `local-storage`, `empty`). */
export const SCENARIO_DIR = path.join(__dirname, '..', 'scenarios');

export function builtInScenarioNames(): string[] {
  return ['demo', 'ha-drill', 'no-power-management', 'local-storage', 'empty'];
}

/**
 * Resolves `--scenario`: a built-in name, a path to a JSON file, or an object (tests). Validation errors name
 * the failing fields.
 */
export function loadScenario(source: string | ScenarioInput): Scenario {
  let raw: unknown = source;
  if (typeof source === 'string') {
    const builtIn = path.join(SCENARIO_DIR, `${source}.json`);
    const file = /^[a-z0-9-]+$/.test(source) && existsSync(builtIn) ? builtIn : path.resolve(source);
    if (!existsSync(file)) {
      throw new Error(`unknown scenario "${source}" (built-in: ${builtInScenarioNames().join(', ')}; or a path to a JSON file)`);
    }
    raw = JSON.parse(readFileSync(file, 'utf8'));
  }
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid scenario: ${problems}`);
  }
  return parsed.data;
}
