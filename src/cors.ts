import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The methods a path serves (set on its 405 route): what a CORS preflight may allow. */
    servedMethods?: readonly string[];
  }
}

/**
 * CORS, so that a browser app can call the API. Twilio's OpenAPI document declares
 * Access-Control-Allow-Origin/-Methods/-Headers/-Credentials/-Expose-Headers on every
 * Regulatory Compliance answer (its examples: `*`, `POST, OPTIONS`, `Content-Type,
 * Authorization`) but no OPTIONS operation, so the preflight is ours to answer:
 *
 * - `CORS_ORIGINS=*` (the default): any origin, `Access-Control-Allow-Origin: *` on every
 *   answer, errors included. Browsers then send no ambient credentials (cookies, a cached
 *   Basic login): the page itself must send `Authorization`, as an SDK does. Safe for a
 *   shared service, since no answer is ever granted on credentials the page did not hold.
 * - a comma-separated list of origins: only those, each echoed back with
 *   `Access-Control-Allow-Credentials: true` (and `Vary: Origin`).
 * - `CORS_ORIGINS=none`: no CORS headers; preflights get the path's 405, as before.
 *
 * A preflight (OPTIONS with Origin and Access-Control-Request-Method) on a known path is
 * answered 204 before credentials are checked (browsers send none with it); an unknown
 * path still gets its 404.
 */
export function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const any = origins.includes('*');
  const listed = new Set(origins);
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    if (any) reply.header('Access-Control-Allow-Origin', '*');
    else {
      reply.header('Vary', 'Origin');
      if (origin === undefined || !listed.has(origin)) return done();
      reply.header('Access-Control-Allow-Origin', origin).header('Access-Control-Allow-Credentials', 'true');
    }
    reply.header('Access-Control-Expose-Headers', EXPOSED);
    if (origin !== undefined && isPreflight(request)) return answerPreflight(request, reply);
    done();
  });
}

/** What a page may read besides the CORS-safelisted headers: a 429's or 503's wait, a download's name. */
const EXPOSED = 'Retry-After, Content-Disposition';
/** The preflight's answer may be reused for this long (seconds). */
const MAX_AGE = '600';
const HEADER_LIST = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(\s*,\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*$/;

function isPreflight(request: FastifyRequest): boolean {
  return request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined && !request.is404;
}

function answerPreflight(request: FastifyRequest, reply: FastifyReply): void {
  const served = request.routeOptions.config.servedMethods ?? ['GET', 'POST', 'DELETE'];
  const asked = request.headers['access-control-request-headers'];
  // The headers asked for, when they are a plain list of names (whatever an SDK adds); else the two the API needs.
  const headers = typeof asked === 'string' && asked.length <= 1024 && HEADER_LIST.test(asked.trim()) ? asked.trim() : 'Authorization, Content-Type';
  void reply
    .code(204)
    .header('Access-Control-Allow-Methods', [...served, 'OPTIONS'].join(', '))
    .header('Access-Control-Allow-Headers', headers)
    .header('Access-Control-Max-Age', MAX_AGE)
    .header('Vary', 'Origin, Access-Control-Request-Headers')
    .send();
}
