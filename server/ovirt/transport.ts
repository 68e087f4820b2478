/**
 * The request pipeline every engine call goes through: one axios instance (keep-alive, TLS against the engine CA,
 * JSON, `Version: 4`), a cap on calls in flight, the shared OAuth token renewed once on 401, a Correlation-Id, a
 * hard timeout, typed errors, and retries with capped backoff and jitter for reads only. Writes are never retried
 * blindly: the caller decides (e.g. by looking a VM up by name after an uncertain create).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse, type Method } from 'axios';
import type { z } from 'zod';
import type { Logger } from '../logger';
import type { EngineMetrics } from '../metrics/registry';
import { backoffDelay, retryAfterMs } from './backoff';
import { ConcurrencyLimit } from './concurrency-limit';
import { normalizeEngineUrl } from './engine-url';
import { errorForStatus, OvirtError, OvirtTimeoutError, unreachable } from './errors';
import { actionSchema, faultSchema } from './schemas';
import { TokenManager } from './token-manager';

/** Where the engine is and how to talk to it; built from config (or the demo simulator). */
export interface EngineTarget {
  /**
   * The canonical engine base, e.g. https://engine.example.net/ovirt-engine (config normalises OVIRT_URL to it; the
   * transport accepts the other forms of engine-url.ts too). The SSO is at `<url>/sso/oauth/token`, the API at `<url>/api`.
   */
  url: string;
  username: string;
  password: string;
  caFile?: string;
  insecure?: boolean;
  timeoutMs: number;
  maxInFlight: number;
  readRetries: number;
  retryBaseMs?: number;
  retryCapMs?: number;
}

export interface TransportOptions extends EngineTarget {
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
  /** Counts and times each call by operation and outcome, and token requests; optional for tests and tools. */
  metrics?: EngineMetrics;
}

export interface CallOptions {
  correlationId?: string;
  timeoutMs?: number;
  params?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The engine keeps [0-9a-zA-Z_-] of a Correlation-Id and at most 36 characters; we send what it will keep. */
export function sanitizeCorrelationId(id: string): string {
  return id.replace(/[^0-9a-zA-Z_-]/g, '').slice(0, 36);
}

export class OvirtTransport {
  readonly http: AxiosInstance;
  readonly tokens: TokenManager;
  readonly limit: ConcurrencyLimit;
  private readonly sleep: (ms: number) => Promise<void>;

  private readonly options: TransportOptions;

  constructor(options: TransportOptions) {
    // Normalised here as well as in config, so a target built by hand (the demo engine, tests) means the same thing.
    this.options = { ...options, url: normalizeEngineUrl(options.url) };
    const secure = this.options.url.startsWith('https:');
    this.http = axios.create({
      baseURL: `${this.options.url}/api`,
      timeout: options.timeoutMs,
      // Statuses are judged here, not by axios, so every answer is turned into a typed error in one place.
      validateStatus: () => true,
      maxRedirects: 0,
      headers: { Accept: 'application/json', Version: '4' },
      httpAgent: secure ? undefined : new http.Agent({ keepAlive: true, maxSockets: options.maxInFlight }),
      httpsAgent: secure
        ? new https.Agent({
            keepAlive: true,
            maxSockets: options.maxInFlight,
            ca: options.caFile ? readFileSync(options.caFile) : undefined,
            rejectUnauthorized: !options.insecure,
          })
        : undefined,
    });
    this.tokens = new TokenManager({
      http: this.http,
      engineUrl: this.options.url,
      username: options.username,
      password: options.password,
      requests: options.metrics?.tokenRequests,
    });
    this.limit = new ConcurrencyLimit(options.maxInFlight);
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    if (options.insecure)
      options.logger.warn({ engine: this.options.url }, 'OVIRT_INSECURE=true: the engine TLS certificate is not verified');
  }

  /** A read (GET): retried on network errors, timeouts and 5xx within the retry budget. */
  async read<S extends z.ZodType>(operation: string, path: string, schema: S, call: CallOptions = {}): Promise<z.output<S>> {
    return this.measured(operation, async () => {
      const res = await this.withRetries(operation, () => this.send(operation, 'GET', path, call));
      return this.parse(operation, schema, res.data);
    });
  }

  /** A write (POST/PUT/DELETE): sent once; an uncertain outcome surfaces as an error for the caller to resolve. */
  async write<S extends z.ZodType>(
    operation: string,
    method: Method,
    path: string,
    schema: S,
    call: CallOptions = {},
  ): Promise<z.output<S>> {
    return this.measured(operation, async () => {
      const res = await this.send(operation, method, path, call);
      return this.parse(operation, schema, res.data);
    });
  }

