/**
 * One pino logger to stdout. Secrets never reach the log: credentials, signatures, cookies and one-time tokens
 * are redacted wherever they appear in request logs or in objects we log.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["webhook-signature"]',
  'res.headers["set-cookie"]',
  'req.query.t',
  'password',
  'root_password',
  'rootPassword',
  'sealedPassword',
  'secret',
  'token',
  '*.password',
  '*.root_password',
  '*.rootPassword',
  '*.sealedPassword',
  '*.secret',
  '*.token',
  '*.apiKey',
  '*.session',
  '*.webhook',
  '*.callback',
  '*.billingApiKey',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'ovirt-ha-bridge' },
      redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
