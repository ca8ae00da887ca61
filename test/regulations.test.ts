import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { CatalogueError } from '../src/catalogue/load.js';
import { loadConfig } from '../src/config.js';
import { loadCatalogues } from '../src/resources/catalogues.js';
import { backends } from './support/backends.js';
import { assertMatchesSpec } from './support/openapi.js';
import { serverFor } from './support/server.js';
import { expectTwilioError } from './support/twilio.js';

const LIST = '/v2/RegulatoryCompliance/Regulations';
// Real Twilio SIDs: code written against Twilio names them.
const GERMANY_LOCAL_BUSINESS = 'RNfd11dde5d4b7252abf96139766f68034';
const IRELAND_LOCAL_BUSINESS = 'RN5b82d0c001b4ef265770d022986f794f';
const INDONESIA_TOLL_FREE_BUSINESS = 'RN581d4e917a8612eb36f0af24ecc6b592';

interface Requirements {
  end_user: { name: string; type: string; requirement_name: string; url: string; fields: string[]; detailed_fields: Record<string, string>[] }[];
  supporting_document: { requirement_name: string; accepted_documents: { type: string; url: string; fields: string[]; detailed_fields: Record<string, string>[] }[] }[][];
}

for (const backend of backends) {
  describe(`Regulations (${backend.name})`, () => {
    const server = serverFor(backend);
    const regulations = () => server.sdk().numbers.v2.regulatoryCompliance.regulations;

    test('the SDK filters by country (any case), number type and end-user type, and reads the German requirements by their real SID', async () => {
      const found = await regulations().list({ isoCountry: 'de', numberType: 'local', endUserType: 'business' });
      assert.deepEqual(found.map((r) => r.sid), [GERMANY_LOCAL_BUSINESS]);
      const germany = await regulations()(GERMANY_LOCAL_BUSINESS).fetch();
      assert.equal(germany.friendlyName, 'Germany: Local - Business');
      assert.equal(germany.isoCountry, 'DE');
      assert.equal(germany.numberType, 'local');
      assert.equal(germany.endUserType, 'business');
      const requirements = germany.requirements as Requirements;
      const business = requirements.end_user[0]!;
      assert.equal(business.type, 'business');
      assert.equal(business.url, `${server.origin}/v2/RegulatoryCompliance/EndUserTypes/business`);
      for (const field of ['business_name', 'business_registration_number', 'business_website', 'first_name', 'last_name', 'email']) {
        assert.ok(business.fields.includes(field), field);
      }
      assert.deepEqual(business.fields, business.detailed_fields.map((f) => f.machine_name));
      const accepted = requirements.supporting_document.flat().flatMap((r) => r.accepted_documents.map((d) => d.type));
      assert.ok(accepted.includes('commercial_registrar_excerpt') && accepted.includes('trade_license'), accepted.join());
      for (const document of requirements.supporting_document.flat().flatMap((r) => r.accepted_documents)) {
        assert.equal(document.url, `${server.origin}/v2/RegulatoryCompliance/SupportingDocumentTypes/${document.type}`);
      }
      assert.equal(business.detailed_fields[0]!.constraint, undefined, 'constraints only when asked for');
      const withConstraints = await regulations()(GERMANY_LOCAL_BUSINESS).fetch({ includeConstraints: true });
      assert.equal((withConstraints.requirements as Requirements).end_user[0]!.detailed_fields[0]!.constraint, 'String');
    });

    test('the real Irish and Indonesian SIDs are served; tollfree is read as toll-free', async () => {
      assert.equal((await regulations()(IRELAND_LOCAL_BUSINESS).fetch()).friendlyName, 'Ireland: Local - Business');
      const tollFree = await regulations().list({ isoCountry: 'ID', numberType: 'tollfree', endUserType: 'business' });
      assert.deepEqual(tollFree.map((r) => r.sid), [INDONESIA_TOLL_FREE_BUSINESS]);
    });

    test('the whole catalogue pages through with filters kept in every link', async () => {
      const all = await regulations().list();
      assert.ok(all.length >= 30, String(all.length));
      assert.equal(new Set(all.map((r) => r.sid)).size, all.length);
      const paged = await regulations().list({ pageSize: 7 });
      assert.deepEqual(paged.map((r) => r.sid), all.map((r) => r.sid));
      const businesses = await regulations().list({ endUserType: 'business', pageSize: 3 });
      assert.deepEqual(businesses.map((r) => r.sid), all.filter((r) => r.endUserType === 'business').map((r) => r.sid));

      const response = await server.request('GET', `${LIST}?IsoCountry=de&EndUserType=business&PageSize=1`);
      const body = (await response.json()) as { meta: { url: string; next_page_url: string } };
      assertMatchesSpec(LIST, 'GET', 200, body);
      assert.equal(body.meta.url, `${server.origin}${LIST}?IsoCountry=de&EndUserType=business&PageSize=1&Page=0`);
      assert.match(body.meta.next_page_url, /\?IsoCountry=de&EndUserType=business&PageSize=1&Page=1&PageToken=PA/);
    });

    test('bad filter values get 22212, 22213 and 20001; unknown SIDs 404', async () => {
      await expectTwilioError(await server.request('GET', `${LIST}?EndUserType=company`), 400, 22212, /EndUserType/);
      await expectTwilioError(await server.request('GET', `${LIST}?NumberType=landline`), 400, 22213, /NumberType/);
      await expectTwilioError(await server.request('GET', `${LIST}?IncludeConstraints=maybe`), 400, 20001, /IncludeConstraints/);
      await expectTwilioError(await server.request('GET', `${LIST}/RN${'0'.repeat(32)}`), 404, 20404);
      await expectTwilioError(await server.request('GET', `${LIST}/germany`), 404, 20404);
      const empty = (await (await server.request('GET', `${LIST}?IsoCountry=XX`)).json()) as { results: unknown[] };
      assert.deepEqual(empty.results, []);
    });
  });
}

