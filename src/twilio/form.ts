import type { FastifyInstance } from 'fastify';

/** A decoded form body: the first value given for each parameter. */
export type FormBody = ReadonlyMap<string, string>;

export const EMPTY_FORM: FormBody = new Map();

/**
 * Twilio reads `application/x-www-form-urlencoded` bodies. URLSearchParams decodes both `+`
 * (curl) and `%20` (the SDK) as spaces and replaces malformed UTF-8 instead of throwing.
 * When a parameter repeats, the first value wins. Other media types are read (within the
 * body limit) and ignored, so such a request meets the same "missing parameter" error as
 * an empty form.
 */
export function registerFormParsing(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, parseForm(body as string));
  });
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, _body, done) => {
    done(null, EMPTY_FORM);
  });
}

export function parseForm(text: string): FormBody {
  const form = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(text)) {
    if (!form.has(key)) form.set(key, value);
  }
  return form;
}

/** The request body as a form, whatever the route received (no body at all included). */
export function formOf(body: unknown): FormBody {
  return body instanceof Map ? (body as FormBody) : EMPTY_FORM;
}
