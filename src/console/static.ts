import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where the console is served; the Vite build's `base` says the same. */
export const CONSOLE_PATH = '/console/';
const ASSETS_PATH = `${CONSOLE_PATH}assets/`;

/** `npm run build` writes the Vite build here: dist/console/, beside dist/src/. */
export const CONSOLE_ASSETS = fileURLToPath(new URL('../../console/', import.meta.url));

// The page loads only its own scripts and styles; a previewed document is a blob: URL.
const PAGE_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; img-src 'self' blob: data:; frame-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/**
 * The web console: static files, no credentials needed to load them (the page asks for them
 * and calls the same API as any client). Hashed bundles are cached for good, the page itself
 * is revalidated, and every other path under /console/ is the page (the app routes itself).
 */
export async function registerConsole(app: FastifyInstance, root = CONSOLE_ASSETS): Promise<void> {
  if (!existsSync(`${root}index.html`)) {
    app.get('/console', notBuilt);
    app.get('/console/*', notBuilt);
    return;
  }
  await app.register(async (scope) => {
    // After the app's own onSend (which makes every answer no-store): files may be cached.
    scope.addHook('onSend', async (request, reply) => {
      if (reply.statusCode === 200) reply.header('Cache-Control', request.url.startsWith(ASSETS_PATH) ? 'public, max-age=31536000, immutable' : 'no-cache');
    });
    await scope.register(fastifyStatic, { root, prefix: CONSOLE_PATH, wildcard: false, index: false });
    const page = (request: FastifyRequest, reply: FastifyReply) => {
      // A missing hashed file is a 404 (an old page asking for a replaced bundle), not the page.
      if (request.url.startsWith(ASSETS_PATH)) return reply.callNotFound();
      return reply.headers(PAGE_HEADERS).sendFile('index.html', root);
    };
    scope.get('/console', page);
    scope.get('/console/*', page);
  });
}

function notBuilt(_request: unknown, reply: FastifyReply): FastifyReply {
  return reply
    .code(503)
    .headers({ 'Cache-Control': 'no-store' })
    .type('text/plain; charset=utf-8')
    .send('The regcomp console was not built: run `npm run build` (or `npm start`, which builds first), then reload.\n');
}