describe('Regulations catalogue file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regcomp-regulations-'));
  const write = (content: unknown) => {
    const file = path.join(dir, `r-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, JSON.stringify(content));
    return file;
  };
  const regulation = (overrides: Record<string, unknown> = {}) => ({
    friendly_name: 'Atlantis: Local - Business',
    iso_country: 'AQ',
    number_type: 'local',
    end_user_type: 'business',
    requirements: {
      end_user: [{ name: 'Business', type: 'business', requirement_name: 'business_info', detailed_fields: [{ machine_name: 'business_name', friendly_name: 'Business Name' }] }],
      supporting_document: [[{ name: 'Proof', type: 'document', requirement_name: 'proof', accepted_documents: [{ name: 'Utility Bill', type: 'utility_bill', detailed_fields: [{ machine_name: 'address_sids', friendly_name: 'Address' }] }] }]],
    },
    ...overrides,
  });
  const load = (file: string) => loadCatalogues(loadConfig({ REGULATIONS_FILE: file })).regulations;

  test('extends the built-in catalogue; a derived SID is stable', () => {
    const file = write({ regulations: [regulation()] });
    const first = load(file).findByNumberGroup('aq', 'local', 'business');
    assert.ok(first);
    assert.equal(load(file).findByNumberGroup('AQ', 'local', 'business')!.sid, first.sid);
    assert.ok(load(file).findBySid(GERMANY_LOCAL_BUSINESS), 'the built-in ones stay');
    const replaced = load(write({ mode: 'replace', regulations: [regulation()] }));
    assert.equal(replaced.items.length, 1);
  });

  const broken = (requirements: Record<string, unknown>) => regulation({ requirements: { ...regulation().requirements, ...requirements } });
  const mistakes: [string, unknown, RegExp][] = [
    ['a typo', { regulations: [regulation({ iso: 'AQ' })] }, /regulations\[0\] has the unknown key "iso"/],
    ['a bad number type', { regulations: [regulation({ number_type: 'landline' })] }, /regulations\[0\]\.number_type must be one of "local"/],
    ['a lowercase country', { regulations: [regulation({ iso_country: 'aq' })] }, /regulations\[0\]\.iso_country must be two capital letters/],
    ['an unknown end-user type', { regulations: [broken({ end_user: [{ name: 'X', type: 'robot', requirement_name: 'x', detailed_fields: [] }] })] }, /requirements\.end_user\[0\] names End-User Type "robot", which is not in that catalogue/],
    ['an unknown field', { regulations: [broken({ end_user: [{ name: 'X', type: 'individual', requirement_name: 'x', detailed_fields: [{ machine_name: 'shoe_size', friendly_name: 'Shoe Size' }] }] })] }, /asks for "shoe_size", which is not a field of End-User Type individual/],
    ['an unknown document type', { regulations: [broken({ supporting_document: [[{ name: 'P', type: 'document', requirement_name: 'p', accepted_documents: [{ name: 'Scroll', type: 'scroll', detailed_fields: [] }] }]] })] }, /accepted_documents\[0\] names Supporting Document Type "scroll"/],
    ['a number group twice', { regulations: [regulation(), regulation({ sid: `RN${'1'.repeat(32)}`, friendly_name: 'Atlantis again' })] }, /has the same country, number type and end-user type as/],
    ['a bad sid', { regulations: [regulation({ sid: 'RN123' })] }, /regulations\[0\]\.sid must be RN followed by 32 hex digits/],
  ];
  for (const [name, content, message] of mistakes) {
    test(`refuses ${name}, naming the file and the place`, () => {
      const file = write(content);
      assert.throws(() => load(file), (err: Error) => {
        assert.ok(err instanceof CatalogueError, String(err));
        assert.ok(err.message.includes(`REGULATIONS_FILE ${file}`), err.message);
        assert.match(err.message, message);
        return true;
      });
    });
  }
});
