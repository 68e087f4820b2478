/**
 * Request counters for tests and benchmarks: how many engine requests came in (per route shape), how many API
 * calls were in flight at once (the service's client caps it), and how many token requests it made.
 */
export interface MetricsSnapshot {
  requests: number;
  apiRequests: number;
  tokenRequests: number;
  revokeRequests: number;
  inFlight: number;
  maxInFlight: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
}

const ID_SEGMENT = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+)$/i;

/** `GET /ovirt-engine/api/v4/vms/3f…/start` → `GET /vms/{id}/start`. */
export function routeKey(method: string, apiPath: string): string {
  const shape = apiPath
    .split('/')
    .map((seg) => (ID_SEGMENT.test(seg) ? '{id}' : seg))
    .join('/');
  return `${method} ${shape || '/'}`;
}

export class Metrics {
  private state: MetricsSnapshot = Metrics.empty();

  private static empty(): MetricsSnapshot {
    return {
      requests: 0,
      apiRequests: 0,
      tokenRequests: 0,
      revokeRequests: 0,
      inFlight: 0,
      maxInFlight: 0,
      byRoute: {},
      byStatus: {},
    };
  }

  request(key: string, kind: 'api' | 'token' | 'revoke' | 'other'): void {
    this.state.requests += 1;
    this.state.byRoute[key] = (this.state.byRoute[key] ?? 0) + 1;
    if (kind === 'api') {
      this.state.apiRequests += 1;
      this.state.inFlight += 1;
      this.state.maxInFlight = Math.max(this.state.maxInFlight, this.state.inFlight);
    } else if (kind === 'token') {
      this.state.tokenRequests += 1;
    } else if (kind === 'revoke') {
      this.state.revokeRequests += 1;
    }
  }

  /** An API call ended (answered, reset or abandoned by the client). */
  apiDone(): void {
    this.state.inFlight = Math.max(0, this.state.inFlight - 1);
  }

  status(code: number): void {
    this.state.byStatus[String(code)] = (this.state.byStatus[String(code)] ?? 0) + 1;
  }

  snapshot(): MetricsSnapshot {
    return { ...this.state, byRoute: { ...this.state.byRoute }, byStatus: { ...this.state.byStatus } };
  }

  /** Zeroes the counters; calls still in flight stay counted as in flight. */
  reset(): void {
    const inFlight = this.state.inFlight;
    this.state = Metrics.empty();
    this.state.inFlight = inFlight;
    this.state.maxInFlight = inFlight;
  }
}
