import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { loggerOptions } from '../src/logger.js';
import type { Db } from '../src/store/db.js';
import { openAndMigrate } from '../src/store/open.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { backends } from './support/backends.js';
import type { RawAnswer } from './support/raw-http.js';
import { rawExchange } from './support/raw-http.js';
import { basic, serverFor } from './support/server.js';

/**
 * Hostile input at the HTTP level: stalled and oversized requests, malformed HTTP and URLs,
 * odd methods, encodings and headers. Every exchange is bounded (a few seconds at most), on
 * loopback; assertions are "answered Twilio's way" or "closed within a generous bound", never
 * speed.
 */
const LIST = '/v2/RegulatoryCompliance/EndUsers';
/** Far above the server's 1 s request timeout (checked every 250 ms): a shared, slow machine still makes it. */
const BOUND_MS = 8000;

interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

function assertTwilio(answer: RawAnswer, status: number, code: number): TwilioErrorBody {
  assert.equal(answer.status, status, answer.text);
  assert.match(answer.headers['content-type'] ?? '', /^application\/json/, answer.text);
  const body = JSON.parse(answer.body) as TwilioErrorBody;
  const keys = status === 401 ? ['code', 'detail', 'message', 'more_info', 'status'] : ['code', 'message', 'more_info', 'status'];
  assert.deepEqual(Object.keys(body).sort(), keys, answer.body);
  assert.equal(body.code, code, answer.body);
  assert.equal(body.status, status);
  assert.equal(body.more_info, `https://www.twilio.com/docs/errors/${code}`);
  assert.equal(answer.headers['cache-control'], 'no-store', answer.text);
  assert.equal(answer.headers['x-content-type-options'], 'nosniff', answer.text);
  return body;
}

async function assertTwilioResponse(response: Response, status: number, code: number): Promise<TwilioErrorBody> {
  const text = await response.text();
  assert.equal(response.status, status, text);
  const body = JSON.parse(text) as TwilioErrorBody;
  assert.deepEqual(Object.keys(body).sort(), ['code', 'message', 'more_info', 'status'], text);
  assert.equal(body.code, code, text);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
  return body;
}

