import type { FastifyServerOptions } from 'fastify';

/**
 * pino options for the server. Request bodies (which carry end-user attributes) are never
 * logged; credentials are redacted should anything ever log request headers.
 */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'req.body', 'res.body', '*.attributes', '*.auth_token', '*.secret'],
      censor: '[redacted]',
    },
  };
}
