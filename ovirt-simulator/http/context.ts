import type { Request, Response } from 'express';
import type { Actor } from '../world/world';

export type Format = 'xml' | 'json';

/** What the API middleware learned about a request, kept on `res.locals.api`. */
export interface ApiContext {
  /** `/ovirt-engine/api` or `/ovirt-engine/api/v4`: hrefs follow the form the request used (docs/ovirt-api.md §1.1). */
  base: string;
  format: Format;
  actor: Actor;
  /** Matrix parameters of the path (`/events;from=12`), merged from every segment. */
  matrix: Record<string, string>;
}

export function api(res: Response): ApiContext {
  const ctx = res.locals.api as ApiContext | undefined;
  if (!ctx) throw new Error('API context missing');
  return ctx;
}

/**
 * XML unless the client asks for JSON (`Accept: application/json`, or `?accept=application/json`, which the
 * engine's RESTEasy media-type mapping allows). When both are listed the first one wins.
 */
export function negotiateFormat(req: Request): Format {
  const q = typeof req.query.accept === 'string' ? req.query.accept : undefined;
  return formatFor(q ?? req.get('accept') ?? '');
}

const XML_TYPES = ['application/xml', 'text/xml'] as const;

/** The format an `Accept` value asks for (see `negotiateFormat`). */
export function formatFor(acceptValue: string): Format {
  const accept = acceptValue.toLowerCase();
  const json = accept.indexOf('application/json');
  if (json < 0) return 'xml';
  let xml = Number.POSITIVE_INFINITY;
  for (const t of XML_TYPES) {
    const i = accept.indexOf(t);
    if (i >= 0 && i < xml) xml = i;
  }
  return json < xml ? 'json' : 'xml';
}

/** A query parameter, else a matrix parameter (the engine's lookup order, docs/ovirt-api.md §1.4). */
export function param(req: Request, res: Response, name: string): string | undefined {
  const q = req.query[name];
  if (typeof q === 'string') return q;
  if (Array.isArray(q) && typeof q[0] === 'string') return q[0];
  return api(res).matrix[name];
}

/** Engine boolean parameters: `true|t|yes|y|1`; present but empty means true. */
export function boolParam(req: Request, res: Response, name: string): boolean {
  const v = param(req, res, name);
  if (v === undefined) return false;
  return v === '' || ['true', 't', 'yes', 'y', '1'].includes(v.toLowerCase());
}

export function intParam(req: Request, res: Response, name: string): number | undefined {
  const v = param(req, res, name);
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}
