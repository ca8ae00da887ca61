import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { createRequire } from 'node:module';
import path from 'node:path';

export const PAGE_PATH = '/reference';
const ASSETS_PREFIX = `${PAGE_PATH}/assets/`;

/** The files of swagger-ui-dist the page loads (source maps for a browser's developer tools); nothing else of it is served. */
const ASSETS = new Set(['swagger-ui.css', 'swagger-ui.css.map', 'swagger-ui-bundle.js', 'swagger-ui-bundle.js.map', 'favicon-32x32.png', 'favicon-16x16.png'].map((name) => `/${name}`));

const PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>regcomp API reference</title>
    <link rel="stylesheet" href="${ASSETS_PREFIX}swagger-ui.css">
    <link rel="icon" type="image/png" href="${ASSETS_PREFIX}favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="${ASSETS_PREFIX}favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${ASSETS_PREFIX}swagger-ui-bundle.js"></script>
    <script src="${PAGE_PATH}/initializer.js"></script>
  </body>
</html>
`;

// validatorUrl: null, else Swagger UI sends the document to validator.swagger.io for a badge.
const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
};
`;

/** Swagger UI at /reference, its files served from node_modules (no CDN), reading /openapi.json. */
export async function registerPage(app: FastifyInstance): Promise<void> {
  const root = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  // decorateReply: false leaves reply.sendFile to any other @fastify/static registration.
  await app.register(fastifyStatic, { root, prefix: ASSETS_PREFIX, decorateReply: false, index: false, allowedPath: (file) => ASSETS.has(file) });
  app.get(PAGE_PATH, (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  app.get(`${PAGE_PATH}/initializer.js`, (_request, reply) => reply.type('text/javascript; charset=utf-8').send(INITIALIZER));
}
