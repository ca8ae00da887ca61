import { Validator } from '@seriousme/openapi-schema-validator';
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { shapeOf } from '../src/reference/routes.js';
import { backends } from './support/backends.js';
import { specValidator } from './support/openapi.js';
import { proxiedServerFor, viaTunnel } from './support/proxy.js';
import { startReceiver } from './support/receiver.js';
import type { Receiver } from './support/receiver.js';
import { tourEveryOperation } from './support/reference-tour.js';
import { serverFor } from './support/server.js';
import type { TestServer } from './support/server.js';

interface Document {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
}

/** Routes knowingly left out of the document, each with why: the reference itself is not the API. */
const NOT_DOCUMENTED: Record<string, string> = {
  'GET /openapi.json': 'the document itself',
  'GET /reference': 'the page that reads it',
  'GET /reference/initializer.js': 'the page’s script',
  'GET /reference/assets/*': 'Swagger UI’s files',
};

/** Whole trees left out the same way: the console is a client of the API, not part of it. */
const NOT_DOCUMENTED_TREES: Record<string, string> = {
  'GET /console': 'the web console’s page and its built files (one route per hashed file)',
};
const leftOut = (route: string) => route in NOT_DOCUMENTED || Object.keys(NOT_DOCUMENTED_TREES).some((tree) => route === tree || route.startsWith(`${tree}/`));

const METHODS = new Set(['get', 'post', 'delete', 'put', 'patch', 'head', 'options', 'trace']);

/** `GET /v2/RegulatoryCompliance/EndUsers/{}`, one per documented operation. */
function documentedOperations(document: Document): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => METHODS.has(key))
      .map((method) => `${method.toUpperCase()} ${shapeOf(path)}`),
  );
}

