import type { Knex } from 'knex';

/**
 * Incident steps stored as sentences (`{at, text}`, written before steps became facts) become facts
 * (`{kind, at, hosts}`), so host names are left out by rendering, never by rewriting a sentence. Every sentence the
 * incident builder ever wrote is below with the kind and hosts that read the same words: an old incident reads as
 * before, to admins and to customers, with or without host names.
 *
 * Six sentences of the first version have no fact that reads the same ("Powered off by your provider", …); they
 * name no host and stay sentences, shown as written (the presenters' `legacySentence`).
 *
 * A converted step keeps its sentence in `sentence` (read by nothing but `down`), so `down` puts back exactly what
 * was there; steps written as facts since are left as they are, which the code before this migration reads too.
 */

/** A step as this migration reads and writes it (the shapes of server/domain/incident-steps.ts at this date). */
type Step = { at: number; text: string } | { at: number; kind: string; hosts: string[]; sentence?: string };

/** Each sentence as its fixed words around the hosts, and the kind it becomes. A host is any text, even spaces. */
const SENTENCES: ReadonlyArray<{ words: readonly string[]; kind: string }> = [
  { words: ['Host ', ' stopped responding to the engine'], kind: 'host_not_responding' },
  { words: ['The engine lost contact with your VPS'], kind: 'vm_unknown' },
  { words: ['Host ', ' was powered off by its power management (fenced); your VPS was marked down'], kind: 'host_fenced' },
  { words: ['Host ', ' came back without your VPS running'], kind: 'host_back_without_vm' },
  { words: ['Your VPS stopped unexpectedly'], kind: 'vm_crashed' },
  { words: ['Your VPS stopped unexpectedly on host ', ''], kind: 'vm_crashed' },
  { words: ['The engine queued your VPS for an automatic restart'], kind: 'restart_queued' },
  { words: ['The engine started your VPS on host ', ''], kind: 'restart_started' },
  { words: ['A restart attempt failed; the engine keeps trying'], kind: 'restart_failed' },
  { words: ['Your VPS is running'], kind: 'running' },
  { words: ['Your VPS is running on host ', ''], kind: 'running' },
  { words: ['Your VPS is running again on host ', ''], kind: 'running_again' },
  { words: ['Host ', ' answered again; your VPS had kept running there'], kind: 'contact_restored' },
  { words: ['The host answered again; your VPS had kept running there'], kind: 'contact_restored' },
  { words: ['Shut down from inside the VPS'], kind: 'shut_down_inside' },
  { words: ['Start requested'], kind: 'start_requested' },
  { words: ['Your VPS was removed'], kind: 'removed' },
  { words: ['The engine no longer holds its record of this time; it is shown as unknown'], kind: 'record_gap' },
  // Two hosts: where a name holds " to host " the split is a guess, but either reads the same words.
  { words: ['Moved live from host ', ' to host ', ' for host maintenance; no downtime'], kind: 'moved_live' },
];

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const PATTERNS = SENTENCES.map(({ words, kind }) => ({
  pattern: new RegExp(`^${words.map(escapeRegExp).join('([\\s\\S]+?)')}$`, 'u'),
  kind,
}));

/** The fact a stored sentence tells, or undefined for one no fact reads the same (it stays a sentence). */
export function factOfSentence(step: { at: number; text: string }): { at: number; kind: string; hosts: string[]; sentence: string } | undefined {
  for (const { pattern, kind } of PATTERNS) {
    const m = pattern.exec(step.text);
    if (m) return { kind, at: step.at, hosts: m.slice(1), sentence: step.text };
  }
  return undefined;
}

const CHUNK = 500;

/** Rewrites the steps of every incident holding a step `change` alters, in id order, a chunk at a time. */
async function rewriteSteps(knex: Knex, marker: string, change: (s: Step) => Step): Promise<void> {
  let after = 0;
  for (;;) {
    const rows = (await knex('incidents')
      .where('id', '>', after)
      .andWhere('steps', 'like', `%${marker}%`)
      .orderBy('id')
      .limit(CHUNK)
      .select('id', 'steps')) as Array<{ id: number; steps: string }>;
    if (rows.length === 0) return;
    for (const row of rows) {
      const steps = JSON.parse(row.steps) as Step[];
      const next = steps.map(change);
      if (next.some((s, i) => s !== steps[i])) await knex('incidents').where({ id: row.id }).update({ steps: JSON.stringify(next) });
    }
    after = Number(rows[rows.length - 1]!.id);
  }
}

export async function up(knex: Knex): Promise<void> {
  await rewriteSteps(knex, '"text"', (s) => ('text' in s && !('kind' in s) ? (factOfSentence(s) ?? s) : s));
}

export async function down(knex: Knex): Promise<void> {
  await rewriteSteps(knex, '"sentence"', (s) => ('kind' in s && typeof s.sentence === 'string' ? { at: s.at, text: s.sentence } : s));
}
