import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.js';
import { CatalogueError } from '../src/catalogue/load.js';
import { catalogueSid } from '../src/catalogue/sid.js';
import { loadTypeCatalogue } from '../src/catalogue/type-catalogue.js';
import { endUserTypesSpec } from '../src/resources/end-user-types/spec.js';

const endUserTypeSid = (machineName: string) => catalogueSid('OY', 'end-user-type', machineName);
const loadEndUserTypes = (file?: string) => loadTypeCatalogue(endUserTypesSpec, file);
import { backends } from './support/backends.js';
import { assertMatchesSpec } from './support/openapi.js';
import type { TestServer } from './support/server.js';
import { regulationsFileFor } from './support/catalogues.js';
import { spawnServer, startServer } from './support/server.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regcomp-catalogue-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let written = 0;

/** Writes `content` (JSON-encoded unless a string) to a new file and returns its path. */
function catalogueFile(content: unknown): string {
  const file = path.join(dir, `catalogue-${written++}.json`);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

const PINNED_SID = 'OY0123456789abcdef0123456789abcdef';
const SOLE_TRADER = {
  sid: PINNED_SID,
  machine_name: 'sole_trader',
  friendly_name: 'Sole Trader',
  fields: [
    { machine_name: 'trading_name', friendly_name: 'Trading Name', constraint: 'String' },
    { machine_name: 'vat_registered', friendly_name: 'VAT Registered', constraint: 'List', allowed_values: ['YES', 'NO'] },
  ],
};
const INDIVIDUAL_WITH_PHONE = {
  machine_name: 'individual',
  friendly_name: 'Individual',
  fields: [
    { machine_name: 'first_name', friendly_name: 'First Name', constraint: 'String' },
    { machine_name: 'phone_number', friendly_name: 'Phone Number', constraint: 'String' },
  ],
};

describe('loading the catalogue', () => {
  test('without a file: the built-in individual and business types', () => {
    const catalogue = loadEndUserTypes(undefined);
    assert.deepEqual(catalogue.machineNames(), ['individual', 'business']);
    const business = catalogue.findByMachineName('business')!;
    assert.equal(business.sid, endUserTypeSid('business'));
    assert.deepEqual(business.fieldsByName.get('business_identity')?.allowedValues, ['DIRECT_CUSTOMER', 'INDEPENDENT_SOFTWARE_VENDOR']);
    assert.deepEqual(business.fieldsByName.get('is_subassigned')?.allowedValues, ['YES', 'NO']);
  });

  test('extend (the default): a type of the same name is replaced whole, new types follow', () => {
    const catalogue = loadEndUserTypes(catalogueFile({ end_user_types: [SOLE_TRADER, INDIVIDUAL_WITH_PHONE] }));
    assert.deepEqual(catalogue.machineNames(), ['individual', 'business', 'sole_trader']);
    assert.deepEqual(catalogue.findByMachineName('individual')!.fields.map((f) => f.machineName), ['first_name', 'phone_number']);
    assert.equal(catalogue.findByMachineName('individual')!.sid, endUserTypeSid('individual'), 'the derived SID survives a replacement');
    assert.equal(catalogue.findBySid(PINNED_SID)?.machineName, 'sole_trader');
  });

  test('replace: the file is the whole catalogue', () => {
    const catalogue = loadEndUserTypes(catalogueFile({ mode: 'replace', end_user_types: [SOLE_TRADER] }));
    assert.deepEqual(catalogue.machineNames(), ['sole_trader']);
    assert.equal(catalogue.findByMachineName('business'), undefined);
  });

  const type = (overrides: Record<string, unknown>) => ({ machine_name: 'custom', friendly_name: 'Custom', fields: [], ...overrides });
  const field = (overrides: Record<string, unknown>) => ({ machine_name: 'f', friendly_name: 'F', constraint: 'String', ...overrides });
  const mistakes: [string, unknown, RegExp][] = [
    ['invalid JSON', '{"end_user_types": [', /is not valid JSON: /],
    ['not an object', [], /the document must be a JSON object/],
    ['a typo at the top', { end_user_type: [] }, /the document has the unknown key "end_user_type"/],
    ['no types', { end_user_types: [] }, /end_user_types must be a non-empty array/],
    ['an unknown mode', { mode: 'merge', end_user_types: [type({})] }, /mode must be one of "extend", "replace", got "merge"/],
    ['a bad machine name', { end_user_types: [type({ machine_name: 'Sole Trader' })] }, /end_user_types\[0\]\.machine_name must be lowercase snake_case/],
    ['a blank friendly name', { end_user_types: [type({ friendly_name: ' ' })] }, /end_user_types\[0\]\.friendly_name must be a non-blank string/],
    ['a type twice', { end_user_types: [type({}), type({})] }, /end_user_types lists "custom" twice/],
    ['a bad sid', { end_user_types: [type({ sid: 'IT0123456789abcdef0123456789abcdef' })] }, /end_user_types\[0\]\.sid must be OY followed by 32 hex digits/],
    ['two types, one sid', { end_user_types: [type({ sid: PINNED_SID }), type({ machine_name: 'other', sid: PINNED_SID })] }, /types custom and other have the same sid/],
    ['a pinned sid taken by a built-in type', { end_user_types: [type({ sid: endUserTypeSid('business') })] }, /types business and custom have the same sid/],
    ['fields not an array', { end_user_types: [type({ fields: {} })] }, /end_user_types\[0\]\.fields must be an array/],
    ['an unknown constraint', { end_user_types: [type({ fields: [field({ constraint: 'Enum' })] })] }, /fields\[0\]\.constraint must be one of "String", "List", got "Enum"/],
    ['a typo in a field', { end_user_types: [type({ fields: [field({ allowed_value: ['A'] })] })] }, /fields\[0\] has the unknown key "allowed_value"/],
    ['a List without values', { end_user_types: [type({ fields: [field({ constraint: 'List' })] })] }, /fields\[0\]\.allowed_values must be a non-empty array of strings/],
    ['a List value not a string', { end_user_types: [type({ fields: [field({ constraint: 'List', allowed_values: ['A', 1] })] })] }, /fields\[0\]\.allowed_values\[1\] must be a non-blank string/],
    ['a List value twice', { end_user_types: [type({ fields: [field({ constraint: 'List', allowed_values: ['A', 'A'] })] })] }, /allowed_values lists "A" twice/],
    ['values on a String field', { end_user_types: [type({ fields: [field({ allowed_values: ['A'] })] })] }, /fields\[0\]\.allowed_values is only for List fields/],
    ['a field twice', { end_user_types: [type({ fields: [field({}), field({})] })] }, /end_user_types\[0\]\.fields lists "f" twice/],
  ];
  for (const [name, content, message] of mistakes) {
    test(`refuses ${name}, naming the file and the place`, () => {
      const file = catalogueFile(content);
      assert.throws(() => loadEndUserTypes(file), (err: Error) => {
        assert.ok(err instanceof CatalogueError && err instanceof ConfigError);
        assert.ok(err.message.startsWith(`END_USER_TYPES_FILE ${file}`), err.message);
        assert.match(err.message, message);
        return true;
      });
    });
  }

  test('refuses a file it cannot read', () => {
    assert.throws(() => loadEndUserTypes(path.join(dir, 'missing.json')), /END_USER_TYPES_FILE .*missing\.json cannot be read: ENOENT/);
  });
});

describe('configuration', () => {
  test('END_USER_TYPES_FILE is resolved to an absolute path; ATTRIBUTES_VALIDATION is open or strict', () => {
    const config = loadConfig({ END_USER_TYPES_FILE: 'types.json' });
    assert.equal(config.endUserTypesFile, path.resolve('types.json'));
    assert.equal(config.attributesValidation, 'open');
    assert.equal(loadConfig({}).endUserTypesFile, undefined);
    assert.equal(loadConfig({ ATTRIBUTES_VALIDATION: 'strict' }).attributesValidation, 'strict');
    assert.throws(() => loadConfig({ ATTRIBUTES_VALIDATION: 'loose' }), (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, 'ATTRIBUTES_VALIDATION must be one of open, strict, got loose');
      return true;
    });
  });
});

