import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backends } from './support/backends.js';
import { DOCUMENTS } from './support/documents.js';
import { assertAnswerMatchesSpec } from './support/openapi.js';
import { serverFor } from './support/server.js';
import { expectTwilioError } from './support/twilio.js';

const FIELDS = [
  'sid', 'account_sid', 'friendly_name', 'mime_type', 'status', 'failure_reason', 'errors', 'type', 'attributes', 'date_created', 'date_updated', 'url',
];

for (const backend of backends) {
  describe(`Supporting Documents through the twilio SDK and forms (${backend.name})`, () => {
    const server = serverFor(backend);
    const documents = () => server.sdk().numbers.v2.regulatoryCompliance.supportingDocuments;

    /** A request whose 2xx body must match Twilio's OpenAPI document. */
    async function call(method: string, path: string, body?: string): Promise<Response> {
      const response = await server.request(method, path, { body });
      if (response.status >= 200 && response.status < 300 && response.status !== 204) {
        assertAnswerMatchesSpec(method, path, response.status, await response.clone().json());
      }
      return response;
    }

    test('create, fetch, update and remove', async () => {
      const attributes = { document_number: '312454', business_name: 'Twilio', issue_date: '2019-11-15' };
      const created = await documents().create({ friendlyName: 'Twilio GmbH', type: 'government_issued_document', attributes });
      assert.match(created.sid, /^RD[0-9a-f]{32}$/);
      assert.equal(created.accountSid, server.account.sid);
      assert.equal(created.friendlyName, 'Twilio GmbH');
      assert.equal(created.type, 'government_issued_document');
      assert.equal(created.status, 'draft');
      assert.equal(created.mimeType, null, 'a document without a file has no mime type');
      assert.equal(created.failureReason, null);
      assert.equal(created.errors, null);
      assert.deepEqual(created.attributes, attributes);
      assert.equal(created.url, `${server.origin}${DOCUMENTS}/${created.sid}`);

      const fetched = await documents()(created.sid).fetch();
      assert.deepEqual(fetched.toJSON(), created.toJSON());

      const updated = await documents()(created.sid).update({ friendlyName: 'Twilio Ireland', attributes: { document_number: '1' } });
      assert.equal(updated.friendlyName, 'Twilio Ireland');
      assert.deepEqual(updated.attributes, { document_number: '1' }, 'Attributes on update replace the old ones');
      const renamedOnly = await documents()(created.sid).update({ friendlyName: 'Twilio' });
      assert.deepEqual(renamedOnly.attributes, { document_number: '1' }, 'absent Attributes are kept');

      assert.equal(await documents()(created.sid).remove(), true);
      await assert.rejects(documents()(created.sid).fetch(), { status: 404, code: 20404 });
      await assert.rejects(documents()(created.sid).remove(), { status: 404, code: 20404 });
    });

    test('the SDK lists every document across pages, oldest first', async () => {
      const account = await server.newAccount();
      const client = server.sdk(account).numbers.v2.regulatoryCompliance.supportingDocuments;
      const made: string[] = [];
      for (let i = 0; i < 7; i++) made.push((await client.create({ friendlyName: `doc ${i}`, type: i % 2 ? 'passport' : 'address' })).sid);
      const listed = await client.list({ pageSize: 3 });
      assert.deepEqual(listed.map((d) => d.sid), made);
      const page = await client.page({ pageSize: 3 });
      assert.equal(page.instances.length, 3);
      const second = await page.nextPage();
      assert.deepEqual(second!.instances.map((d) => d.sid), made.slice(3, 6));
    });

    test('JSON keys in the OpenAPI document’s order, and every 2xx answer matches it', async () => {
      const created = await call('POST', DOCUMENTS, 'FriendlyName=Shape&Type=passport&Attributes=%7B%22z%22%3A1%2C%2210%22%3A2%7D');
      assert.equal(created.status, 201);
      const text = await created.text();
      assert.deepEqual(Object.keys(JSON.parse(text) as object), FIELDS);
      assert.ok(text.includes('"attributes":{"z":1,"10":2}'), 'attributes kept as sent, key order too');
      const { sid } = JSON.parse(text) as { sid: string };
      assert.equal((await call('GET', `${DOCUMENTS}/${sid}`)).status, 200);
      assert.equal((await call('GET', `${DOCUMENTS}?PageSize=1`)).status, 200);
      assert.equal((await call('POST', `${DOCUMENTS}/${sid}`, 'FriendlyName=Renamed')).status, 200);
      assert.equal((await call('DELETE', `${DOCUMENTS}/${sid}`)).status, 204);
    });

    test('update takes only FriendlyName and Attributes; with neither it changes nothing', async () => {
      const created = (await (await call('POST', DOCUMENTS, 'FriendlyName=Keep&Type=passport')).json()) as { sid: string; date_updated: string };
      const path = `${DOCUMENTS}/${created.sid}`;
      const same = (await (await call('POST', path, 'Type=address&Status=approved&MimeType=image/png')).json()) as Record<string, unknown>;
      assert.equal(same.type, 'passport');
      assert.equal(same.status, 'draft');
      assert.equal(same.mime_type, null);
      assert.equal(same.date_updated, created.date_updated);
    });

    test('bad creates and updates get Twilio’s codes', async () => {
      const create = (body: string) => server.request('POST', DOCUMENTS, { body });
      await expectTwilioError(await create('Type=passport'), 400, 22211, /FriendlyName/);
      await expectTwilioError(await create('FriendlyName=&Type=passport'), 400, 22211, /FriendlyName/);
      await expectTwilioError(await create('FriendlyName=x'), 400, 22210, /Type is required/);
      await expectTwilioError(await create('FriendlyName=x&Type='), 400, 22210, /Type is required/);
      await expectTwilioError(await create('FriendlyName=x&Type=driving_licence'), 400, 22210, /must be one of passport, address/);
      await expectTwilioError(await create('FriendlyName=x&Type=passport&Attributes=%5B1%5D'), 400, 22207, /^Unable to parse attributes JSON/);
      await expectTwilioError(await create('FriendlyName=x&Type=passport&Attributes=%7B%22a%22%3A1%2C%22a%22%3A2%7D'), 400, 22207);
      await expectTwilioError(await create(`FriendlyName=${'n'.repeat(257)}&Type=passport`), 400, 20001, /at most 256/);
      await expectTwilioError(await create(`FriendlyName=x&Type=passport&Attributes=${encodeURIComponent(`{"a":"${'x'.repeat(9000)}"}`)}`), 400, 20001, /8192 characters/);
      const { sid } = (await (await create('FriendlyName=x&Type=passport')).json()) as { sid: string };
      await expectTwilioError(await server.request('POST', `${DOCUMENTS}/${sid}`, { body: 'Attributes=nope' }), 400, 22207);
      await expectTwilioError(await server.request('POST', `${DOCUMENTS}/${sid}`, { body: 'FriendlyName=' }), 400, 20001);
      const kept = (await (await server.request('GET', `${DOCUMENTS}/${sid}`)).json()) as { friendly_name: string };
      assert.equal(kept.friendly_name, 'x', 'a refused update changes nothing');
    });
  });

  describe(`Supporting Documents in strict attribute mode (${backend.name})`, () => {
    const server = serverFor(backend, { ATTRIBUTES_VALIDATION: 'strict' });

    test('attributes must be fields of the document’s type', async () => {
      const create = (attributes: string) =>
        server.request('POST', DOCUMENTS, { body: new URLSearchParams({ FriendlyName: 'x', Type: 'address', Attributes: attributes }).toString() });
      assert.equal((await create('{"address_sids":["AD00000000000000000000000000000000"]}')).status, 201);
      await expectTwilioError(await create('{"shoe_size":"9"}'), 400, 20001, /"shoe_size" is not a field of Supporting Document Type address/);
      await expectTwilioError(await create('{"address_sids":"AD1"}'), 400, 20001, /must be a list of strings/);
    });
  });
}
