import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openAndMigrate } from '../src/store/open.js';
import { backends } from './support/backends.js';
import type { TestServer } from './support/server.js';
import { startServer } from './support/server.js';

const END_USERS = '/v2/RegulatoryCompliance/EndUsers';
const BUNDLES = '/v2/RegulatoryCompliance/Bundles';

interface Page {
  results: { sid: string; friendly_name: string; status?: string }[];
  meta: { next_page_url: string | null };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function text(server: TestServer, path: string, account = server.account): Promise<string> {
  const response = await server.request('GET', path, { auth: account });
  assert.equal(response.status, 200);
  return response.text();
}

const names = async (server: TestServer, path = `${END_USERS}?PageSize=50`) => (JSON.parse(await text(server, path)) as Page).results.map((u) => u.friendly_name);

async function create(server: TestServer, name: string, attributes = '{}'): Promise<string> {
  const response = await server.request('POST', END_USERS, { auth: server.account, body: form({ FriendlyName: name, Type: 'individual', Attributes: attributes }) });
  assert.equal(response.status, 201, await response.clone().text());
  return ((await response.json()) as { sid: string }).sid;
}

for (const backend of backends) {
  describe(`list pages sent again (${backend.name})`, () => {
    // Two instances over one store, in this process, each with its own cache.
    let a: TestServer;
    let b: TestServer;
    let url: string;
    before(async () => {
      url = await backend.fresh();
      a = await startServer(url);
      b = await startServer(url);
      // B answers for A's account (each instance made one of its own).
      b.account = a.account;
    });
    after(async () => {
      await Promise.all([a?.close(), b?.close()]);
      await backend.cleanup();
    });

    test('a page asked for again is kept, then sent again byte for byte from the cache', async () => {
      await create(a, 'one');
      await create(a, 'two');
      const before = b.app.listCache!.hits;
      const first = await text(b, `${END_USERS}?PageSize=50`);
      // Asked for once, a page is not kept (a client walking a whole list would churn the cache).
      assert.equal(b.app.listCache!.size, 0);
      const second = await text(b, `${END_USERS}?PageSize=50`);
      assert.equal(b.app.listCache!.size, 1);
      const third = await text(b, `${END_USERS}?PageSize=50`);
      assert.equal(b.app.listCache!.hits, before + 1);
      assert.equal(second, first);
      assert.equal(third, first);
      assert.deepEqual(JSON.parse(third), JSON.parse(first));
    });

    test('a walk through every page once keeps none of them', async () => {
      const walker = await b.newAccount();
      for (let i = 0; i < 6; i++) {
        const made = await b.request('POST', END_USERS, { auth: walker, body: form({ FriendlyName: `walked ${i}`, Type: 'individual', Attributes: '{}' }) });
        assert.equal(made.status, 201);
      }
      const held = b.app.listCache!.size;
      let next: string | null = `${END_USERS}?PageSize=2`;
      let pages = 0;
      while (next) {
        const page = JSON.parse(await text(b, next.replace(/^https?:\/\/[^/]+/, ''), walker)) as Page;
        next = page.meta.next_page_url;
        pages++;
      }
      assert.equal(pages, 3);
      assert.equal(b.app.listCache!.size, held);
    });

    test("another instance's create, update and delete show at once", async () => {
      const listed = async () => names(b);
      const start = await listed();
      const sid = await create(a, 'made on A');
      assert.deepEqual(await listed(), [...start, 'made on A']);
      const updated = await a.request('POST', `${END_USERS}/${sid}`, { body: form({ FriendlyName: 'renamed on A' }) });
      assert.equal(updated.status, 200);
      assert.deepEqual(await listed(), [...start, 'renamed on A']);
      assert.equal((await a.request('DELETE', `${END_USERS}/${sid}`)).status, 204);
      assert.deepEqual(await listed(), start);
    });

    test('a change made in the database by hand shows at once (the triggers, not the app, keep the version)', async () => {
      const sid = await create(a, 'by API');
      assert.ok((await names(b)).includes('by API'));
      await a.db.run('UPDATE end_users SET friendly_name = ? WHERE sid = ?', ['by hand', sid]);
      assert.ok((await names(b)).includes('by hand'));
      await a.db.run('DELETE FROM end_users WHERE sid = ?', [sid]);
      assert.ok(!(await names(b)).includes('by hand'));
    });

    test('every paged list follows its rows: a bundle list shows a status changed on the other instance', async () => {
      const made = await a.request('POST', BUNDLES, {
        body: form({ FriendlyName: 'cached bundle', Email: 'a@example.com', RegulationSid: 'RNfd11dde5d4b7252abf96139766f68034' }),
      });
      assert.equal(made.status, 201);
      const sid = ((await made.json()) as { sid: string }).sid;
      const status = async () => (JSON.parse(await text(b, BUNDLES)) as Page).results.find((r) => r.sid === sid)?.status;
      assert.equal(await status(), 'draft');
      assert.equal(await status(), 'draft');
      await a.db.run("UPDATE bundles SET status = 'twilio-approved' WHERE sid = ?", [sid]);
      assert.equal(await status(), 'twilio-approved');
    });

    test("one account's writes leave another account's pages cached", async () => {
      const other = await b.newAccount();
      await text(b, END_USERS, other);
      await text(b, END_USERS, other);
      const hits = b.app.listCache!.hits;
      await create(a, 'elsewhere');
      await text(b, END_USERS, other);
      assert.equal(b.app.listCache!.hits, hits + 1);
    });

    test("a write drops the account's pages on that instance: a deleted end user's attributes leave its memory", async () => {
      const marker = `secret-${Math.random().toString(36).slice(2)}`;
      const sid = await create(b, 'private', JSON.stringify({ email: `${marker}@example.com` }));
      await text(b, `${END_USERS}?PageSize=50`);
      await text(b, `${END_USERS}?PageSize=50`);
      assert.ok(b.app.listCache!.holds(marker));
      assert.equal((await b.request('DELETE', `${END_USERS}/${sid}`, { auth: b.account })).status, 204);
      assert.ok(!b.app.listCache!.holds(marker));
      assert.ok(!(await text(b, `${END_USERS}?PageSize=50`)).includes(marker));
    });

    test('pages are kept per origin: a page asked for under another host names that host', async () => {
      const authorization = `Basic ${Buffer.from(`${b.account.sid}:${b.account.token}`).toString('base64')}`;
      const on = async (host: string) => (await b.app.inject({ method: 'GET', url: `${END_USERS}?PageSize=1`, headers: { host, authorization } })).body;
      const x = await on('x.example.com');
      const y = await on('y.example.com');
      assert.match(x, /http:\/\/x\.example\.com\//);
      assert.match(y, /http:\/\/y\.example\.com\//);
      assert.doesNotMatch(y, /x\.example\.com/);
    });
  });
}

describe('list cache settings', () => {
  const sqlite = backends.find((b) => b.name === 'sqlite')!;
  after(() => sqlite.cleanup());

  test('LIST_CACHE_BYTES=0 keeps no page, and the metrics say nothing of one', async () => {
    const server = await startServer(await sqlite.fresh(), { LIST_CACHE_BYTES: '0' });
    try {
      assert.equal(server.app.listCache, undefined);
      await create(server, 'uncached');
      assert.deepEqual(await names(server), ['uncached']);
      const metrics = await (await fetch(`${server.origin}/metrics`)).text();
      assert.doesNotMatch(metrics, /regcomp_list_pages_total|regcomp_list_cache_bytes/);
    } finally {
      await server.close();
    }
  });

  test('the metrics count pages sent again and pages rendered, and the bytes held', async () => {
    const server = await startServer(await sqlite.fresh());
    try {
      const metricsText = async () => (await fetch(`${server.origin}/metrics`)).text();
      assert.match(await metricsText(), /regcomp_list_cache_bytes 0\n/);
      await text(server, END_USERS);
      await text(server, END_USERS);
      const page = await text(server, END_USERS);
      const metrics = await metricsText();
      // Rendered twice (the second time kept), then sent again.
      assert.match(metrics, /regcomp_list_pages_total\{outcome="hit"\} 1\n/);
      assert.match(metrics, /regcomp_list_pages_total\{outcome="miss"\} 2\n/);
      // The page's bytes and its key: more than the body, far less than two of it.
      const held = Number(/regcomp_list_cache_bytes (\d+)\n/.exec(metrics)?.[1]);
      assert.ok(held > Buffer.byteLength(page) && held < 2 * Buffer.byteLength(page), `${held} bytes held for a ${Buffer.byteLength(page)}-byte page`);
    } finally {
      await server.close();
    }
  });

  test('a page unused for LIST_CACHE_TTL_MS is dropped', async () => {
    const server = await startServer(await sqlite.fresh(), { LIST_CACHE_TTL_MS: '1000' });
    try {
      await text(server, END_USERS);
      await text(server, END_USERS);
      assert.equal(server.app.listCache!.size, 1);
      const deadline = Date.now() + 5000;
      while (server.app.listCache!.size > 0 && Date.now() < deadline) await sleep(100);
      assert.equal(server.app.listCache!.size, 0);
    } finally {
      await server.close();
    }
  });

  for (const backend of backends) {
    test(`a listed table without its version triggers stops start-up (${backend.name})`, async () => {
      const url = await backend.fresh();
      const db = await openAndMigrate(url);
      try {
        const trigger = backend.name === 'sqlite' ? 'DROP TRIGGER bundles_version_update' : 'DROP TRIGGER bundles_version_insert ON bundles';
        await db.run(trigger);
        await assert.rejects(buildApp({ config: loadConfig({ DATABASE_URL: url }), db }), /account-version triggers on bundles/);
        // Without the cache, the same store serves.
        const app = await buildApp({ config: loadConfig({ DATABASE_URL: url, LIST_CACHE_BYTES: '0' }), db });
        await app.close();
      } finally {
        await db.close();
        await backend.cleanup();
      }
    });
  }
});
