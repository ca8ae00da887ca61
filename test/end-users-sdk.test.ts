import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backends } from './support/backends.js';
import { assertMatchesSpec } from './support/openapi.js';
import { serverFor } from './support/server.js';

const FIELDS = ['sid', 'account_sid', 'friendly_name', 'type', 'attributes', 'date_created', 'date_updated', 'url'];
const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

for (const backend of backends) {
  describe(`End-Users through the twilio SDK (${backend.name})`, () => {
    const server = serverFor(backend);
    const endUsers = () => server.sdk().numbers.v2.regulatoryCompliance.endUsers;

    test('create, fetch, update and remove', async () => {
      const created = await endUsers().create({
        friendlyName: 'Ada Lovelace',
        type: 'individual',
        attributes: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' },
      });
      assert.match(created.sid, /^IT[0-9a-f]{32}$/);
      assert.equal(created.accountSid, server.account.sid);
      assert.equal(created.friendlyName, 'Ada Lovelace');
      assert.equal(created.type, 'individual');
      assert.deepEqual(created.attributes, { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' });
      assert.match(String(created.dateCreated.toISOString()), /Z$/);
      assert.equal(created.url, `${server.origin}/v2/RegulatoryCompliance/EndUsers/${created.sid}`);

      const fetched = await endUsers()(created.sid).fetch();
      assert.deepEqual(fetched.toJSON(), created.toJSON());

      const updated = await endUsers()(created.sid).update({ friendlyName: 'Countess', attributes: { email: 'c@example.com' } });
      assert.equal(updated.friendlyName, 'Countess');
      assert.deepEqual(updated.attributes, { email: 'c@example.com' }, 'Attributes on update replace the old ones');
      assert.equal(updated.type, 'individual');

      const renamedOnly = await endUsers()(created.sid).update({ friendlyName: 'Ada' });
      assert.deepEqual(renamedOnly.attributes, { email: 'c@example.com' }, 'absent Attributes are kept');

      assert.equal(await endUsers()(created.sid).remove(), true);
      await assert.rejects(endUsers()(created.sid).fetch(), (err: { status: number; code: number }) => {
        assert.equal(err.status, 404);
        assert.equal(err.code, 20404);
        return true;
      });
      await assert.rejects(endUsers()(created.sid).remove(), { status: 404, code: 20404 });
    });

    test('attributes default to {} and keep their key order', async () => {
      const plain = await endUsers().create({ friendlyName: 'No attributes', type: 'business' });
      assert.deepEqual(plain.attributes, {});
      const response = await server.request('POST', '/v2/RegulatoryCompliance/EndUsers', {
        body: new URLSearchParams({ FriendlyName: 'Order', Type: 'business', Attributes: '{"zeta": 1, "10": "ten", "alpha": {"b": 2, "a": 1}}' }).toString(),
      });
      assert.equal(response.status, 201);
      const text = await response.text();
      assert.ok(text.includes('"attributes":{"zeta":1,"10":"ten","alpha":{"b":2,"a":1}}'), text);
    });

    test('RestException carries status, code and message for bad input', async () => {
      await assert.rejects(
        endUsers().create({ friendlyName: 'x', type: 'robot' as 'individual' }),
        (err: { status: number; code: number; message: string; moreInfo: string }) => {
          assert.equal(err.status, 400);
          assert.equal(err.code, 20001);
          assert.match(err.message, /Type/);
          assert.equal(err.moreInfo, 'https://www.twilio.com/docs/errors/20001');
          return true;
        },
      );
    });

    test('list and each walk every page, in creation order', async () => {
      const account = await server.newAccount();
      const client = server.sdk(account).numbers.v2.regulatoryCompliance.endUsers;
      const sids: string[] = [];
      for (let i = 0; i < 23; i++) sids.push((await client.create({ friendlyName: `user ${i}`, type: 'individual' })).sid);

      const listed = await client.list({ pageSize: 5 });
      assert.deepEqual(listed.map((u) => u.sid), sids);

      const limited = await client.list({ pageSize: 4, limit: 10 });
      assert.deepEqual(limited.map((u) => u.sid), sids.slice(0, 10));

      const seen: string[] = [];
      await new Promise<void>((resolve, reject) => {
        client.each({
          pageSize: 7,
          callback: (u) => {
            seen.push(u.sid);
          },
          done: (err?: Error) => (err ? reject(err) : resolve()),
        });
      });
      assert.deepEqual(seen, sids);

      const first = await client.page({ pageSize: 10 });
      const second = (await first.nextPage())!;
      const third = (await second.nextPage())!;
      assert.deepEqual(
        [first, second, third].map((p) => p.instances.map((u) => u.sid)),
        [sids.slice(0, 10), sids.slice(10, 20), sids.slice(20)],
      );
      assert.ok(!third.nextPageUrl);
      assert.ok(!(await third.nextPage()));
      const back = (await third.previousPage())!;
      assert.deepEqual(back.instances.map((u) => u.sid), sids.slice(10, 20));
    });

    test('every response matches Twilio\'s OpenAPI document and carries exactly its fields', async () => {
      const create = await server.request('POST', '/v2/RegulatoryCompliance/EndUsers', {
        body: 'FriendlyName=Spec+check&Type=individual&Attributes=%7B%22email%22%3A%22a%40b.c%22%7D',
      });
      const created = (await create.json()) as Record<string, unknown>;
      assert.equal(create.status, 201);
      assertMatchesSpec('/v2/RegulatoryCompliance/EndUsers', 'POST', 201, created);
      assert.deepEqual(Object.keys(created), FIELDS);
      assert.match(String(created.date_created), DATE);
      assert.match(String(created.date_updated), DATE);
      const path = `/v2/RegulatoryCompliance/EndUsers/${String(created.sid)}`;

      const fetch = await server.request('GET', path);
      assert.equal(fetch.status, 200);
      assertMatchesSpec('/v2/RegulatoryCompliance/EndUsers/{Sid}', 'GET', 200, await fetch.json());

      const update = await server.request('POST', path, { body: 'FriendlyName=Renamed' });
      assert.equal(update.status, 200);
      assertMatchesSpec('/v2/RegulatoryCompliance/EndUsers/{Sid}', 'POST', 200, await update.json());

      const list = await server.request('GET', '/v2/RegulatoryCompliance/EndUsers');
      assert.equal(list.status, 200);
      const body = (await list.json()) as { meta: Record<string, unknown> };
      assertMatchesSpec('/v2/RegulatoryCompliance/EndUsers', 'GET', 200, body);
      assert.deepEqual(Object.keys(body.meta), ['page', 'page_size', 'first_page_url', 'previous_page_url', 'url', 'next_page_url', 'key']);
      assert.equal(body.meta.url, `${server.origin}/v2/RegulatoryCompliance/EndUsers?PageSize=50&Page=0`);

      const remove = await server.request('DELETE', path);
      assert.equal(remove.status, 204);
      assert.equal(await remove.text(), '');
      assertMatchesSpec('/v2/RegulatoryCompliance/EndUsers/{Sid}', 'DELETE', 204, '');
    });

    test('curl-style + and the SDK\'s %20 both decode to spaces; unknown parameters are ignored', async () => {
      const plus = await server.request('POST', '/v2/RegulatoryCompliance/EndUsers', {
        body: 'FriendlyName=Jane+Q.+Doe&Type=individual&Colour=blue',
      });
      assert.equal(((await plus.json()) as { friendly_name: string }).friendly_name, 'Jane Q. Doe');
      const pct = await server.request('POST', '/v2/RegulatoryCompliance/EndUsers', {
        body: 'FriendlyName=Jane%20Q.%20Doe%20%E2%9C%93&Type=individual',
      });
      assert.equal(((await pct.json()) as { friendly_name: string }).friendly_name, 'Jane Q. Doe ✓');
    });
  });
}
