/** The readiness report as /readyz shows it: private details (the engine's version) for authenticated callers only. */
import type { ReadinessReport } from '../../use-cases/readiness';

export function presentReadinessReport(report: ReadinessReport, authenticated: boolean) {
  const checks: Record<string, { ok: boolean; detail?: string }> = {};
  for (const [name, { ok, detail, privateDetail }] of Object.entries(report.checks)) {
    const shown = authenticated ? (privateDetail ?? detail) : detail;
    checks[name] = { ok, ...(shown === undefined ? {} : { detail: shown }) };
  }
  return { ready: report.ready, status: report.status, checks };
}
