import type { FastifyInstance, HTTPMethods } from 'fastify';
import '../cors.js';
import { errors } from './errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A refusal route: it answers 405 for the methods a path does not serve (the reference skips it). */
    methodRefusal?: boolean;
  }
}

/**
 * Answers Twilio's 405 (code 20004, with `Allow`) for every method a path does not serve:
 * every method the app routes (http-guards.ts makes that every method Node parses). The
 * refusal is made before the body is read.
 */
export function refuseOtherMethods(app: FastifyInstance, url: string, allowed: readonly HTTPMethods[]): void {
  const served: readonly string[] = allowed.includes('GET') ? [...allowed, 'HEAD'] : allowed;
  app.route({
    method: app.supportedMethods.filter((m) => !served.includes(m)),
    url,
    config: { methodRefusal: true, servedMethods: served },
    onRequest: (_request, _reply, done) => done(errors.methodNotAllowed(served)),
    handler: () => {
      throw errors.methodNotAllowed(served);
    },
  });
}
