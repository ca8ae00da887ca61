import { z } from 'zod';

/** Schema pieces every catalogue file shares; messages read as "<place> <problem>". */
export const TEXT_MAX = 256;

// Machine names become `Type` values and attribute keys: Twilio's are snake_case.
export const MACHINE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

export const machineName = z.string().regex(MACHINE_NAME, {
  error: (issue) =>
    `must be lowercase snake_case (a-z, 0-9, _; 1 to 64 characters, a letter first), got ${JSON.stringify(issue.input)}`,
});

const textProblem = (input: unknown) => `must be a non-blank string of at most ${TEXT_MAX} characters, got ${JSON.stringify(input)}`;

export const text = z
  .string({ error: (issue) => textProblem(issue.input) })
  .refine((value) => value.trim() !== '' && value.length <= TEXT_MAX, { error: (issue) => textProblem(issue.input) });

export function sidOf(prefix: string) {
  return z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), {
    error: (issue) => `must be ${prefix} followed by 32 hex digits, got ${JSON.stringify(issue.input)}`,
  });
}

export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) => `must be one of ${values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(issue.input)}`,
  });
}

/** Refines a list: the same name (by `name`) may not appear twice. */
export function unique<T>(name: (item: T) => string) {
  return (items: readonly T[], context: z.RefinementCtx) => {
    const seen = new Set<string>();
    for (const item of items) {
      const value = name(item);
      if (seen.has(value)) context.addIssue({ code: 'custom', message: `lists ${JSON.stringify(value)} twice` });
      seen.add(value);
    }
  };
}
