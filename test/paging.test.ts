import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from './support/backends.js';
import type { Credentials, TestServer } from './support/server.js';
import { startServer } from './support/server.js';

const LIST = '/v2/RegulatoryCompliance/EndUsers';

interface ListBody {
  results: { sid: string }[];
  meta: { page: number; page_size: number; url: string; first_page_url: string; next_page_url: string | null; previous_page_url: string | null; key: string };
}

for (const backend of backends) {
  describe(`list paging (${backend.name})`, () => {
    let server: TestServer;
    let account: Credentials;
    let sids: string[];
    before(async () => {
      server = await startServer(await backend.fresh());
      account = await server.newAccount();
      sids = [];
      for (let i = 0; i < 12; i++) sids.push(await create(`u${i}`));
    });
    after(async () => {
      await server?.close();
      await backend.cleanup();
    });
    async function create(name: string): Promise<string> {
      const response = await server.request('POST', LIST, { body: `FriendlyName=${name}&Type=individual`, auth: account });
      return ((await response.json()) as { sid: string }).sid;
    }
    async function get(url: string, auth: Credentials = account): Promise<ListBody> {
      const response = await server.request('GET', url.replace(server.origin, ''), { auth });
      assert.equal(response.status, 200, await response.clone().text());
      return (await response.json()) as ListBody;
    }

    test('meta links are absolute and carry PageSize, Page and PageToken', async () => {
      const first = await get(`${LIST}?PageSize=5`);
      assert.deepEqual(first.results.map((r) => r.sid), sids.slice(0, 5));
      assert.equal(first.meta.page, 0);
      assert.equal(first.meta.page_size, 5);
      assert.equal(first.meta.key, 'results');
      assert.equal(first.meta.url, `${server.origin}${LIST}?PageSize=5&Page=0`);
      assert.equal(first.meta.first_page_url, `${server.origin}${LIST}?PageSize=5&Page=0`);
      assert.equal(first.meta.previous_page_url, null);
      assert.match(first.meta.next_page_url!, new RegExp(`^${server.origin}${LIST}\\?PageSize=5&Page=1&PageToken=PA[A-Za-z0-9_-]+$`));

      const second = await get(first.meta.next_page_url!);
      assert.equal(second.meta.page, 1);
      assert.equal(second.meta.url, first.meta.next_page_url);
      assert.deepEqual(second.results.map((r) => r.sid), sids.slice(5, 10));
      const third = await get(second.meta.next_page_url!);
      assert.deepEqual(third.results.map((r) => r.sid), sids.slice(10));
      assert.equal(third.meta.next_page_url, null);
      const back = await get(third.meta.previous_page_url!);
      assert.equal(back.meta.page, 1);
      assert.deepEqual(back.results.map((r) => r.sid), sids.slice(5, 10));
      const backAgain = await get(back.meta.previous_page_url!);
      assert.deepEqual(backAgain.results.map((r) => r.sid), sids.slice(0, 5));
      assert.equal(backAgain.meta.previous_page_url, null);
      assert.equal((await get(backAgain.meta.next_page_url!)).results[0]!.sid, sids[5]);
    });

    test('Page is echoed for client state only', async () => {
      const page = await get(`${LIST}?PageSize=3&Page=7`);
      assert.equal(page.meta.page, 7);
      assert.deepEqual(page.results.map((r) => r.sid), sids.slice(0, 3));
    });

    test('rows created or deleted between requests never repeat or drop a surviving row', async () => {
      const first = await get(`${LIST}?PageSize=4`);
      // Delete a row already seen, the first row of the next page, and add new rows.
      await server.request('DELETE', `${LIST}/${sids[1]}`, { auth: account });
      await server.request('DELETE', `${LIST}/${sids[4]}`, { auth: account });
      const added = [await create('late1'), await create('late2')];
      const seen = first.results.map((r) => r.sid);
      let next = first.meta.next_page_url;
      while (next) {
        const page = await get(next);
        seen.push(...page.results.map((r) => r.sid));
        next = page.meta.next_page_url;
      }
      const expected = [...sids.slice(0, 4), ...sids.slice(5), ...added];
      assert.deepEqual(seen, expected);
      sids = [sids[0]!, ...sids.slice(2, 4), ...sids.slice(5), ...added];
    });

    test('a token works only for the account and list it was minted for, and cannot be altered', async () => {
      const first = await get(`${LIST}?PageSize=2`);
      const token = new URL(first.meta.next_page_url!).searchParams.get('PageToken')!;
      const stranger = await server.newAccount();
      const foreign = await server.request('GET', `${LIST}?PageToken=${token}`, { auth: stranger });
      assert.equal(foreign.status, 400);
      assert.equal(((await foreign.json()) as { code: number }).code, 21481);

      const decoded = Buffer.from(token.slice(2), 'base64url').toString();
      const [key, mac] = decoded.split('.');
      const forged = 'PA' + Buffer.from(`${Number(key) - 1}.${mac}`).toString('base64url');
      const response = await server.request('GET', `${LIST}?PageToken=${forged}`, { auth: account });
      assert.equal(response.status, 400);
      assert.equal(((await response.json()) as { code: number }).code, 21481);
      const flipped = 'PB' + token.slice(2);
      assert.equal((await server.request('GET', `${LIST}?PageToken=${flipped}`, { auth: account })).status, 400);
    });

    test('PageSize up to 1000 returns everything in one page', async () => {
      const all = await get(`${LIST}?PageSize=1000`);
      assert.deepEqual(all.results.map((r) => r.sid), sids);
      assert.equal(all.meta.next_page_url, null);
    });
  });
}
