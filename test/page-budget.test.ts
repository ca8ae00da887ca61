import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backends } from './support/backends.js';
import { serverFor } from './support/server.js';

const LIST = '/v2/RegulatoryCompliance/EndUsers';

interface Page {
  results: { sid: string }[];
  meta: { page_size: number; next_page_url: string | null; previous_page_url: string | null };
}

for (const backend of backends) {
  describe(`a list page's bytes are bounded (${backend.name})`, () => {
    const server = serverFor(backend, { LIST_PAGE_MAX_BYTES: '65536' });

    test('big rows come in short pages that still link every row once, forward and back', async () => {
      const sids: string[] = [];
      for (let i = 0; i < 12; i++) {
        const attributes = JSON.stringify({ a: 'x'.repeat(8000), b: 'y'.repeat(8000), c: 'z'.repeat(4000), i });
        const response = await server.request('POST', LIST, { body: new URLSearchParams({ FriendlyName: `big ${i}`, Type: 'individual', Attributes: attributes }).toString() });
        assert.equal(response.status, 201);
        sids.push(((await response.json()) as { sid: string }).sid);
      }
      const get = async (url: string) => (await (await server.request('GET', url.replace(server.origin, ''))).json()) as Page;
      const pages: Page[] = [];
      for (let url: string | null = `${LIST}?PageSize=50`; url; url = pages.at(-1)!.meta.next_page_url) pages.push(await get(url));
      assert.ok(pages.length >= 4, `${pages.length} pages`);
      for (const page of pages) {
        assert.ok(page.results.length <= 3, `at most 64 KiB of ~20 KB rows: ${page.results.length}`);
        assert.equal(page.meta.page_size, 50, 'page_size is what was asked');
      }
      assert.deepEqual(pages.flatMap((p) => p.results.map((r) => r.sid)), sids);
      const back: string[] = [];
      for (let url = pages.at(-1)!.meta.previous_page_url; url; ) {
        const page = await get(url);
        back.unshift(...page.results.map((r) => r.sid));
        url = page.meta.previous_page_url;
      }
      assert.deepEqual([...back, ...pages.at(-1)!.results.map((r) => r.sid)], sids);
      // The SDK follows the short pages like any others.
      assert.deepEqual((await server.sdk().numbers.v2.regulatoryCompliance.endUsers.list()).map((u) => u.sid), sids);
    });
  });
}
