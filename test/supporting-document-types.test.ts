import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backends } from './support/backends.js';
import { serverFor } from './support/server.js';
import { expectTwilioError } from './support/twilio.js';

const LIST = '/v2/RegulatoryCompliance/SupportingDocumentTypes';
const NAMED_IN_THE_ISSUE = [
  'passport', 'government_issued_document', 'commercial_registrar_excerpt', 'power_of_attorney', 'business_registration',
  'utility_bill', 'tax_document', 'rental_receipt', 'title_deed', 'national_id_card', 'residence_permit', 'business_address',
  'trade_license', 'address',
];

for (const backend of backends) {
  describe(`Supporting Document Types (${backend.name})`, () => {
    const server = serverFor(backend);
    const types = () => server.sdk().numbers.v2.regulatoryCompliance.supportingDocumentTypes;

    test('the SDK lists every known type, pages included, and fetches by SID and by machine name', async () => {
      const listed = await types().list({ pageSize: 4 });
      const names = listed.map((t) => t.machineName);
      for (const name of NAMED_IN_THE_ISSUE) assert.ok(names.includes(name), name);
      const passport = listed.find((t) => t.machineName === 'passport')!;
      assert.match(passport.sid, /^OY[0-9a-f]{32}$/);
      assert.equal(passport.url, `${server.origin}${LIST}/${passport.sid}`);
      assert.ok((passport.fields as { machine_name: string }[]).some((f) => f.machine_name === 'last_name'));
      assert.equal((await types()(passport.sid).fetch()).machineName, 'passport');
      // Real regulations link types by machine name.
      const byName = await types()('utility_bill').fetch();
      assert.equal(byName.sid, listed.find((t) => t.machineName === 'utility_bill')!.sid);
      const raw = (await (await server.request('GET', `${LIST}?PageSize=2`)).json()) as { supporting_document_types: unknown[]; meta: { key: string } };
      assert.equal(raw.meta.key, 'supporting_document_types');
      assert.equal(raw.supporting_document_types.length, 2);
    });

    test('unknown names and SIDs are 404; writes are 405', async () => {
      await expectTwilioError(await server.request('GET', `${LIST}/no_such_type`), 404, 20404);
      await expectTwilioError(await server.request('GET', `${LIST}/OY${'0'.repeat(32)}`), 404, 20404);
      await expectTwilioError(await server.request('POST', LIST, { body: 'FriendlyName=x' }), 405, 20004);
    });
  });
}
