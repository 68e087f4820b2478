/** The HTTP faces: request limits, the client area and admin console sessions, metrics, logs. */
import { choice, integer, optionalText, section, text } from './fields';

export const client = section(
  {
    CLIENT_SESSION_MINUTES: integer(120, { min: 1, max: 1440 }),
    // Providers keep their infrastructure's names to themselves unless they choose to show them.
    CLIENT_HOST_NAMES: choice(['show', 'hide'], 'hide'),
  },
  (e, derived) => ({
    /** How long a client-area session lasts after the panel's link was used. */
    sessionTtlSeconds: e.CLIENT_SESSION_MINUTES * 60,
    /** Session cookies are Secure when PUBLIC_URL is https. */
    secureCookies: derived.https,
    /** Whether customers see the engine's host names in their incidents (CLIENT_HOST_NAMES); admins always do. */
    hostNames: e.CLIENT_HOST_NAMES === 'show',
  }),
);

export const admin = section(
  {
    ADMIN_IDLE_MINUTES: integer(30, { min: 1, max: 1440 }),
    ADMIN_SESSION_HOURS: integer(12, { min: 1, max: 168 }),
    ADMIN_LOGIN_MAX_FAILURES: integer(5, { min: 1, max: 100 }),
  },
  (e, derived) => ({
    idleMinutes: e.ADMIN_IDLE_MINUTES,
    sessionHours: e.ADMIN_SESSION_HOURS,
    maxFailuresPerAccount: e.ADMIN_LOGIN_MAX_FAILURES,
    // One address may mistype a few accounts; a guesser sweeping accounts from one address is stopped.
    maxFailuresPerAddress: e.ADMIN_LOGIN_MAX_FAILURES * 4,
    windowMinutes: 15,
    /** Session cookies are Secure when PUBLIC_URL is https. */
    secureCookies: derived.https,
  }),
);

export const http = section(
  {
    JSON_BODY_LIMIT: text('32kb', /^\d+(b|kb|mb)$/i),
    TRUST_PROXY: integer(0, { min: 0, max: 10 }),
    HTTP_MAX_HEADER_BYTES: integer(16_384, { min: 4096, max: 262_144 }),
  },
  (e) => ({
    jsonLimit: e.JSON_BODY_LIMIT,
    trustProxy: e.TRUST_PROXY,
    /** Largest request head (request line and headers) Node accepts; past it Node answers 431 itself. */
    maxHeaderBytes: e.HTTP_MAX_HEADER_BYTES,
  }),
);

/** Per-address limits of this instance. A limit of 0 is off (benches and test suites send thousands of requests from one address). */
export const rateLimits = section(
  {
    RATE_LIMIT_WINDOW_SECONDS: integer(60, { min: 1, max: 86_400 }),
    RATE_LIMIT_WEBHOOKS: integer(1200, { min: 0, max: 1_000_000 }),
    RATE_LIMIT_API: integer(1200, { min: 0, max: 1_000_000 }),
    RATE_LIMIT_AUTH_FAILURES: integer(20, { min: 0, max: 100_000 }),
    RATE_LIMIT_AUTH_WINDOW_SECONDS: integer(900, { min: 1, max: 86_400 }),
  },
  (e) => ({
    windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
    /** Webhooks per address per window. */
    webhooks: e.RATE_LIMIT_WEBHOOKS,
    /** Billing panel API requests (services, uptime, capacity) per address per window. */
    api: e.RATE_LIMIT_API,
    /** Refused signatures or keys (401/403) per address per auth window before that address is refused on that surface. */
    authFailures: e.RATE_LIMIT_AUTH_FAILURES,
    authWindowSeconds: e.RATE_LIMIT_AUTH_WINDOW_SECONDS,
  }),
);

export const metrics = section({ METRICS_TOKEN: optionalText() }, (e) => ({
  /** Bearer token for /metrics; without one, /metrics answers loopback clients only. */
  token: e.METRICS_TOKEN,
}));

export const log = section({ LOG_LEVEL: choice(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info') }, (e) => ({
  level: e.LOG_LEVEL,
}));
