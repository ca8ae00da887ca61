import type { FastifyInstance, HTTPMethods } from 'fastify';
import { errors } from './errors.js';

const METHODS: HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** Answers Twilio's 405 (code 20004) for every method a path does not serve. */
export function refuseOtherMethods(app: FastifyInstance, url: string, allowed: readonly HTTPMethods[]): void {
  const served = allowed.includes('GET') ? [...allowed, 'HEAD' as const] : allowed;
  app.route({
    method: METHODS.filter((m) => !served.includes(m)),
    url,
    handler: () => {
      throw errors.methodNotAllowed(served);
    },
  });
}
