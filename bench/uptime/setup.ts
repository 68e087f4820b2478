/**
 * bench:uptime's settings and targets, the seeded PRNG every run builds its world, stream and history from, and the
 * service's NODE_ENV for a run.
 */
import { DEFAULT_PASSWORD } from '../../ovirt-simulator';
import { AVAILABILITY_CAUSES, type AvailabilityCause } from '../../server/domain/uptime-report';
import { SeededRandom } from '../../ovirt-simulator/random';

export const DAY = 86_400_000;
export const INGEST_TARGET_PER_SECOND = 5000;
export const PAGE_P50_TARGET_MS = 15;
export const UPTIME_TARGET_MS = 1000;
export const ERROR_SAMPLES = 5;
export const CAUSES: readonly AvailabilityCause[] = AVAILABILITY_CAUSES;

export interface Settings {
  services: number;
  events: number;
  seed: number;
  reportServices: number;
  pageIncidents: number;
  pageRequests: number;
  pageWarmup: number;
  pageConcurrency: number;
  uptimeRepeats: number;
  phaseMaxMs: number;
  logLevel: string;
  nodeEnv: string;
}

/** The simulator's seeded mulberry32, as a bare function: the same sequence on every machine for a given seed. */
export function prng(seed: number): () => number {
  const rng = new SeededRandom(seed);
  return () => rng.next();
}

/**
 * The service's NODE_ENV. Production by default, as customers meet it: outside production the view engine re-reads
 * and recompiles every template at each page view (server/app.ts: `cache: config.isProduction`), which is a
 * development convenience, not the page's cost. Production also requires an engine URL and password.
 */
export function nodeEnv(s: Settings, engineUrl: string): Record<string, string> {
  if (s.nodeEnv !== 'production') return { NODE_ENV: s.nodeEnv };
  return { NODE_ENV: 'production', OVIRT_URL: engineUrl, OVIRT_PASSWORD: DEFAULT_PASSWORD };
}
