/**
 * zod at the edge: parses one part of the request and turns every issue into a named failing field.
 */
import type { z } from 'zod';
import { type FieldProblem, ValidationError } from '../../errors';

/** Each zod issue as `{field, message}`; unknown keys are named one by one. */
export function zodProblems(error: z.ZodError): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push({ field: base ? `${base}.${key}` : key, message: 'is not a known field' });
    } else {
      problems.push({ field: base, message: issue.message });
    }
  }
  return problems;
}

/** Parses `input` with `schema`, or throws ValidationError listing every failing field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = zodProblems(result.error).map((p) => ({
    ...p,
    field: prefix ? (p.field ? `${prefix}.${p.field}` : prefix) : p.field,
  }));
  throw new ValidationError(problems);
}
