import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import Fastify from 'fastify';
import { CONSOLE_ASSETS, registerConsole } from '../src/console/static.js';
import { backends } from './support/backends.js';
import { serverFor } from './support/server.js';

/** The built page's hashed script, as `npm run build` left it in dist/console/. */
function builtScript(): string {
  const name = fs.readdirSync(path.join(CONSOLE_ASSETS, 'assets')).find((f) => f.endsWith('.js'));
  assert.ok(name, `npm run build puts the console's script in ${CONSOLE_ASSETS}assets/`);
  return `/console/assets/${name}`;
}

for (const backend of backends) {
  describe(`the console's files (${backend.name})`, () => {
    const server = serverFor(backend);

    test('the page needs no credentials, is revalidated, and confines what it loads', async () => {
      for (const url of ['/console', '/console/', '/console/bundles/BU0123', '/console/end-users']) {
        const response = await fetch(server.origin + url);
        assert.equal(response.status, 200, url);
        assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
        assert.equal(response.headers.get('cache-control'), 'no-cache');
        assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'self'/);
        assert.match(await response.text(), /<div id="app"><\/div>/);
      }
    });

    test('hashed files are cached for good; a missing one is a Twilio 404, not the page', async () => {
      const script = await fetch(server.origin + builtScript());
      assert.equal(script.status, 200);
      assert.match(script.headers.get('content-type') ?? '', /javascript/);
      assert.equal(script.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      const missing = await fetch(`${server.origin}/console/assets/index-gone.js`);
      assert.equal(missing.status, 404);
      assert.equal(((await missing.json()) as { code: number }).code, 20404);
    });

    test('the API beside it still asks for credentials', async () => {
      assert.equal((await fetch(`${server.origin}/regcomp/ApiKeys`)).status, 401);
    });
  });
}

describe('a console that was not built', () => {
  test('says how to build it, with a 503', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'regcomp-console-'));
    const app = Fastify();
    try {
      await registerConsole(app, `${empty}/`);
      const response = await app.inject({ url: '/console/bundles' });
      assert.equal(response.statusCode, 503);
      assert.match(response.body, /not built: run `npm run build`/);
    } finally {
      await app.close();
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
