import fs from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../config.js';

/** A catalogue file that cannot be used; stops start-up with its message (no stack trace). */
export class CatalogueError extends ConfigError {}

export const MODES = ['extend', 'replace'] as const;

/** How one read-only catalogue is read: its built-in data, the operator's file, its items. */
export interface CatalogueSource<Item> {
  /** The array's key in the document, e.g. `end_user_types`. */
  key: string;
  /** What a message names for the built-in data, e.g. "built-in End-User Types catalogue". */
  builtInName: string;
  builtIn: unknown;
  /** The operator's file and the setting that named it, e.g. END_USER_TYPES_FILE. */
  file: { setting: string; path: string } | undefined;
  item: z.ZodType<Item>;
  /** What identifies an item: a file's item replaces the built-in item with the same identity. */
  identity: (item: Item) => string;
  sid: (item: Item) => string;
}

/**
 * The built-in catalogue, changed by the operator's file when one is given. In `extend` mode
 * (the default) each item in the file replaces the built-in item of the same identity whole,
 * and new items follow the built-in ones; in `replace` mode the file is the whole catalogue.
 * Every mistake is refused with the file and the place in it named.
 */
export function loadCatalogue<Item>(source: CatalogueSource<Item>): Item[] {
  const builtIn = parseDocument(source, source.builtIn, source.builtInName);
  if (source.file === undefined) return builtIn.items;
  const name = `${source.file.setting} ${source.file.path}`;
  const custom = parseDocument(source, readJson(source.file.path, name), name);
  const items = custom.mode === 'replace' ? custom.items : extend(builtIn.items, custom.items, source.identity);
  assertUnique(items.map(source.sid), (sid) => {
    const owners = items.filter((item) => source.sid(item).toLowerCase() === sid).map(source.identity);
    return `${name}: ${source.key} ${owners.join(' and ')} have the same sid ${sid}`;
  });
  return items;
}

function readJson(file: string, name: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CatalogueError(`${name} cannot be read: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CatalogueError(`${name} is not valid JSON: ${(err as Error).message}`);
  }
}

function parseDocument<Item>(source: CatalogueSource<Item>, document: unknown, name: string): { mode: 'extend' | 'replace'; items: Item[] } {
  const schema = z.strictObject({
    mode: z.enum(MODES, { error: (issue) => `must be one of "extend", "replace", got ${JSON.stringify(issue.input)}` }).optional(),
    [source.key]: z.array(source.item).min(1, { error: 'must be a non-empty array' }),
  });
  const parsed = schema.safeParse(document);
  if (!parsed.success) throw new CatalogueError(`${name}: ${describe(firstIssue(parsed.error.issues))}`);
  const items = parsed.data[source.key] as Item[];
  assertUnique(items.map(source.identity), (id) => `${name}: ${source.key} lists ${JSON.stringify(id)} twice`);
  return { mode: (parsed.data.mode as 'extend' | 'replace' | undefined) ?? 'extend', items };
}

function extend<Item>(base: readonly Item[], changes: readonly Item[], identity: (item: Item) => string): Item[] {
  const changed = new Map(changes.map((item) => [identity(item), item]));
  const kept = base.map((item) => changed.get(identity(item)) ?? item);
  const baseIds = new Set(base.map(identity));
  return [...kept, ...changes.filter((item) => !baseIds.has(identity(item)))];
}

function assertUnique(values: readonly string[], message: (value: string) => string): void {
  const seen = new Set<string>();
  for (const value of values.map((v) => v.toLowerCase())) {
    if (seen.has(value)) throw new CatalogueError(message(value));
    seen.add(value);
  }
}

/** A typo (an unknown key) explains the other issues it causes, so it is named first. */
function firstIssue(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue {
  return issues.find((issue) => issue.code === 'unrecognized_keys') ?? issues[0]!;
}

/** One schema issue as `place problem`, the place written as in the file: `a[0].b`. */
export function describe(issue: z.core.$ZodIssue): string {
  const where = issue.path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text === '' ? String(part) : `${text}.${String(part)}`),
    '',
  );
  const place = where === '' ? 'the document' : where;
  if (issue.code === 'unrecognized_keys') return `${place} has the unknown key ${JSON.stringify(issue.keys[0])}`;
  if (issue.code === 'invalid_type' && issue.expected === 'object') return `${place} must be a JSON object`;
  if (issue.code === 'invalid_type' && issue.expected === 'array') return `${place} must be an array`;
  return `${place} ${issue.message}`;
}
