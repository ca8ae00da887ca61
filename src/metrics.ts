import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PageCache } from './list-cache/index.js';

/**
 * Prometheus metrics at GET /metrics: requests by route pattern (never the concrete URL, so
 * no SID or token becomes a label), status and duration, plus Node's process metrics.
 */
export function registerMetrics(app: FastifyInstance, listCache?: PageCache): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'regcomp_' });
  const requests = new Counter({
    name: 'regcomp_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'regcomp_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  if (listCache) {
    new Counter({
      name: 'regcomp_list_pages_total',
      help: 'List pages of cacheable lists: sent again from the list cache (hit) or rendered (miss)',
      labelNames: ['outcome'] as const,
      registers: [registry],
      collect() {
        this.reset();
        this.inc({ outcome: 'hit' }, listCache.hits);
        this.inc({ outcome: 'miss' }, listCache.misses);
      },
    });
    new Gauge({
      name: 'regcomp_list_cache_bytes',
      help: 'Bytes of rendered list pages this instance holds (bounded by LIST_CACHE_BYTES)',
      registers: [registry],
      collect() {
        this.set(listCache.bytes);
      },
    });
  }

  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: reply.statusCode });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    done();
  });

  app.get('/metrics', async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
}