for (const backend of backends) {
  describe(`connection limit (${backend.name})`, () => {
    let app: FastifyInstance;
    let db: Db;
    let origin: string;
    const lines: string[] = [];
    before(async () => {
      const url = await backend.fresh();
      db = await openAndMigrate(url);
      const stream = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString());
          done();
        },
      });
      const config = loadConfig({ DATABASE_URL: url, MAX_CONNECTIONS: '20', REQUEST_TIMEOUT_MS: '1000', HEADERS_TIMEOUT_MS: '1000' });
      app = await buildApp({ config, db, logger: { ...(loggerOptions('warn') as object), stream } });
      await app.listen({ host: '127.0.0.1', port: 0 });
      origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    });
    after(async () => {
      await app?.close();
      await db?.close();
      await backend.cleanup();
    });

    test('connections beyond MAX_CONNECTIONS are dropped and logged; stalled ones are cut; then the server serves', async () => {
      const stalled = Array.from({ length: 30 }, () =>
        rawExchange(origin, 'POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10', { boundMs: BOUND_MS, untilClose: true }),
      );
      const answers = await Promise.all(stalled);
      assert.ok(answers.every((a) => a.closed), 'every connection is closed within the bound');
      assert.ok(answers.some((a) => a.status === undefined && a.text === ''), 'some were dropped unanswered');
      assert.ok(lines.some((l) => l.includes('connection limit reached')), lines.join(''));
      assert.equal((await fetch(`${origin}/healthz`)).status, 200);
    });
  });

  describe(`hostile HTTP (${backend.name})`, () => {
    const server = serverFor(backend, { REQUEST_TIMEOUT_MS: '1000', HEADERS_TIMEOUT_MS: '1000' });
    const auth = () => basic(server.account.sid, server.account.token);
    const head = (method: string, path: string, extra: string[] = []) =>
      [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...extra].join('\r\n') + '\r\n\r\n';

    test('a stalled body is never held: unknown routes and /healthz answer at once and close; known routes answer or cut within the timeout', async () => {
      const stalled = ['Content-Length: 1000', 'Content-Type: application/x-www-form-urlencoded'];
      const unknown = await rawExchange(server.origin, head('POST', '/nothing', stalled) + 'ab', { boundMs: BOUND_MS, untilClose: true });
      assert.ok(unknown.closed, 'the connection is closed');
      assertTwilio(unknown, 404, 20404);
      const health = await rawExchange(server.origin, head('GET', '/healthz', stalled) + 'ab', { boundMs: BOUND_MS, untilClose: true });
      assert.ok(health.closed, 'the connection is closed');
      assert.equal(health.status, 200);
      const anonymous = await rawExchange(server.origin, head('POST', LIST, stalled) + 'ab', { boundMs: BOUND_MS, untilClose: true });
      assert.ok(anonymous.closed);
      assertTwilio(anonymous, 401, 20003);
      const authed = await rawExchange(server.origin, head('POST', LIST, [...stalled, `Authorization: ${auth()}`]) + 'ab', { boundMs: BOUND_MS, untilClose: true });
      assert.ok(authed.closed, 'cut by the request timeout');
      assertTwilio(authed, 408, 20408);
    });

    test('stalled headers are cut with a Twilio 408', async () => {
      const answer = await rawExchange(server.origin, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1', { boundMs: BOUND_MS, untilClose: true });
      assert.ok(answer.closed);
      assertTwilio(answer, 408, 20408);
    });

    test('many stalled sockets at once are all cut; the server serves others meanwhile and afterwards', async () => {
      const stalled = Array.from({ length: 50 }, () =>
        rawExchange(server.origin, head('POST', LIST, ['Content-Length: 1000', `Authorization: ${auth()}`]) + 'ab', { boundMs: BOUND_MS, untilClose: true }),
      );
      assert.equal((await fetch(`${server.origin}/healthz`)).status, 200);
      for (const answer of await Promise.all(stalled)) assert.ok(answer.closed, 'closed within the bound');
      assert.equal((await server.request('GET', LIST)).status, 200);
    });

    test('protocol errors are Twilio-shaped: malformed HTTP 400, oversized headers 431', async () => {
      assertTwilio(await rawExchange(server.origin, 'NONSENSE\r\n\r\n', { boundMs: BOUND_MS, untilClose: true }), 400, 20400);
      assertTwilio(await rawExchange(server.origin, head('GET', '/healthz', [`X-Big: ${'x'.repeat(20_000)}`]), { boundMs: BOUND_MS, untilClose: true }), 431, 20431);
      assertTwilio(await rawExchange(server.origin, head('GET', `/${'a'.repeat(20_000)}`), { boundMs: BOUND_MS, untilClose: true }), 431, 20431);
      // Headers then a broken chunked body.
      assertTwilio(
        await rawExchange(server.origin, head('POST', LIST, ['Transfer-Encoding: chunked', `Authorization: ${auth()}`]) + 'zz\r\n', { boundMs: BOUND_MS, untilClose: true }),
        400,
        20400,
      );
    });

    test('bad paths: an over-long SID is 404, malformed percent-encoding 400, both Twilio-shaped', async () => {
      const long = `${LIST}/IT${'a'.repeat(500)}`;
      assertTwilio(await rawExchange(server.origin, head('GET', long, [`Authorization: ${auth()}`]), { boundMs: BOUND_MS }), 404, 20404);
      assertTwilio(await rawExchange(server.origin, head('GET', `${LIST}/%E0%A4%A`, [`Authorization: ${auth()}`]), { boundMs: BOUND_MS }), 400, 20400);
      assertTwilio(await rawExchange(server.origin, head('GET', `${LIST}/%zz`), { boundMs: BOUND_MS }), 400, 20400);
    });

    test('two Host headers, or none on HTTP/1.1, are 400', async () => {
      const two = 'GET /healthz HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n';
      assertTwilio(await rawExchange(server.origin, two, { boundMs: BOUND_MS }), 400, 20400);
      assertTwilio(await rawExchange(server.origin, 'GET /healthz HTTP/1.1\r\n\r\n', { boundMs: BOUND_MS }), 400, 20400);
      assert.equal((await rawExchange(server.origin, 'GET /healthz HTTP/1.0\r\n\r\n', { boundMs: BOUND_MS })).status, 200);
    });

    test('every method on a known path that does not serve it is 405 20004 with Allow', async () => {
      for (const method of ['PUT', 'PATCH', 'TRACE', 'PROPFIND', 'SEARCH', 'QUERY', 'MKCOL', 'LOCK', 'PURGE', 'REPORT']) {
        for (const [path, allow] of [
          [LIST, 'GET, POST, HEAD'],
          [`${LIST}/IT${'0'.repeat(32)}`, 'GET, POST, DELETE, HEAD'],
          ['/v2/RegulatoryCompliance/EndUserTypes', 'GET, HEAD'],
        ] as const) {
          const answer = await rawExchange(server.origin, head(method, path, [`Authorization: ${auth()}`, 'Content-Length: 0']), { boundMs: BOUND_MS });
          assertTwilio(answer, 405, 20004);
          assert.equal(answer.headers.allow, allow, `${method} ${path}`);
        }
      }
      // CONNECT is handed over by Node before routing: still Twilio's 405.
      assertTwilio(await rawExchange(server.origin, 'CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n', { boundMs: BOUND_MS, untilClose: true }), 405, 20004);
      // Unknown paths stay 404 for any method.
      assertTwilio(await rawExchange(server.origin, head('QUERY', '/v2/RegulatoryCompliance/Nothing'), { boundMs: BOUND_MS }), 404, 20404);
    });

    test('a 405 does not wait for its body', async () => {
      const answer = await rawExchange(server.origin, head('PUT', LIST, [`Authorization: ${auth()}`, 'Content-Length: 1000']) + 'ab', { boundMs: BOUND_MS, untilClose: true });
      assert.ok(answer.closed);
      assertTwilio(answer, 405, 20004);
    });

    test('bodies the server cannot read are refused: gzip 415, other charsets 415, bad UTF-8 400, bad percent-encoding 400', async () => {
      const form = 'FriendlyName=Readable&Type=individual';
      await assertTwilioResponse(await server.request('POST', LIST, { body: form, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' } }), 415, 20415);
      await assertTwilioResponse(
        await server.request('POST', LIST, { body: form, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=iso-8859-1' } }),
        415,
        20415,
      );
      const ok = await server.request('POST', LIST, { body: form, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' } });
      assert.equal(ok.status, 201);
      const latin1 = Buffer.concat([Buffer.from('FriendlyName=Caf'), Buffer.from([0xe9]), Buffer.from('&Type=individual')]);
      const raw = await rawExchange(
        server.origin,
        Buffer.concat([
          Buffer.from(head('POST', LIST, [`Authorization: ${auth()}`, 'Content-Type: application/x-www-form-urlencoded', `Content-Length: ${latin1.length}`])),
          latin1,
        ]),
        { boundMs: BOUND_MS },
      );
      assertTwilio(raw, 400, 20400);
      for (const bad of ['FriendlyName=%E0%A4%A&Type=individual', 'FriendlyName=%ED%A0%80&Type=individual', 'FriendlyName=100%&Type=individual', 'FriendlyName=%C0%AF&Type=individual']) {
        const body = await assertTwilioResponse(await server.request('POST', LIST, { body: bad }), 400, 20001);
        assert.match(body.message, /FriendlyName/);
      }
      const list = (await (await server.request('GET', `${LIST}?PageSize=1000`)).json()) as { results: { friendly_name: string }[] };
      assert.ok(list.results.every((r) => !r.friendly_name.includes('\ufffd')), 'nothing replaced was stored');
    });

    test('odd Content-Type and Content-Length headers get Twilio-shaped answers', async () => {
      for (const contentType of [';;;', 'application/x-www-form-urlencoded; charset', '/', 'a'.repeat(2000)]) {
        const response = await server.request('POST', LIST, { body: 'FriendlyName=A&Type=individual', headers: { 'content-type': contentType } });
        const text = await response.text();
        assert.ok([201, 400, 415].includes(response.status), `${contentType}: ${response.status} ${text}`);
        if (response.status !== 201) {
          const body = JSON.parse(text) as TwilioErrorBody;
          assert.deepEqual(Object.keys(body).sort(), ['code', 'message', 'more_info', 'status'], text);
          assert.equal(body.code, body.status === 400 ? (body.code === 20400 ? 20400 : 20001) : 20000 + body.status, text);
        }
      }
      for (const length of ['abc', '-1', '1, 2']) {
        const answer = await rawExchange(server.origin, head('POST', LIST, [`Authorization: ${auth()}`, `Content-Length: ${length}`]) + 'a', { boundMs: BOUND_MS, untilClose: true });
        assertTwilio(answer, 400, 20400);
      }
    });

    test('a 1 MiB form is answered on unknown paths and known ones (linear decoding, no parse before routing)', async () => {
      const plus = '+'.repeat(1024 * 1024 - 100);
      const unknown = await fetch(`${server.origin}/nothing`, { method: 'POST', body: plus, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      await assertTwilioResponse(unknown, 404, 20404);
      const known = await server.request('POST', LIST, { body: `FriendlyName=${plus.slice(0, 1000)}&Type=individual&x=${plus.slice(2000)}` });
      await assertTwilioResponse(known, 400, 20001);
      const percent = await server.request('POST', LIST, { body: `FriendlyName=A&Type=individual&x=${'%41'.repeat(300_000)}` });
      assert.equal(percent.status, 201);
    });

    test('repeated query parameters: the first value counts, like forms', async () => {
      for (const query of ['PageSize=2&PageSize=abc', 'PageSize=2&PageSize=2', 'PageSize=2&Page=0&Page=x&PageToken=&PageToken=garbage']) {
        const response = await server.request('GET', `${LIST}?${query}`);
        const text = await response.text();
        assert.equal(response.status, 200, `${query}: ${text}`);
        assert.equal((JSON.parse(text) as { meta: { page_size: number } }).meta.page_size, 2);
      }
      await assertTwilioResponse(await server.request('GET', `${LIST}?PageSize=%E0%A4%A`), 400, 20001);
    });

    test('FriendlyName counts characters (code points), not UTF-16 units', async () => {
      const emoji = '😀'.repeat(256);
      const created = await server.request('POST', LIST, { body: new URLSearchParams({ FriendlyName: emoji, Type: 'individual' }).toString() });
      assert.equal(created.status, 201);
      assert.equal(((await created.json()) as { friendly_name: string }).friendly_name, emoji);
      const tooLong = await server.request('POST', LIST, { body: new URLSearchParams({ FriendlyName: emoji + '😀', Type: 'individual' }).toString() });
      await assertTwilioResponse(tooLong, 400, 20001);
    });

    test('Attributes: white space inside a token, and unpaired surrogates, are 22207; nothing is changed', async () => {
      for (const attributes of ['{"age": 4 2}', '{"ok": t r u e}', '{"n": nu ll}', '{"x": -  1}', '{"a":"\\ud800"}', '{"a":"\\udc00x"}', '{"\\ud800":1}', '{"a":1} x']) {
        const body = new URLSearchParams({ FriendlyName: 'A', Type: 'individual', Attributes: attributes }).toString();
        await assertTwilioResponse(await server.request('POST', LIST, { body }), 400, 22207);
      }
      const pair = await server.request('POST', LIST, { body: new URLSearchParams({ FriendlyName: 'A', Type: 'individual', Attributes: '{ "e" : "\\ud83d\\ude00" }' }).toString() });
      assert.equal(pair.status, 201);
      assert.deepEqual(((await pair.json()) as { attributes: unknown }).attributes, { e: '😀' });
    });

    test('security headers on every /v2 answer', async () => {
      for (const response of [
        await server.request('GET', LIST),
        await server.request('GET', LIST, { auth: null }),
        await server.request('GET', `${LIST}/IT${'0'.repeat(32)}`),
        await server.request('POST', LIST, { body: 'FriendlyName=H&Type=individual' }),
        await server.request('GET', '/v2/RegulatoryCompliance/EndUserTypes'),
      ]) {
        assert.equal(response.headers.get('cache-control'), 'no-store', response.url);
        assert.equal(response.headers.get('x-content-type-options'), 'nosniff', response.url);
      }
    });

    test('requests that arrive while the server shuts down get Twilio 503 with Retry-After', async () => {
      // Last in this suite: it closes the server (after() then finds it closed).
      const { hostname, port } = new URL(server.origin);
      const socket = net.connect({ host: hostname, port: Number(port) });
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
      socket.on('error', () => undefined);
      const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      const body = 'FriendlyName=Shut&Type=individual';
      socket.write(head('POST', LIST, [`Authorization: ${auth()}`, 'Content-Type: application/x-www-form-urlencoded', `Content-Length: ${body.length}`]) + body.slice(0, 5));
      await sleep(300);
      const closing = server.app.close();
      await sleep(200);
      // The first request completes; one pipelined behind it reaches the closing app.
      socket.write(body.slice(5) + head('GET', LIST, [`Authorization: ${auth()}`]));
      await Promise.race([closed, sleep(BOUND_MS)]);
      socket.destroy();
      await closing;
      assert.match(received, /^HTTP\/1\.1 201 /, received);
      const second = received.indexOf('HTTP/1.1 503');
      assert.ok(second > 0, received);
      const answer = received.slice(second);
      assert.match(answer, /\r\nretry-after: 1\r\n/i);
      assert.match(answer, /"code":20503/);
      assert.match(answer, /"more_info":"https:\/\/www.twilio.com\/docs\/errors\/20503"/);
    });
  });
}
