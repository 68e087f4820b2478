/**
 * The shapes an environment variable can take, each a small zod schema. The environment holds only strings, and an
 * empty or blank value means "use the default", so `.env.example` can list every name with nothing after the `=`.
 */
import { z } from 'zod';
import { EngineUrlError, normalizeEngineUrl } from '../ovirt/engine-url';

const blankAsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** The field, with a blank value treated as unset. */
const blankIsUnset = <T extends z.ZodType>(field: T) => z.preprocess(blankAsUnset, field);

/** A whole number (counts, sizes, durations in the unit the name ends with) between bounds, `max` open when left out. */
export function integer(byDefault: number, bounds: { min: number; max?: number; tooSmall?: string }) {
  const atLeast = z.coerce.number().int().min(bounds.min, bounds.tooSmall);
  return blankIsUnset((bounds.max === undefined ? atLeast : atLeast.max(bounds.max)).default(byDefault));
}

/** A number above 0 (ratios, speeds), fractions allowed. */
export const positive = (byDefault: number, max: number) => blankIsUnset(z.coerce.number().positive().max(max).default(byDefault));

/** A switch written true/false, 1/0 or yes/no. */
export const flag = (byDefault: boolean) =>
  blankIsUnset(
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'])
      .default(byDefault ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  );

/** One of a few words. */
export const choice = <const T extends readonly [string, ...string[]]>(words: T, byDefault: T[number]) =>
  blankIsUnset(z.enum(words).default(byDefault as never));

/** Free text with a default, optionally held to a pattern (`message` names the rule when zod's own would be cryptic). */
export function text(byDefault: string, pattern?: RegExp, message?: string) {
  return blankIsUnset((pattern ? z.string().regex(pattern, message) : z.string()).default(byDefault));
}

/** Text with no default: a password, a file path, a secret (secrets are judged later, once NODE_ENV is known). */
export const optionalText = () => blankIsUnset(z.string().optional());

/** An optional http(s) URL. */
export const optionalHttpUrl = () => blankIsUnset(z.url({ protocol: /^https?$/ }).optional());

/**
 * OVIRT_URL as providers write it (the host, `…/ovirt-engine` or `…/ovirt-engine/api[/v4]`), stored once as the
 * canonical `…/ovirt-engine` base so every later use (SSO, API, banner) agrees.
 */
export const optionalEngineUrl = () =>
  blankIsUnset(
    z
      .string()
      .transform((value, ctx) => {
        try {
          return normalizeEngineUrl(value);
        } catch (err) {
          if (!(err instanceof EngineUrlError)) throw err;
          ctx.addIssue({ code: 'custom', message: err.message });
          return z.NEVER;
        }
      })
      .optional(),
  );

/** What a section's mapping may know beyond its own variables. */
export interface Derived {
  /** PUBLIC_URL is https, so session cookies are Secure. */
  readonly https: boolean;
}

/**
 * One area of the configuration: the environment variables it reads and how they become its part of the Config.
 * Keeping both together means a new variable is added in one place.
 */
export interface Section<V extends z.ZodRawShape, T> {
  readonly variables: V;
  readonly read: (env: z.output<z.ZodObject<V>>, derived: Derived) => T;
}

export const section = <V extends z.ZodRawShape, T>(variables: V, read: Section<V, T>['read']): Section<V, T> => ({ variables, read });
