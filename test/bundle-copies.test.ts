import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backends } from './support/backends.js';
import { assertMatchesSpec } from './support/openapi.js';
import { serverFor } from './support/server.js';
import { expectTwilioError } from './support/twilio.js';

const GERMANY = 'RNfd11dde5d4b7252abf96139766f68034';
const IRELAND = 'RN5b82d0c001b4ef265770d022986f794f';
const BUNDLES = '/v2/RegulatoryCompliance/Bundles';

for (const backend of backends) {
  describe(`Copies, Replace Items and Clones (${backend.name})`, () => {
    const server = serverFor(backend, { REVIEW_POLICY: 'manual' });
    const rc = () => server.sdk().numbers.v2.regulatoryCompliance;
    const review = (sid: string, body: string) => server.request('POST', `/regcomp/Bundles/${sid}/Review`, { body });

    /** An approved German bundle with one end user and one document assigned. */
    async function approved(regulationSid = GERMANY) {
      const bundle = await rc().bundles.create({ friendlyName: 'Original', email: 'o@example.com', regulationSid });
      const endUser = await rc().endUsers.create({ friendlyName: 'Acme', type: 'business', attributes: { business_name: 'Acme' } });
      const document = await rc().supportingDocuments.create({ friendlyName: 'Bill', type: 'utility_bill', attributes: { address_sids: ['AD1'] } });
      for (const item of [endUser, document]) await rc().bundles(bundle.sid).itemAssignments.create({ objectSid: item.sid });
      await review(bundle.sid, 'Status=twilio-approved&ValidUntil=2030-06-30T00:00:00Z');
      return { bundle: bundle.sid, items: [endUser.sid, document.sid] };
    }
    const objects = async (bundleSid: string) => (await rc().bundles(bundleSid).itemAssignments.list()).map((i) => i.objectSid);

    test('a Copy is a draft with the same regulation, properties, valid_until and items; no url, no links', async () => {
      const { bundle, items } = await approved();
      const response = await server.request('POST', `${BUNDLES}/${bundle}/Copies`, { body: 'FriendlyName=Updated%20info' });
      assert.equal(response.status, 201);
      const body = (await response.json()) as Record<string, unknown>;
      assertMatchesSpec(`${BUNDLES}/{BundleSid}/Copies`, 'POST', 201, body);
      assert.deepEqual(Object.keys(body), ['sid', 'account_sid', 'regulation_sid', 'friendly_name', 'status', 'valid_until', 'email', 'status_callback', 'date_created', 'date_updated']);
      assert.equal(body.status, 'draft');
      assert.equal(body.friendly_name, 'Updated info');
      assert.equal(body.valid_until, '2030-06-30T00:00:00Z');
      assert.equal(body.regulation_sid, GERMANY);
      assert.deepEqual(await objects(String(body.sid)), items);
      const copies = await rc().bundles(bundle).bundleCopies.list();
      assert.deepEqual(copies.map((c) => c.sid), [body.sid]);
      // Not approved, or no valid_until: 22223.
      const draft = await rc().bundles.create({ friendlyName: 'D', email: 'd@example.com', regulationSid: GERMANY });
      await expectTwilioError(await server.request('POST', `${BUNDLES}/${draft.sid}/Copies`, { body: '' }), 400, 22223);
      await review(draft.sid, 'Status=twilio-approved');
      await expectTwilioError(await server.request('POST', `${BUNDLES}/${draft.sid}/Copies`, { body: '' }), 400, 22223);
    });

    test("Replace Items moves an approved copy's items onto the original, which loses its valid_until", async () => {
      const { bundle } = await approved();
      const copy = await rc().bundles(bundle).bundleCopies.create({ friendlyName: 'Copy' });
      const replacement = await rc().endUsers.create({ friendlyName: 'Acme 2', type: 'business' });
      const [first] = await rc().bundles(copy.sid).itemAssignments.list();
      await rc().bundles(copy.sid).itemAssignments(first!.sid).remove();
      await rc().bundles(copy.sid).itemAssignments.create({ objectSid: replacement.sid });
      const path = `${BUNDLES}/${bundle}/ReplaceItems`;
      await expectTwilioError(await server.request('POST', path, { body: `FromBundleSid=${copy.sid}` }), 400, 22224, /twilio-approved/);
      await review(copy.sid, 'Status=twilio-approved');
      await expectTwilioError(await server.request('POST', path, { body: `FromBundleSid=BU${'0'.repeat(32)}` }), 400, 22225);
      await expectTwilioError(await server.request('POST', path, { body: `FromBundleSid=${bundle}` }), 400, 22226);
      await expectTwilioError(await server.request('POST', path, { body: '' }), 400, 20001, /FromBundleSid/);
      const other = await approved();
      const otherCopy = await rc().bundles(other.bundle).bundleCopies.create();
      await review(otherCopy.sid, 'Status=twilio-approved');
      await expectTwilioError(await server.request('POST', path, { body: `FromBundleSid=${otherCopy.sid}` }), 400, 22224, /not a copy/);
      const irish = await approved(IRELAND);
      const irishCopy = await rc().bundles(irish.bundle).bundleCopies.create();
      await review(irishCopy.sid, 'Status=twilio-approved');
      await expectTwilioError(await server.request('POST', path, { body: `FromBundleSid=${irishCopy.sid}` }), 400, 22228);

      const replaced = await rc().bundles(bundle).replaceItems.create({ fromBundleSid: copy.sid });
      assert.equal(replaced.sid, bundle);
      assert.equal(replaced.status, 'twilio-approved');
      assert.equal(replaced.validUntil, null);
      assert.deepEqual(await objects(bundle), await objects(copy.sid));
    });

    test('a Clone goes to another account with copies of its items, approved or (MoveToDraft) draft', async () => {
      const { bundle } = await approved();
      const target = await server.newAccount();
      const clone = await server.sdk().numbers.v2.bundleClone(bundle).create({ targetAccountSid: target.sid, moveToDraft: true, friendlyName: 'Theirs' });
      assert.notEqual(clone.bundleSid, bundle);
      assert.equal(clone.accountSid, target.sid);
      assert.equal(clone.status, 'draft');
      assert.equal(clone.url, `${server.origin}${BUNDLES}/${clone.bundleSid}/Clones`);
      const theirs = server.sdk(target).numbers.v2.regulatoryCompliance;
      const items = await theirs.bundles(clone.bundleSid).itemAssignments.list();
      assert.equal(items.length, 2);
      const [endUser, document] = items.map((i) => i.objectSid);
      assert.equal((await theirs.endUsers(endUser!).fetch()).friendlyName, 'Acme');
      assert.equal((await theirs.supportingDocuments(document!).fetch()).type, 'utility_bill');
      assert.equal((await server.sdk().numbers.v2.bundleClone(bundle).create({ targetAccountSid: target.sid })).status, 'twilio-approved');
      await expectTwilioError(await server.request('POST', `${BUNDLES}/${bundle}/Clones`, { body: `TargetAccountSid=AC${'0'.repeat(32)}` }), 400, 20001, /no account/);
      await expectTwilioError(await server.request('POST', `${BUNDLES}/${bundle}/Clones`, { body: 'TargetAccountSid=nope' }), 400, 20001);
      const draft = await rc().bundles.create({ friendlyName: 'D', email: 'd@example.com', regulationSid: GERMANY });
      await expectTwilioError(await server.request('POST', `${BUNDLES}/${draft.sid}/Clones`, { body: `TargetAccountSid=${target.sid}` }), 400, 20001, /twilio-approved/);
    });
  });
}
