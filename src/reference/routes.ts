import type { FastifyInstance } from 'fastify';

/** One method of one registered route, as Fastify spells it: `GET /v2/RegulatoryCompliance/EndUsers/:sid`. */
export interface RegisteredRoute {
  method: string;
  url: string;
}

/**
 * Records every route the app registers from now on (so: call it first), and lists them once
 * all are in. Left out: the 405 refusals (twilio/routes.ts), which answer for the methods a
 * path does not serve, and a HEAD beside a GET of the same URL (Fastify adds one to each GET;
 * OpenAPI documents it as the GET).
 */
export function recordRoutes(app: FastifyInstance): () => RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    if (route.config?.methodRefusal) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method: String(method), url: route.url });
  });
  return () => {
    const gets = new Set(routes.filter((r) => r.method === 'GET').map((r) => r.url));
    return routes.filter((r) => !(r.method === 'HEAD' && gets.has(r.url)));
  };
}

/** A path's shape, parameter names aside: `/Bundles/:bundleSid/Copies` and `/Bundles/{BundleSid}/Copies` agree. */
export function shapeOf(path: string): string {
  return path.replace(/:[A-Za-z0-9_]+|\{[^}]+\}/g, '{}');
}
