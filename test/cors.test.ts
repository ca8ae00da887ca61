import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from './support/backends.js';
import { startServer } from './support/server.js';
import type { TestServer } from './support/server.js';
import { expectTwilioError } from './support/twilio.js';

const END_USERS = '/v2/RegulatoryCompliance/EndUsers';
const APP = 'https://app.example.com';

function preflight(server: TestServer, path: string, origin: string, method = 'POST'): Promise<Response> {
  return server.request('OPTIONS', path, {
    auth: null,
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization, content-type, x-twilio-client' },
  });
}

/** Starts a server with `env` for the enclosing suite. */
function serverWith(backend: (typeof backends)[number], env: Record<string, string>): () => TestServer {
  let server: TestServer;
  before(async () => {
    server = await startServer(await backend.fresh(), env);
  });
  after(() => server.close());
  return () => server;
}

for (const backend of backends) {
  describe(`CORS (${backend.name})`, () => {
    after(() => backend.cleanup());

    describe('by default, any origin', () => {
      const server = serverWith(backend, {});

      test('a preflight on a known path is answered 204 without credentials, with the path own methods and the headers asked for', async () => {
        const list = await preflight(server(), END_USERS, APP);
        assert.equal(list.status, 204);
        assert.equal(list.headers.get('access-control-allow-origin'), '*');
        assert.equal(list.headers.get('access-control-allow-methods'), 'GET, POST, HEAD, OPTIONS');
        assert.equal(list.headers.get('access-control-allow-headers'), 'authorization, content-type, x-twilio-client');
        assert.equal(list.headers.get('access-control-allow-credentials'), null, 'never with *');
        const created = await server().request('POST', END_USERS, { body: new URLSearchParams({ FriendlyName: 'cors', Type: 'individual' }) });
        const { sid } = (await created.json()) as { sid: string };
        const one = await preflight(server(), `${END_USERS}/${sid}`, APP, 'DELETE');
        assert.equal(one.status, 204);
        assert.equal(one.headers.get('access-control-allow-methods'), 'GET, POST, DELETE, HEAD, OPTIONS');
      });

      test('answers, errors included, carry Access-Control-Allow-Origin and expose Retry-After', async () => {
        const listed = await server().request('GET', END_USERS, { headers: { origin: APP } });
        assert.equal(listed.status, 200);
        assert.equal(listed.headers.get('access-control-allow-origin'), '*');
        assert.match(listed.headers.get('access-control-expose-headers') ?? '', /Retry-After/);
        const refused = await server().request('GET', END_USERS, { auth: null, headers: { origin: APP } });
        assert.equal(refused.headers.get('access-control-allow-origin'), '*');
        await expectTwilioError(refused, 401, 20003);
        const unknown = await server().request('GET', '/v2/Nowhere', { headers: { origin: APP } });
        assert.equal(unknown.headers.get('access-control-allow-origin'), '*');
        await expectTwilioError(unknown, 404, 20404);
      });

      test('an OPTIONS that is not a preflight is still 405 20004 with Allow (given credentials); a preflight on an unknown path is 404', async () => {
        const plain = await server().request('OPTIONS', END_USERS);
        assert.equal(plain.headers.get('allow'), 'GET, POST, HEAD');
        await expectTwilioError(plain, 405, 20004);
        await expectTwilioError(await preflight(server(), '/v2/Nowhere', APP), 404, 20404);
      });
    });

    describe('CORS_ORIGINS=a list', () => {
      const server = serverWith(backend, { CORS_ORIGINS: `${APP}, http://localhost:5173` });

      test('a listed origin is echoed, with credentials; another gets no CORS headers', async () => {
        const allowed = await preflight(server(), END_USERS, 'http://localhost:5173');
        assert.equal(allowed.status, 204);
        assert.equal(allowed.headers.get('access-control-allow-origin'), 'http://localhost:5173');
        assert.equal(allowed.headers.get('access-control-allow-credentials'), 'true');
        const listed = await server().request('GET', END_USERS, { headers: { origin: APP } });
        assert.equal(listed.headers.get('access-control-allow-origin'), APP);
        assert.match(listed.headers.get('vary') ?? '', /Origin/);
        const other = await server().request('GET', END_USERS, { headers: { origin: 'https://evil.example' } });
        assert.equal(other.status, 200);
        assert.equal(other.headers.get('access-control-allow-origin'), null);
        const otherPreflight = await preflight(server(), END_USERS, 'https://evil.example');
        assert.equal(otherPreflight.headers.get('access-control-allow-origin'), null);
        // An ordinary request, then: without credentials, 401.
        await expectTwilioError(otherPreflight, 401, 20003);
      });
    });

    describe('CORS_ORIGINS=none', () => {
      const server = serverWith(backend, { CORS_ORIGINS: 'none' });

      test('no CORS headers, and a preflight is an ordinary request (without credentials, 401)', async () => {
        const listed = await server().request('GET', END_USERS, { headers: { origin: APP } });
        assert.equal(listed.headers.get('access-control-allow-origin'), null);
        await expectTwilioError(await preflight(server(), END_USERS, APP), 401, 20003);
      });
    });
  });
}
