import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import type { TwilioError } from './errors.js';
import { errors } from './errors.js';

/** A decoded form body: the first value given for each parameter. */
export type FormBody = ReadonlyMap<string, string>;

export const EMPTY_FORM: FormBody = new Map();

/**
 * A form body as received: decoded on first use, so a route that takes no form never pays
 * for one (and an unknown route never even reads its body: see http-guards.ts).
 */
class RawForm {
  private decoded: FormBody | undefined;
  constructor(private readonly bytes: Buffer) {}

  get form(): FormBody {
    this.decoded ??= decodeFormBytes(this.bytes);
    return this.decoded;
  }
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

/**
 * Twilio reads `application/x-www-form-urlencoded` bodies in UTF-8. `+` (curl) and `%20`
 * (the SDK) are both spaces. When a parameter repeats, the first value wins — in forms and
 * query strings alike. What cannot be read is refused rather than stored as something else:
 * a charset other than UTF-8 is 415; bytes that are not UTF-8, or percent-encoding that is
 * malformed or does not decode to UTF-8, are 400. Other media types are read (within the
 * body limit) and ignored, so such a request meets the same "missing parameter" error as
 * an empty form.
 */
export function registerFormParsing(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (request, body, done) => {
    const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      done(errors.unsupportedMediaType(`charset ${charset.slice(0, 32)} is not supported; send UTF-8`), undefined);
      return;
    }
    done(null, new RawForm(body as Buffer));
  });
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => {
    done(null, EMPTY_FORM);
  });
}

function decodeFormBytes(bytes: Buffer): FormBody {
  if (!isUtf8(bytes)) throw errors.badRequest('the form body is not valid UTF-8');
  return parseForm(bytes.toString('utf8'));
}

/** Linear in the text's length: one split, one replace and one native decode per pair. */
export function parseForm(text: string): FormBody {
  const form = new Map<string, string>();
  const failure = parsePairs(text, (key, value) => {
    if (!form.has(key)) form.set(key, value);
  });
  if (failure) throw failure;
  return form;
}

function parsePairs(text: string, add: (key: string, value: string) => void): TwilioError | undefined {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('&', start);
    if (end < 0) end = text.length;
    if (end > start) {
      const eq = text.indexOf('=', start);
      const split = eq >= 0 && eq < end ? eq : end;
      const key = decodeComponent(text.slice(start, split));
      if (key === undefined) return errors.badRequest('a parameter name is not valid percent-encoded UTF-8');
      const value = split === end ? '' : decodeComponent(text.slice(split + 1, end));
      if (value === undefined) return errors.invalidParameter(key.slice(0, 64), 'is not valid percent-encoded UTF-8');
      add(key, value);
    }
    start = end + 1;
  }
  return undefined;
}

const NON_ASCII = /[\u0080-\uffff]/;

function decodeComponent(raw: string): string | undefined {
  const spaced = raw.includes('+') ? raw.replaceAll('+', ' ') : raw;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return undefined;
  }
}

const QUERY_ERROR = Symbol('query error');
type Query = Record<string, string> & { [QUERY_ERROR]?: TwilioError };

/**
 * The router's query-string parser: the same rules as forms (first value wins, strict UTF-8).
 * It must not throw, so a query it cannot read carries its error, raised by `queryError`.
 */
export function parseQuery(text: string): Record<string, string> {
  const query: Query = Object.create(null) as Query;
  // A query string reaches us as the request line's bytes, one character per byte.
  const failure = NON_ASCII.test(text)
    ? errors.badRequest('the query string is not percent-encoded')
    : parsePairs(text, (key, value) => {
        if (!Object.hasOwn(query, key)) query[key] = value;
      });
  if (failure) query[QUERY_ERROR] = failure;
  return query;
}

export function queryError(query: unknown): TwilioError | undefined {
  return (query as Query | undefined)?.[QUERY_ERROR];
}

/** The request body as a form, whatever the route received (no body at all included). */
export function formOf(body: unknown): FormBody {
  if (body instanceof RawForm) return body.form;
  return body instanceof Map ? (body as FormBody) : EMPTY_FORM;
}
