import fs from 'node:fs';
import { ConfigError } from '../../config.js';
import builtInCatalogue from './catalogue.json' with { type: 'json' };
import type { Constraint, EndUserType, EndUserTypeField } from './catalogue.js';
import { CONSTRAINTS, EndUserTypeCatalogue, endUserTypeSid } from './catalogue.js';

/** A catalogue file that cannot be used; stops start-up with its message (no stack trace). */
export class CatalogueError extends ConfigError {}

const MODES = ['extend', 'replace'] as const;
type Mode = (typeof MODES)[number];

// Machine names become End-User `Type` values and attribute keys: Twilio's are snake_case.
export const MACHINE_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const TYPE_SID = /^OY[0-9a-fA-F]{32}$/;
const TEXT_MAX = 256;

/**
 * The built-in catalogue (catalogue.json, beside this file), changed by the operator's file
 * when one is given. In `extend` mode (the default) each type in the file replaces the
 * built-in type of the same machine name whole, and new types follow the built-in ones; in
 * `replace` mode the file is the whole catalogue. Every mistake is refused with the file and
 * the place in it named.
 */
export function loadEndUserTypes(file: string | undefined): EndUserTypeCatalogue {
  const builtIn = parseCatalogue(builtInCatalogue, 'built-in End-User Types catalogue');
  if (file === undefined) return new EndUserTypeCatalogue(builtIn.types);
  const source = `END_USER_TYPES_FILE ${file}`;
  const custom = parseCatalogue(readJson(file, source), source);
  const types = custom.mode === 'replace' ? custom.types : extend(builtIn.types, custom.types);
  assertUniqueSids(types, source);
  return new EndUserTypeCatalogue(types);
}

function readJson(file: string, source: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CatalogueError(`${source} cannot be read: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CatalogueError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
}

function extend(base: readonly EndUserType[], changes: readonly EndUserType[]): EndUserType[] {
  const changed = new Map(changes.map((type) => [type.machineName, type]));
  const kept = base.map((type) => changed.get(type.machineName) ?? type);
  const baseNames = new Set(base.map((type) => type.machineName));
  return [...kept, ...changes.filter((type) => !baseNames.has(type.machineName))];
}

function assertUniqueSids(types: readonly EndUserType[], source: string): void {
  const owners = new Map<string, string>();
  for (const type of types) {
    const owner = owners.get(type.sid.toLowerCase());
    if (owner !== undefined) {
      throw new CatalogueError(`${source}: types ${owner} and ${type.machineName} have the same sid ${type.sid}`);
    }
    owners.set(type.sid.toLowerCase(), type.machineName);
  }
}

/** Reads one catalogue document, refusing anything it does not expect (typos included). */
function parseCatalogue(document: unknown, source: string): { mode: Mode; types: EndUserType[] } {
  const fail = (where: string, problem: string): never => {
    throw new CatalogueError(`${source}: ${where} ${problem}`);
  };

  const root = object(document, 'the document', ['mode', 'end_user_types'], fail);
  const mode = root.mode === undefined ? 'extend' : oneOf(root.mode, 'mode', MODES, fail);
  const list = root.end_user_types;
  if (!Array.isArray(list) || list.length === 0) fail('end_user_types', 'must be a non-empty array of types');
  const types = (list as unknown[]).map((item, i) => parseType(item, `end_user_types[${i}]`, fail));
  assertUnique(types.map((type) => type.machineName), 'end_user_types', fail);
  return { mode, types };
}

type Fail = (where: string, problem: string) => never;

function parseType(value: unknown, where: string, fail: Fail): EndUserType {
  const spec = object(value, where, ['sid', 'machine_name', 'friendly_name', 'fields'], fail);
  const machineName = machineNameOf(spec.machine_name, `${where}.machine_name`, fail);
  let sid = endUserTypeSid(machineName);
  if (spec.sid !== undefined) {
    if (typeof spec.sid !== 'string' || !TYPE_SID.test(spec.sid)) {
      fail(`${where}.sid`, `must be OY followed by 32 hex digits, got ${JSON.stringify(spec.sid)}`);
    }
    sid = spec.sid;
  }
  if (!Array.isArray(spec.fields)) fail(`${where}.fields`, 'must be an array of fields');
  const fields = (spec.fields as unknown[]).map((item, i) => parseField(item, `${where}.fields[${i}]`, fail));
  assertUnique(fields.map((field) => field.machineName), `${where}.fields`, fail);
  return {
    sid,
    machineName,
    friendlyName: text(spec.friendly_name, `${where}.friendly_name`, fail),
    fields,
    fieldsByName: new Map(fields.map((field) => [field.machineName, field])),
  };
}

function parseField(value: unknown, where: string, fail: Fail): EndUserTypeField {
  const spec = object(value, where, ['machine_name', 'friendly_name', 'constraint', 'allowed_values'], fail);
  const machineName = machineNameOf(spec.machine_name, `${where}.machine_name`, fail);
  const friendlyName = text(spec.friendly_name, `${where}.friendly_name`, fail);
  const constraint: Constraint = oneOf(spec.constraint, `${where}.constraint`, CONSTRAINTS, fail);
  if (constraint === 'String') {
    if (spec.allowed_values !== undefined) fail(`${where}.allowed_values`, 'is only for List fields');
    return { machineName, friendlyName, constraint, allowedValues: undefined };
  }
  const values = spec.allowed_values;
  if (!Array.isArray(values) || values.length === 0) {
    fail(`${where}.allowed_values`, 'must be a non-empty array of strings (a List field needs its values)');
  }
  const allowedValues = (values as unknown[]).map((item, i) => text(item, `${where}.allowed_values[${i}]`, fail));
  assertUnique(allowedValues, `${where}.allowed_values`, fail);
  return { machineName, friendlyName, constraint, allowedValues };
}

function object(value: unknown, where: string, keys: readonly string[], fail: Fail): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(where, 'must be a JSON object');
  const record = value as Record<string, unknown>;
  const unknown = Object.keys(record).find((key) => !keys.includes(key));
  if (unknown !== undefined) {
    fail(where, `has the unknown key ${JSON.stringify(unknown)} (expected ${keys.join(', ')})`);
  }
  return record;
}

function machineNameOf(value: unknown, where: string, fail: Fail): string {
  if (typeof value !== 'string' || !MACHINE_NAME.test(value)) {
    fail(where, `must be lowercase snake_case (a-z, 0-9, _; 1 to 64 characters, a letter first), got ${JSON.stringify(value)}`);
  }
  return value;
}

function text(value: unknown, where: string, fail: Fail): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > TEXT_MAX) {
    fail(where, `must be a non-blank string of at most ${TEXT_MAX} characters, got ${JSON.stringify(value)}`);
  }
  return value;
}

function oneOf<T extends string>(value: unknown, where: string, allowed: readonly T[], fail: Fail): T {
  if (!allowed.includes(value as T)) {
    fail(where, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function assertUnique(names: readonly string[], where: string, fail: Fail): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) fail(where, `lists ${JSON.stringify(name)} twice`);
    seen.add(name);
  }
}
