import type { FastifyServerOptions } from 'fastify';

/**
 * pino options for the server: nothing personal or secret reaches the log, at any level.
 *
 * - Request bodies (end-user attributes) are never logged, nor are headers.
 * - A request's URL is logged as its path only: the query string (which may carry
 *   `?AuthToken=…`) is dropped, and so are the scheme, host and user info of an
 *   absolute-form target (`http://AC…:token@host/…`).
 * - Errors are logged as their type, their code (a PostgreSQL SQLSTATE, a Node error code)
 *   and their stack frames, never their message nor any other field: database errors quote
 *   the failing row (`detail`, `where`…) and messages quote the values they refused.
 * - Any text message is scrubbed of query strings and URL user info, should one carry a URL.
 */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    serializers: { req: requestForLog, err: errorForLog },
    hooks: {
      logMethod(args: unknown[], method) {
        const [first, second] = args;
        if (first instanceof Error) {
          // pino would take the error's message as the line's message.
          method.apply(this, [{ err: first }, typeof second === 'string' ? scrub(second) : 'error']);
          return;
        }
        if (first !== null && typeof first === 'object' && 'err' in first && typeof second !== 'string') {
          method.apply(this, [first, 'error']);
          return;
        }
        method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrub(arg) : arg)) as Parameters<typeof method>);
      },
    },
    redact: {
      paths: ['req.headers', 'req.body', 'res.body', '*.attributes', '*.auth_token', '*.secret', '*.detail'],
      censor: '[redacted]',
    },
  };
}

interface LoggableRequest {
  method?: string;
  url?: string;
  ip?: string;
  socket?: { remoteAddress?: string };
}

function requestForLog(request: LoggableRequest): Record<string, unknown> {
  return { method: request.method, url: pathOnly(request.url ?? ''), remoteAddress: request.ip ?? request.socket?.remoteAddress };
}

/** The path of a request target, without query string, fragment, scheme, host or user info. */
export function pathOnly(url: string): string {
  let path = url;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(path);
  if (scheme) path = path.slice(scheme[0].length) || '/';
  const end = path.search(/[?#]/);
  return end < 0 ? path : path.slice(0, end);
}

interface LoggedError {
  [key: string]: unknown;
  type: string;
  message: string;
  stack: string;
}

function errorForLog(err: unknown): LoggedError {
  if (!(err instanceof Error)) return { type: typeof err, message: '[not logged]', stack: '' };
  const code = (err as { code?: unknown }).code;
  const frames = (err.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return {
    type: err.constructor?.name ?? err.name,
    message: '[not logged]',
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    stack: frames.map((line) => line.trim()).join('\n'),
    ...(err.cause instanceof Error ? { cause: errorForLog(err.cause) } : {}),
  };
}

function scrub(text: string): string {
  return text.replace(/(\/\/)[^/@\s]*@/g, '$1[redacted]@').replace(/\?[^\s"]*/g, '?[redacted]');
}
