import type { Request } from 'express';
import { z } from 'zod';
import { syntaxError } from '../world/engine-error';
import { parseJson } from '../wire/json';
import { parseXml } from '../wire/xml';

/** Request-body parsing shared by every reader: leaf coercions, the XML/JSON switch and the engine's syntax fault. */

// Leaf coercions: XML gives strings; JSON may give strings or natives (docs/ovirt-api.md §1.3).
export const str = z.union([z.string(), z.number(), z.boolean()]).transform(String);
export const int = z.union([
  z.number().int(),
  z
    .string()
    .trim()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
export const bool = z.union([
  z.boolean(),
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((v) => ['true', 'false', '1', '0'].includes(v), 'expected a boolean')
    .transform((v) => v === 'true' || v === '1'),
]);

/** An element that may be empty (`<high_availability/>` parses to ''). */
export function obj<S extends z.ZodRawShape>(shape: S) {
  return z.preprocess((v) => (v === '' ? {} : v), z.object(shape));
}

/** Repeated elements: XML gives one object or an array; JSON always an array. */
export function list<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => (v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item));
}

export const ref = obj({ id: str.optional(), name: str.optional() });

export function usage(req: Request, method: string): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}/ovirt-engine/apidoc#${method}`;
}

/** Parses the request body as XML or JSON by `Content-Type`; XML must have the expected root element. */
export function readRaw(req: Request, root: string, method: string): unknown {
  const text = typeof req.body === 'string' ? req.body : '';
  if (text.trim() === '') return {};
  const type = (req.get('content-type') ?? 'application/xml').toLowerCase();
  try {
    if (type.includes('json')) {
      const value = parseJson(text);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
      return value;
    }
    const parsed = parseXml(text);
    if (parsed.root !== root) throw new Error(`unexpected root <${parsed.root}>`);
    return parsed.value;
  } catch {
    throw syntaxError(usage(req, method));
  }
}

export function parse<T extends z.ZodType>(schema: T, raw: unknown, req: Request, method: string): z.output<T> {
  const result = schema.safeParse(raw);
  if (!result.success) throw syntaxError(usage(req, method));
  return result.data;
}

export function definedRef(r: { id?: string | undefined; name?: string | undefined }): { id?: string; name?: string } {
  return { ...(r.id !== undefined ? { id: r.id } : {}), ...(r.name !== undefined ? { name: r.name } : {}) };
}