for (const backend of backends) {
  describe(`a custom catalogue served (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      const file = catalogueFile({ end_user_types: [INDIVIDUAL_WITH_PHONE, SOLE_TRADER] });
      // Its individual type drops last_name, which the built-in regulations ask for.
      server = await startServer(await backend.fresh(), { END_USER_TYPES_FILE: file, REGULATIONS_FILE: regulationsFileFor('individual', 'first_name') });
    });
    after(async () => {
      await server?.close();
      await backend.cleanup();
    });

    test('the SDK lists and fetches the extended catalogue; List values are not shown', async () => {
      const types = server.sdk().numbers.v2.regulatoryCompliance.endUserTypes;
      const listed = await types.list();
      assert.deepEqual(listed.map((t) => t.machineName), ['individual', 'business', 'sole_trader']);
      assert.deepEqual(listed[0]!.fields, [
        { friendly_name: 'First Name', machine_name: 'first_name', constraint: 'String' },
        { friendly_name: 'Phone Number', machine_name: 'phone_number', constraint: 'String' },
      ]);
      const soleTrader = await types(PINNED_SID).fetch();
      assert.equal(soleTrader.friendlyName, 'Sole Trader');
      assert.deepEqual(soleTrader.fields, [
        { friendly_name: 'Trading Name', machine_name: 'trading_name', constraint: 'String' },
        { friendly_name: 'VAT Registered', machine_name: 'vat_registered', constraint: 'List' },
      ]);
      const raw = await server.request('GET', `/v2/RegulatoryCompliance/EndUserTypes/${PINNED_SID}`);
      assertMatchesSpec('/v2/RegulatoryCompliance/EndUserTypes/{Sid}', 'GET', 200, await raw.json());
    });
  });

  describe(`a bad catalogue file stops the server (${backend.name})`, () => {
    after(() => backend.cleanup());

    test('exit code 1 and one clear line, no stack trace', async () => {
      const file = catalogueFile({ end_user_types: [{ machine_name: 'x', friendly_name: 'X', fields: [{ machine_name: 'y', friendly_name: 'Y', constraint: 'Enum' }] }] });
      const started = spawnServer({ DATABASE_URL: await backend.fresh(), END_USER_TYPES_FILE: file });
      await assert.rejects(started, (err: Error) => {
        assert.match(err.message, /server exited \(1\) before listening/);
        assert.ok(
          err.message.includes(`regcomp: END_USER_TYPES_FILE ${file}: end_user_types[0].fields[0].constraint must be one of "String", "List", got "Enum"\n`),
          err.message,
        );
        assert.doesNotMatch(err.message, /\n\s+at /, 'no stack trace');
        return true;
      });
    });
  });
}
