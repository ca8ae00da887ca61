import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { originOf } from '../twilio/urls.js';
import type { OpenApiDocument } from './document.js';
import { buildDocument } from './document.js';
import { registerPage } from './page.js';
import type { RegisteredRoute } from './routes.js';
import { recordRoutes } from './routes.js';

export const DOCUMENT_PATH = '/openapi.json';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered after the reference, as the reference sees them (its test reads them). */
    registeredRoutes: () => RegisteredRoute[];
  }
}

/**
 * The API reference: /openapi.json, the OpenAPI document of what this server answers, built
 * once at start-up from the routes it registered; /reference, Swagger UI reading it. Both are
 * public, as Twilio publishes its own. Register it before any route it is to see.
 */
export async function registerReference(app: FastifyInstance, config: Config): Promise<void> {
  const registeredRoutes = recordRoutes(app);
  app.decorate('registeredRoutes', registeredRoutes);
  let document: OpenApiDocument | undefined;
  app.addHook('onReady', (done) => {
    document = buildDocument(registeredRoutes(), { metrics: config.metrics });
    done();
  });
  app.get(DOCUMENT_PATH, (request, reply) => {
    // "Try it" goes where the document came from: this origin, or the Twilio host through the proxy.
    const servers = [{ url: originOf(request, config.publicBaseUrl), description: 'this regcomp server' }];
    return reply.type('application/json; charset=utf-8').send(JSON.stringify({ ...document, servers }));
  });
  await registerPage(app);
}