async function documentOf(origin: string): Promise<Document> {
  const response = await fetch(`${origin}/openapi.json`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  return (await response.json()) as Document;
}

/** GET with a Host header of our choosing (fetch will not send one). */
function getWithHost(origin: string, path: string, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${origin}${path}`, { headers: { host } }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.once('end', () => resolve(body));
    });
    request.once('error', reject);
  });
}

const sorted = (values: Iterable<string>) => [...values].sort();

for (const backend of backends) {
  describe(`the API reference (${backend.name})`, () => {
    // Deterministic, so that the clock's routes answer too (the tour calls every operation).
    const server = serverFor(backend, { DETERMINISTIC_SEED: 'reference-tour' });
    let receiver: Receiver;
    before(async () => {
      receiver = await startReceiver();
    });
    after(() => receiver.close());

    test('every route the server registers is documented, method by method, and every documented operation is routed', async () => {
      const document = await documentOf(server.origin);
      const routes = server.app.registeredRoutes().map((r) => `${r.method} ${r.url}`);
      for (const route of Object.keys(NOT_DOCUMENTED)) assert.ok(routes.includes(route), `${route} is listed as left out, but is no route`);
      for (const tree of Object.keys(NOT_DOCUMENTED_TREES)) assert.ok(routes.includes(tree), `${tree} is listed as left out, but is no route`);
      const routed = new Set(routes.filter((route) => !leftOut(route)).map((route) => shapeOf(route)));
      const documented = new Set(documentedOperations(document));
      assert.deepEqual(sorted([...routed].filter((route) => !documented.has(route))), [], 'routes the document lacks (declare control routes in src/reference/control-api.ts, others in extras.ts)');
      assert.deepEqual(sorted([...documented].filter((operation) => !routed.has(operation))), [], 'documented operations no route serves');
      // The recorder sees what Fastify routes: a sample of each kind, asked of Fastify itself.
      for (const [method, url] of [['GET', '/v2/RegulatoryCompliance/EndUsers/:sid'], ['POST', '/regcomp/Bundles/:sid/Review'], ['GET', '/healthz']] as const) {
        assert.ok(server.app.hasRoute({ method, url }) && routes.includes(`${method} ${url}`), `${method} ${url}`);
      }
    });

    test('only Twilio’s operations that regcomp serves are kept, and only the components they reference', async () => {
      const document = await documentOf(server.origin);
      const operations = documentedOperations(document);
      assert.ok(!operations.some((op) => op.includes('/HostedNumber/') || op.includes('/SenderIds')), 'Twilio paths regcomp does not serve are gone');
      assert.ok(operations.includes('DELETE /v2/RegulatoryCompliance/Bundles/{}/ItemAssignments/{}'));
      assert.ok(!('/v2/RegulatoryCompliance' in document.paths), 'a path item without operations is gone');
      const text = JSON.stringify(document.paths);
      for (const name of Object.keys(document.components.schemas ?? {})) assert.ok(text.includes(`#/components/schemas/${name}"`) || JSON.stringify(document.components).includes(`#/components/schemas/${name}"`), `${name} is referenced`);
      assert.ok(!('numbers.v2.hosted_number_order' in (document.components.schemas ?? {})));
      assert.deepEqual(Object.keys(document.components.securitySchemes ?? {}), ['accountSid_authToken']);
      assert.ok(!text.includes('"servers"'), 'no path keeps Twilio’s host');
    });

    test('the served document is valid OpenAPI 3.0, its references all resolve', async () => {
      const validator = new Validator();
      const result = await validator.validate((await documentOf(server.origin)) as unknown as Record<string, unknown>);
      assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1));
      assert.match(validator.version ?? '', /^3\.0/);
      assert.doesNotThrow(() => validator.resolveRefs());
      // The validator does refuse a broken one: an operation without responses.
      const broken = await documentOf(server.origin);
      delete (broken.paths['/healthz']!.get as Record<string, unknown>).responses;
      assert.equal((await new Validator().validate(broken as unknown as Record<string, unknown>)).valid, false);
    });

    test('servers[0] is the origin the request came to, so "try it" stays on this server', async () => {
      assert.equal((await documentOf(server.origin)).servers[0]!.url, server.origin);
      const viaName = JSON.parse(await getWithHost(server.origin, '/openapi.json', 'regcomp.test:8080')) as Document;
      assert.equal(viaName.servers[0]!.url, 'http://regcomp.test:8080');
    });

    test('a response of every documented operation validates against the served document', async () => {
      const spec = specValidator((await documentOf(server.origin)) as unknown as Parameters<typeof specValidator>[0], 'served');
      const answers = await tourEveryOperation(server, receiver.url);
      const covered = new Set<string>();
      for (const { method, path, response } of answers) {
        const template = spec.specPathOf(path);
        assert.ok(template, `${path} is in the document`);
        covered.add(`${method} ${shapeOf(template)}`);
        const type = response.headers.get('content-type') ?? '';
        if (response.status === 204 || type.startsWith('application/json')) {
          spec.assertMatchesSpec(template, method, response.status, response.status === 204 ? await response.text() : await response.json());
        } else {
          const media = spec.mediaTypesOf(template, method, response.status);
          assert.ok(media.some((m) => m === '*/*' || type.startsWith(m)), `${method} ${path}: ${type} is not among ${media.join(', ')}`);
        }
      }
      assert.deepEqual(sorted(documentedOperations(await documentOf(server.origin)).filter((op) => !covered.has(op))), [], 'operations the tour does not call (test/support/reference-tour.ts)');
    });

    test('/reference serves Swagger UI and its files from this server, with their content types', async () => {
      const page = await fetch(`${server.origin}/reference`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
      const html = await page.text();
      const linked = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
      assert.ok(linked.length >= 4, html);
      const types: Record<string, RegExp> = { css: /^text\/css/, js: /^(text|application)\/javascript/, png: /^image\/png/ };
      for (const url of linked) {
        assert.match(url, /^\/reference\//, `${url} is on this server`);
        const asset = await fetch(`${server.origin}${url}`);
        assert.equal(asset.status, 200, url);
        assert.match(asset.headers.get('content-type') ?? '', types[url.split('.').pop()!]!, url);
        const text = await asset.text();
        if (url.endsWith('.css')) assert.deepEqual([...text.matchAll(/(?:url\(|@import)\s*['"]?(?:https?:)?\/\//g)], [], `${url} loads nothing from elsewhere`);
        if (url.endsWith('initializer.js')) {
          assert.match(text, /url: '\/openapi\.json'/);
          assert.match(text, /validatorUrl: null/, 'no badge from validator.swagger.io');
          assert.doesNotMatch(text, /https?:\/\//);
        }
      }
      assert.doesNotMatch(html, /https?:\/\/|"\/\//, 'the page names no other origin');
      // Only the files the page uses: not Swagger UI's demo page, which points at the petstore.
      assert.equal((await fetch(`${server.origin}/reference/assets/index.html`)).status, 404);
      assert.equal((await fetch(`${server.origin}/reference/assets/swagger-initializer.js`)).status, 404);
    });

    test('the reference needs no credentials; the API it documents does', async () => {
      assert.equal((await fetch(`${server.origin}/openapi.json`)).status, 200);
      assert.equal((await fetch(`${server.origin}/reference`)).status, 200);
      const document = await documentOf(server.origin);
      assert.deepEqual((document as unknown as { security: unknown }).security, [{ accountSid_authToken: [] }]);
      assert.deepEqual((document.paths['/healthz']!.get as { security: unknown }).security, []);
      assert.equal((await server.request('GET', '/v2/RegulatoryCompliance/EndUsers', { auth: null })).status, 401);
    });
  });

  describe(`the API reference with METRICS=false and PUBLIC_BASE_URL (${backend.name})`, () => {
    const server: TestServer = serverFor(backend, { METRICS: 'false', PUBLIC_BASE_URL: 'https://regcomp.example.test' });

    test('/metrics is neither routed nor documented; servers[0] is the public origin', async () => {
      const document = await documentOf(server.origin);
      assert.ok(!('/metrics' in document.paths));
      assert.ok(!server.app.registeredRoutes().some((r) => r.url === '/metrics'));
      assert.ok('/healthz' in document.paths);
      assert.equal(document.servers[0]!.url, 'https://regcomp.example.test');
    });
  });

  describe(`the API reference through the proxy (${backend.name})`, () => {
    const server = proxiedServerFor(backend);

    test('servers[0] is the Twilio host the client asked for', async () => {
      for (const host of ['numbers.twilio.com', 'numbers-upload.twilio.com']) {
        const response = await viaTunnel(server, { host, path: '/openapi.json' });
        assert.equal(response.status, 200);
        assert.equal((JSON.parse(response.body) as Document).servers[0]!.url, `https://${host}`);
      }
    });
  });
}
