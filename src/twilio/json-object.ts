import { errors } from './errors.js';

/** Bounds that keep one request's JSON from costing the service more than it should. */
export interface JsonLimits {
  /** UTF-8 bytes of the compacted text. */
  maxBytes: number;
  maxDepth: number;
  maxKeysPerObject: number;
  /** Values anywhere inside the top-level object (containers included, keys not). */
  maxMembers: number;
  /** Characters in one string (key or value), as written. */
  maxStringLength: number;
}

/**
 * Checks that `text` is one JSON object within `limits` and returns it compacted (white space
 * outside strings removed) with its key order exactly as sent: we keep the text rather than
 * re-serializing a parsed object, since JavaScript would move integer-like keys first.
 * Duplicate keys are refused: the meaning of such a document depends on the reader.
 */
export function compactJsonObject(text: string, param: string, limits: JsonLimits): string {
  // Parsed as sent, first: whatever else is wrong with it, text that is not JSON is 22207.
  // (The body limit bounds its size; V8's parser is not recursive.)
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw errors.invalidAttributes(`${param} is not valid JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw errors.invalidAttributes(`${param} must be a JSON object`);
  }
  // I-JSON (RFC 7493): no unpaired surrogates, which no UTF-8 store can hold (PostgreSQL's
  // jsonb refuses the row).
  if (!wellFormed(value)) throw errors.invalidAttributes(`${param} has a string with an unpaired surrogate`);
  const compact = scan(text, param, limits);
  if (Buffer.byteLength(compact) > limits.maxBytes) {
    throw errors.invalidParameter(param, `is larger than the limit of ${limits.maxBytes} bytes of compact JSON`);
  }
  return compact;
}

const LONE_SURROGATE = /\p{Cs}/u;

/** Whether every key and string in a parsed document is well-formed UTF-16. Iterative. */
function wellFormed(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return false;
    } else if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (LONE_SURROGATE.test(key)) return false;
        stack.push(item);
      }
    }
  }
  return true;
}

interface Frame {
  isObject: boolean;
  expectKey: boolean;
  keys: Set<string> | null;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
/** First characters of a number, true, false or null. */
const PRIMITIVE_START = /[-0-9tfn]/;

/** One iterative pass (no recursion: depth cannot overflow the stack). */
function scan(text: string, param: string, limits: JsonLimits): string {
  const out: string[] = [];
  const stack: Frame[] = [];
  let members = 0;
  const countMember = () => {
    if (++members > limits.maxMembers) {
      throw errors.invalidParameter(param, `has more than the limit of ${limits.maxMembers} values in all`);
    }
  };
  /** The last character written: a primitive starts a value only after `:`, `,` or `[`. */
  let previous = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (WHITESPACE.has(ch)) {
      i++;
      continue;
    }
    const top = stack[stack.length - 1];
    if (ch === '"') {
      const end = stringEnd(text, i);
      if (end < 0) throw errors.invalidAttributes(`${param} is not valid JSON`);
      const raw = text.slice(i, end + 1);
      if (raw.length - 2 > limits.maxStringLength) {
        throw errors.invalidParameter(param, `has a string longer than the limit of ${limits.maxStringLength} characters`);
      }
      if (top?.isObject && top.expectKey) {
        const key = raw.includes('\\') ? decodeKey(raw, param) : raw.slice(1, -1);
        top.keys ??= new Set();
        if (top.keys.has(key)) throw errors.invalidAttributes(`${param} repeats the key "${key}"`);
        top.keys.add(key);
        if (top.keys.size > limits.maxKeysPerObject) {
          throw errors.invalidParameter(param, `has an object with more than the limit of ${limits.maxKeysPerObject} keys`);
        }
        top.expectKey = false;
      } else if (top) {
        countMember();
      }
      out.push(raw);
      previous = '"';
      i = end + 1;
      continue;
    }
    if (ch === '{' || ch === '[') {
      if (stack.length >= limits.maxDepth) {
        throw errors.invalidParameter(param, `is nested deeper than the limit of ${limits.maxDepth} levels`);
      }
      if (top) countMember();
      stack.push({ isObject: ch === '{', expectKey: ch === '{', keys: null });
    } else if (ch === '}' || ch === ']') {
      stack.pop();
    } else if (ch === ',' && top) {
      if (top.isObject) top.expectKey = true;
    } else if (top && (previous === ':' || previous === ',' || previous === '[') && PRIMITIVE_START.test(ch)) {
      countMember();
    }
    out.push(ch);
    previous = ch;
    i++;
  }
  return out.join('');
}

/** Index of the quote closing the string that opens at `start`, or -1. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) return i;
  }
  return -1;
}

function decodeKey(raw: string, param: string): string {
  try {
    return JSON.parse(raw) as string;
  } catch {
    throw errors.invalidAttributes(`${param} is not valid JSON`);
  }
}