  /** An action (`POST …/start` etc.): the engine may answer 200 with `status: failed` and a fault inside. */
  async action(operation: string, path: string, body: object = {}, call: CallOptions = {}): Promise<void> {
    return this.measured(operation, async () => {
      const res = await this.send(operation, 'POST', path, { ...call, body });
      const parsed = actionSchema.safeParse(res.data);
      if (parsed.success && parsed.data.status === 'failed') {
        throw errorForStatus(operation, 409, parsed.data.fault?.reason, parsed.data.fault?.detail);
      }
    });
  }

  async close(): Promise<void> {
    await this.tokens.revoke();
  }

  /**
   * One call as its caller sees it (queueing for a slot, a token renewal and read retries included), counted by its
   * fixed operation name and outcome: `ok`, or the error kind (`timeout`, `unavailable`, `conflict`, …).
   */
  private async measured<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const metrics = this.options.metrics;
    if (!metrics) return call();
    const stop = metrics.duration.startTimer({ operation });
    let outcome = 'ok';
    try {
      return await call();
    } catch (err) {
      outcome = err instanceof OvirtError ? err.kind : 'error';
      throw err;
    } finally {
      stop();
      metrics.calls.inc({ operation, outcome });
    }
  }

  private async withRetries(operation: string, attempt: () => Promise<AxiosResponse>): Promise<AxiosResponse> {
    const { readRetries, retryBaseMs = 200, retryCapMs = 5000 } = this.options;
    for (let n = 0; ; n++) {
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof OvirtError) || !err.retryable || n >= readRetries) throw err;
        const hinted = err instanceof RetryAfter ? err.ms : undefined;
        const delay = Math.min(retryCapMs, hinted ?? backoffDelay(n, retryBaseMs, retryCapMs));
        this.options.logger.debug({ operation, attempt: n + 1, delay, code: err.code }, 'retrying engine read');
        await this.sleep(delay);
      }
    }
  }

  private async send(operation: string, method: Method, path: string, call: CallOptions): Promise<AxiosResponse> {
    return this.limit.run(async () => {
      const token = await this.tokens.get();
      let res = await this.once(operation, method, path, call, token);
      if (res.status === 401) {
        // The token expired or the engine restarted: renew once (shared with concurrent callers) and retry once.
        const fresh = await this.tokens.renew(token);
        res = await this.once(operation, method, path, call, fresh);
      }
      if (res.status >= 400) {
        const fault = faultSchema.safeParse(res.data);
        const nested = actionSchema.safeParse(res.data);
        const reason = (fault.success ? fault.data.reason : undefined) ?? (nested.success ? nested.data.fault?.reason : undefined);
        const detail = (fault.success ? fault.data.detail : undefined) ?? (nested.success ? nested.data.fault?.detail : undefined);
        const error = errorForStatus(operation, res.status, reason, detail);
        const hint = retryAfterMs(res.headers['retry-after'], Date.now());
        throw hint !== undefined && error.retryable ? new RetryAfter(error, hint) : error;
      }
      return res;
    });
  }

  private async once(operation: string, method: Method, path: string, call: CallOptions, token: string): Promise<AxiosResponse> {
    const timeoutMs = call.timeoutMs ?? this.options.timeoutMs;
    const correlationId = sanitizeCorrelationId(call.correlationId ?? `obh-${randomUUID()}`);
    try {
      return await this.http.request({
        method,
        url: path,
        params: call.params,
        data: call.body,
        timeout: timeoutMs,
        // A hard deadline: axios' own timeout only notices an idle socket, not a slow trickle.
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          Authorization: `Bearer ${token}`,
          'Correlation-Id': correlationId,
          ...(call.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...call.headers,
        },
      });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED') throw new OvirtTimeoutError(operation, timeoutMs);
      throw unreachable(operation, code, this.options.url);
    }
  }

  private parse<S extends z.ZodType>(operation: string, schema: S, data: unknown): z.output<S> {
    const parsed = schema.safeParse(data === '' || data === undefined ? {} : data);
    if (parsed.success) return parsed.data;
    const where = parsed.error.issues[0];
    throw new OvirtError(
      'bad_request',
      `oVirt engine: ${operation}: unexpected answer (${where?.path.join('.') ?? ''}: ${where?.message ?? 'invalid'}).`,
      {
        operation,
        retryable: false,
      },
    );
  }
}

/** A retryable error with the engine's Retry-After hint attached. */
class RetryAfter extends OvirtError {
  constructor(
    original: OvirtError,
    readonly ms: number,
  ) {
    super(original.kind, original.message, original.info);
  }
}
