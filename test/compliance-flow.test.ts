import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { backends } from './support/backends.js';
import { projectRoot } from './support/paths.js';
import type { Receiver } from './support/receiver.js';
import { startReceiver } from './support/receiver.js';
import { serverFor } from './support/server.js';
import { expectTwilioError } from './support/twilio.js';

const GERMANY = 'RNfd11dde5d4b7252abf96139766f68034';
const FAST = { REVIEW_POLICY: 'evaluate', REVIEW_IN_REVIEW_AFTER_MS: '30', REVIEW_DECISION_AFTER_MS: '30', BACKGROUND_TICK_MS: '20' };

interface Requirements {
  end_user: { type: string; fields: string[] }[];
  supporting_document: { accepted_documents: { type: string; fields: string[] }[] }[][];
}

/** A value for every field, names equal to the end user's (the engine cross-checks them). */
function valuesFor(fields: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, f === 'address_sids' ? [`AD${'a'.repeat(32)}`] : f === 'email' ? 'ops@acme.example' : `${f} of Acme`]));
}

for (const backend of backends) {
  describe(`the compliance flow, end to end with the SDK (${backend.name})`, () => {
    const server = serverFor(backend, FAST);
    let receiver: Receiver;
    before(async () => {
      receiver = await startReceiver();
    });
    after(() => receiver?.close());
    const rc = () => server.sdk().numbers.v2.regulatoryCompliance;

    test('end user and documents → bundle → assign → evaluate → submit → signed callbacks → approved', async () => {
      const regulation = await rc().regulations(GERMANY).fetch();
      const requirements = regulation.requirements as Requirements;
      const endUser = await rc().endUsers.create({ friendlyName: 'Acme GmbH', type: 'business', attributes: valuesFor(requirements.end_user[0]!.fields) });
      const documents = [];
      for (const requirement of requirements.supporting_document.flat()) {
        const accepted = requirement.accepted_documents[0]!;
        documents.push(await rc().supportingDocuments.create({ friendlyName: accepted.type, type: accepted.type, attributes: valuesFor(accepted.fields) }));
      }
      const bundle = await rc().bundles.create({ friendlyName: 'Acme DE', email: 'ops@acme.example', regulationSid: GERMANY, statusCallback: receiver.url });
      const items = rc().bundles(bundle.sid).itemAssignments;
      const empty = await rc().bundles(bundle.sid).evaluations.create();
      assert.equal(empty.status, 'noncompliant');
      for (const object of [endUser, ...documents]) {
        const assigned = await items.create({ objectSid: object.sid });
        assert.equal(assigned.objectSid, object.sid);
        assert.equal(assigned.bundleSid, bundle.sid);
      }
      assert.deepEqual((await items.list()).map((i) => i.objectSid), [endUser.sid, ...documents.map((d) => d.sid)]);

      const evaluation = await rc().bundles(bundle.sid).evaluations.create();
      assert.equal(evaluation.status, 'compliant', JSON.stringify(evaluation.results));
      assert.ok((evaluation.results as { passed: boolean }[]).every((r) => r.passed));
      assert.deepEqual((await rc().bundles(bundle.sid).evaluations.list()).map((e) => e.sid), [empty.sid, evaluation.sid]);
      assert.equal((await rc().bundles(bundle.sid).evaluations(evaluation.sid).fetch()).status, 'compliant');

      await expectTwilioError(await server.request('DELETE', `/v2/RegulatoryCompliance/EndUsers/${endUser.sid}`), 400, 21644);
      await expectTwilioError(await server.request('DELETE', `/v2/RegulatoryCompliance/SupportingDocuments/${documents[0]!.sid}`), 400, 21645);
      await rc().bundles(bundle.sid).update({ status: 'pending-review' });
      await expectTwilioError(
        await server.request('POST', `/v2/RegulatoryCompliance/Bundles/${bundle.sid}/ItemAssignments`, { body: `ObjectSid=${endUser.sid}` }),
        400,
        20001,
        /only while the Bundle is draft/,
      );
      await receiver.waitFor((r) => r.length >= 2);
      const token = server.account.token;
      const forms = receiver.received.map((r) => {
        const params = Object.fromEntries(new URLSearchParams(r.body));
        assert.ok(twilio.validateRequest(token, String(r.headers['x-twilio-signature']), receiver.url, params));
        return params.Status;
      });
      assert.deepEqual(forms, ['pending-review', 'twilio-approved']);
      assert.equal((await rc().bundles(bundle.sid).fetch()).status, 'twilio-approved');
      for (const document of documents) assert.equal((await rc().supportingDocuments(document.sid).fetch()).status, 'approved');
    });

    test('a document of a bundle under review cannot be deleted (21646); withdrawn, it is a draft again', async () => {
      const bundle = await rc().bundles.create({ friendlyName: 'Held', email: 'x@example.com', regulationSid: GERMANY });
      await server.request('POST', `/regcomp/Bundles/${bundle.sid}/ReviewPolicy`, { body: 'Policy=manual' });
      const document = await rc().supportingDocuments.create({ friendlyName: 'Bill', type: 'utility_bill' });
      await rc().bundles(bundle.sid).itemAssignments.create({ objectSid: document.sid });
      await rc().bundles(bundle.sid).update({ status: 'pending-review' });
      assert.equal((await rc().supportingDocuments(document.sid).fetch()).status, 'pending-review');
      await expectTwilioError(await server.request('DELETE', `/v2/RegulatoryCompliance/SupportingDocuments/${document.sid}`), 400, 21646);
      await rc().bundles(bundle.sid).update({ status: 'draft' });
      assert.equal((await rc().supportingDocuments(document.sid).fetch()).status, 'draft');
      await expectTwilioError(await server.request('DELETE', `/v2/RegulatoryCompliance/SupportingDocuments/${document.sid}`), 400, 21645);
    });

    test('a non-compliant bundle is rejected by the evaluate policy, its failing results as the reason', async () => {
      const bundle = await rc().bundles.create({ friendlyName: 'Empty', email: 'x@example.com', regulationSid: GERMANY });
      await rc().bundles(bundle.sid).update({ status: 'pending-review' });
      const until = Date.now() + 10_000;
      let current = await rc().bundles(bundle.sid).fetch();
      while (current.status !== 'twilio-rejected' && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 20));
        current = await rc().bundles(bundle.sid).fetch();
      }
      assert.equal(current.status, 'twilio-rejected');
      const log = (await (await server.request('GET', `/regcomp/Bundles/${bundle.sid}/Callbacks`)).json()) as { callbacks: unknown[] };
      assert.deepEqual(log.callbacks, [], 'no StatusCallback, no callback');
    });

    test("the OpenAPI document's France example: an empty bundle has seven failing results, exactly", async () => {
      const spec = JSON.parse(fs.readFileSync(`${projectRoot}/vendor/twilio-oai/twilio_numbers_v2.json`, 'utf8')) as {
        paths: Record<string, { post: { responses: { '201': { content: { 'application/json': { examples: { create: { value: { results: unknown[] } } } } } } } } }>;
      };
      const example = spec.paths['/v2/RegulatoryCompliance/Bundles/{BundleSid}/Evaluations']!.post.responses['201'].content['application/json'].examples.create.value;
      const [france] = await rc().regulations.list({ isoCountry: 'FR', numberType: 'local', endUserType: 'business' });
      const bundle = await rc().bundles.create({ friendlyName: 'FR', email: 'x@example.com', regulationSid: france!.sid });
      const evaluation = await rc().bundles(bundle.sid).evaluations.create();
      assert.equal(evaluation.status, 'noncompliant');
      assert.deepEqual(evaluation.results, example.results);
    });

    test('assignment rules: 22205 unknown or foreign, 22206 wrong kind, no duplicates, unknown bundle 404', async () => {
      const bundle = await rc().bundles.create({ friendlyName: 'R', email: 'x@example.com', regulationSid: GERMANY });
      const path = `/v2/RegulatoryCompliance/Bundles/${bundle.sid}/ItemAssignments`;
      const assign = (objectSid: string) => server.request('POST', path, { body: `ObjectSid=${objectSid}` });
      await expectTwilioError(await assign(`IT${'0'.repeat(32)}`), 400, 22205);
      await expectTwilioError(await assign('IT123'), 400, 22205);
      await expectTwilioError(await assign(bundle.sid), 400, 22206);
      const stranger = await server.newAccount();
      const theirs = await server.sdk(stranger).numbers.v2.regulatoryCompliance.endUsers.create({ friendlyName: 'Theirs', type: 'individual' });
      await expectTwilioError(await assign(theirs.sid), 400, 22205);
      const mine = await rc().endUsers.create({ friendlyName: 'Mine', type: 'individual' });
      assert.equal((await assign(mine.sid)).status, 201);
      await expectTwilioError(await assign(mine.sid), 400, 20001, /already assigned/);
      await expectTwilioError(await server.request('GET', `/v2/RegulatoryCompliance/Bundles/BU${'0'.repeat(32)}/ItemAssignments`), 404, 20404);
      await expectTwilioError(await server.request('POST', path, { body: '' }), 400, 20001, /ObjectSid/);
      // Unassigned, the end user can go.
      const [assignment] = await rc().bundles(bundle.sid).itemAssignments.list();
      assert.equal(await rc().bundles(bundle.sid).itemAssignments(assignment!.sid).remove(), true);
      assert.equal(await rc().endUsers(mine.sid).remove(), true);
    });

    test('racing assigns and deletes never leave an assignment pointing at nothing', async () => {
      const bundle = await rc().bundles.create({ friendlyName: 'Race', email: 'x@example.com', regulationSid: GERMANY });
      const users = await Promise.all(Array.from({ length: 20 }, (_, i) => rc().endUsers.create({ friendlyName: `r${i}`, type: 'business' })));
      await Promise.all(
        users.flatMap((user) => [
          server.request('POST', `/v2/RegulatoryCompliance/Bundles/${bundle.sid}/ItemAssignments`, { body: `ObjectSid=${user.sid}` }),
          server.request('DELETE', `/v2/RegulatoryCompliance/EndUsers/${user.sid}`),
        ]),
      );
      const dangling = await server.db.all(
        'SELECT a.sid FROM item_assignments a LEFT JOIN end_users e ON e.sid = a.end_user_sid WHERE a.bundle_sid = ? AND e.sid IS NULL',
        [bundle.sid],
      );
      assert.deepEqual(dangling, []);
      const assigned = await rc().bundles(bundle.sid).itemAssignments.list();
      for (const user of users) {
        const exists = await server.db.get('SELECT 1 AS found FROM end_users WHERE sid = ?', [user.sid]);
        assert.equal(Boolean(exists), assigned.some((a) => a.objectSid === user.sid), user.sid);
      }
    });
  });
}
