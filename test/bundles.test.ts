import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backends } from './support/backends.js';
import { assertMatchesSpec } from './support/openapi.js';
import { serverFor } from './support/server.js';
import { expectTwilioError } from './support/twilio.js';

const LIST = '/v2/RegulatoryCompliance/Bundles';
const GERMANY = 'RNfd11dde5d4b7252abf96139766f68034';
const IRELAND = 'RN5b82d0c001b4ef265770d022986f794f';

for (const backend of backends) {
  describe(`Bundles (${backend.name})`, () => {
    const server = serverFor(backend);
    const bundles = () => server.sdk().numbers.v2.regulatoryCompliance.bundles;
    const post = (path: string, body: string) => server.request('POST', path, { body });

    test('the SDK creates from a RegulationSid or a number group, fetches, updates and deletes', async () => {
      const byGroup = await bundles().create({ friendlyName: 'Acme DE', email: 'ops@acme.example', isoCountry: 'de', numberType: 'local', endUserType: 'business' });
      assert.match(byGroup.sid, /^BU[0-9a-f]{32}$/);
      assert.equal(byGroup.regulationSid, GERMANY, 'the regulation is resolved at create');
      assert.equal(byGroup.status, 'draft');
      assert.equal(byGroup.validUntil, null);
      assert.equal(byGroup.statusCallback, null);
      assert.deepEqual(Object.keys(byGroup.links).sort(), ['bundle_copies', 'evaluations', 'item_assignments']);
      assert.equal(byGroup.links.item_assignments, `${server.origin}${LIST}/${byGroup.sid}/ItemAssignments`);

      const bySid = await bundles().create({ friendlyName: 'Acme IE', email: 'ops@acme.example', regulationSid: IRELAND, statusCallback: 'https://app.example/cb', isTest: true });
      assert.equal(bySid.regulationSid, IRELAND);
      assert.equal(bySid.statusCallback, 'https://app.example/cb');
      const raw = await server.request('GET', `${LIST}/${bySid.sid}`);
      assertMatchesSpec(`${LIST}/{Sid}`, 'GET', 200, await raw.json());

      const renamed = await bundles()(bySid.sid).update({ friendlyName: 'Acme Ireland', email: 'legal@acme.example' });
      assert.equal(renamed.friendlyName, 'Acme Ireland');
      assert.equal(renamed.email, 'legal@acme.example');
      assert.equal(renamed.status, 'draft');
      assert.equal(await bundles()(bySid.sid).remove(), true);
      await assert.rejects(bundles()(bySid.sid).fetch(), { status: 404, code: 20404 });
    });

    test('create errors: 20001 for FriendlyName/Email, 22202 no regulation, 22200 bad types, 22201 unknown', async () => {
      const base = 'FriendlyName=B&Email=b%40example.com';
      await expectTwilioError(await post(LIST, `Email=b%40example.com&RegulationSid=${GERMANY}`), 400, 20001, /FriendlyName/);
      await expectTwilioError(await post(LIST, `FriendlyName=B&RegulationSid=${GERMANY}`), 400, 20001, /Email/);
      await expectTwilioError(await post(LIST, `FriendlyName=B&Email=nope&RegulationSid=${GERMANY}`), 400, 20001, /Email/);
      await expectTwilioError(await post(LIST, base), 400, 22202);
      await expectTwilioError(await post(LIST, `${base}&IsoCountry=DE&NumberType=local`), 400, 22202);
      await expectTwilioError(await post(LIST, `${base}&IsoCountry=DE&NumberType=local&EndUserType=robot`), 400, 22200, /EndUserType/);
      await expectTwilioError(await post(LIST, `${base}&IsoCountry=DE&NumberType=landline&EndUserType=business`), 400, 22200, /NumberType/);
      await expectTwilioError(await post(LIST, `${base}&IsoCountry=XX&NumberType=local&EndUserType=business`), 400, 22201);
      await expectTwilioError(await post(LIST, `${base}&RegulationSid=RN${'0'.repeat(32)}`), 400, 22201);
      await expectTwilioError(await post(LIST, `${base}&RegulationSid=${GERMANY}&StatusCallback=ftp://x`), 400, 20001, /StatusCallback/);
      await expectTwilioError(await post(LIST, `${base}&RegulationSid=${GERMANY}&IsTest=maybe`), 400, 20001, /IsTest/);
    });

    test('status: submit, 22204 with properties, 22203 for a bad value, no Twilio-only moves, 21647 on delete', async () => {
      const bundle = await bundles().create({ friendlyName: 'S', email: 's@example.com', regulationSid: GERMANY });
      const path = `${LIST}/${bundle.sid}`;
      await expectTwilioError(await post(path, 'Status=pending-review&FriendlyName=x'), 400, 22204);
      await expectTwilioError(await post(path, 'Status=approved'), 400, 22203);
      await expectTwilioError(await post(path, 'Status=twilio-approved'), 400, 20001, /draft cannot be moved to twilio-approved/);
      const submitted = await bundles()(bundle.sid).update({ status: 'pending-review' });
      assert.equal(submitted.status, 'pending-review');
      assert.ok(submitted.dateUpdated >= bundle.dateUpdated);
      await expectTwilioError(await server.request('DELETE', path), 400, 21647, /pending-review/);
      const withdrawn = await bundles()(bundle.sid).update({ status: 'draft' });
      assert.equal(withdrawn.status, 'draft');
      assert.equal(await bundles()(bundle.sid).remove(), true);
    });

    test('every list filter, and each sort order keyset-paged both ways at any depth', async () => {
      const account = await server.newAccount();
      const mine = server.sdk(account).numbers.v2.regulatoryCompliance.bundles;
      const made: { sid: string }[] = [];
      for (let i = 0; i < 9; i++) {
        made.push(await mine.create({ friendlyName: i % 3 === 0 ? 'Special' : `b${i}`, email: 'x@example.com', regulationSid: i % 2 === 0 ? GERMANY : IRELAND }));
      }
      // valid_until and date_updated are Twilio's to set: here, straight in the store.
      for (const [i, b] of made.entries()) {
        await server.db.run('UPDATE bundles SET valid_until = ?, date_updated = ? WHERE sid = ?', [
          i % 3 === 1 ? '' : `2030-0${(i % 4) + 1}-01T00:00:00Z`,
          `2026-0${9 - i}-01T00:00:00Z`,
          b.sid,
        ]);
      }
      const rows = await Promise.all(made.map((b) => mine(b.sid).fetch()));
      const sids = (list: { sid: string }[]) => list.map((b) => b.sid);

      assert.deepEqual(sids(await mine.list()), sids(rows).reverse(), 'newest first by default');
      assert.deepEqual(sids(await mine.list({ pageSize: 2 })), sids(rows).reverse());
      assert.deepEqual(sids(await mine.list({ sortDirection: 'ASC', pageSize: 4 })), sids(rows));
      const byUpdated = [...rows].sort((a, b) => a.dateUpdated.getTime() - b.dateUpdated.getTime());
      assert.deepEqual(sids(await mine.list({ sortBy: 'date-updated', sortDirection: 'ASC', pageSize: 2 })), sids(byUpdated));
      // Unset first (it sorts as ''), ties in creation order.
      const validUntil = (b: (typeof rows)[number]) => (b.validUntil ? b.validUntil.getTime() : -1);
      const created = (b: (typeof rows)[number]) => made.findIndex((m) => m.sid === b.sid);
      const byValidUntil = [...rows].sort((a, b) => validUntil(a) - validUntil(b) || created(a) - created(b));
      assert.deepEqual(sids(await mine.list({ sortBy: 'valid-until', sortDirection: 'ASC', pageSize: 2 })), sids(byValidUntil));
      assert.deepEqual(sids(await mine.list({ sortBy: 'valid-until', pageSize: 3 })), sids(byValidUntil).reverse());

      // Back again from the last page, by previous_page_url, on a sorted list.
      type Page = Awaited<ReturnType<typeof mine.page>>;
      let page: Page = await mine.page({ sortBy: 'date-updated', pageSize: 2 });
      const forward: string[] = [];
      for (;;) {
        forward.push(...sids(page.instances));
        const next = (await page.nextPage()) as Page | undefined;
        if (!next) break;
        page = next;
      }
      const backward: string[] = sids(page.instances);
      for (let previous = (await page.previousPage()) as Page | undefined; previous; previous = (await previous.previousPage()) as Page | undefined) {
        backward.unshift(...sids(previous.instances));
      }
      assert.deepEqual(backward, forward);

      assert.deepEqual(sids(await mine.list({ friendlyName: 'Special' })).sort(), sids(rows.filter((b) => b.friendlyName === 'Special')).sort());
      assert.deepEqual(sids(await mine.list({ regulationSid: IRELAND })).length, 4);
      assert.equal((await mine.list({ isoCountry: 'de', numberType: 'local', endUserType: 'business' })).length, 5);
      assert.equal((await mine.list({ hasValidUntilDate: false })).length, 3);
      assert.equal((await mine.list({ hasValidUntilDate: true })).length, 6);
      assert.equal((await mine.list({ validUntilDate: new Date('2030-01-01T00:00:00Z') })).length, 2);
      assert.equal((await mine.list({ validUntilDateBefore: new Date('2030-02-01T00:00:00Z') })).length, 3);
      assert.equal((await mine.list({ validUntilDateAfter: new Date('2030-03-01T00:00:00Z') })).length, 3);
      assert.equal((await mine.list({ bundleSids: `${made[0]!.sid},${made[4]!.sid}` })).length, 2);
      await mine(made[8]!.sid).update({ status: 'pending-review' });
      assert.deepEqual(sids(await mine.list({ status: 'pending-review' })), [made[8]!.sid]);

      const response = await server.request('GET', `${LIST}?Status=draft&ValidUntilDate%3E=2030-01-01T00:00:00Z&PageSize=1`, { auth: account });
      const body = (await response.json()) as { meta: { url: string; next_page_url: string } };
      assertMatchesSpec(LIST, 'GET', 200, body);
      assert.equal(body.meta.url, `${server.origin}${LIST}?Status=draft&ValidUntilDate%3E=2030-01-01T00%3A00%3A00Z&PageSize=1&Page=0`);
      for (const bad of ['Status=approved', 'SortBy=name', 'SortDirection=UP', 'HasValidUntilDate=maybe', 'ValidUntilDate=tomorrow', 'BundleSids=BU1', 'RegulationSid=RN1', 'EndUserType=robot', 'NumberType=landline']) {
        await expectTwilioError(await server.request('GET', `${LIST}?${bad}`, { auth: account }), 400, 20001);
      }
    });
  });
}
