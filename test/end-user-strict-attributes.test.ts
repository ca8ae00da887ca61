import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { backends } from './support/backends.js';
import type { TestServer } from './support/server.js';
import { regulationsFileFor } from './support/catalogues.js';
import { serverFor, startServer } from './support/server.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regcomp-strict-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Replaces the built-in types: only sole_trader is left. */
const SOLE_TRADER_ONLY = path.join(dir, 'sole-trader.json');
fs.writeFileSync(
  SOLE_TRADER_ONLY,
  JSON.stringify({
    mode: 'replace',
    end_user_types: [
      {
        machine_name: 'sole_trader',
        friendly_name: 'Sole Trader',
        fields: [
          { machine_name: 'trading_name', friendly_name: 'Trading Name', constraint: 'String' },
          { machine_name: 'vat_registered', friendly_name: 'VAT Registered', constraint: 'List', allowed_values: ['YES', 'NO'] },
        ],
      },
    ],
  }),
);

interface RestError {
  status: number;
  code: number;
  message: string;
}

/** Asserts Twilio's 400 20001 with exactly `message`. */
function invalid(message: string) {
  return (err: RestError) => {
    assert.equal(err.status, 400);
    assert.equal(err.code, 20001);
    assert.equal(err.message, message);
    return true;
  };
}

for (const backend of backends) {
  describe(`ATTRIBUTES_VALIDATION=strict with the built-in catalogue (${backend.name})`, () => {
    const server = serverFor(backend, { ATTRIBUTES_VALIDATION: 'strict' });
    const endUsers = () => server.sdk().numbers.v2.regulatoryCompliance.endUsers;

    test('fields of the type with valid values are accepted; absent fields are fine', async () => {
      const person = await endUsers().create({ friendlyName: 'Ada', type: 'individual', attributes: { first_name: 'Ada', email: 'ada@example.com' } });
      assert.deepEqual(person.attributes, { first_name: 'Ada', email: 'ada@example.com' });
      const company = await endUsers().create({
        friendlyName: 'Acme',
        type: 'business',
        attributes: { business_name: 'Acme', business_identity: 'DIRECT_CUSTOMER', is_subassigned: 'NO', comments: '' },
      });
      assert.equal((company.attributes as Record<string, string>).business_identity, 'DIRECT_CUSTOMER');
      assert.deepEqual((await endUsers().create({ friendlyName: 'Empty', type: 'business' })).attributes, {});
    });

    test('create refuses a key that is not a field of the type, naming attribute and type', async () => {
      await assert.rejects(
        endUsers().create({ friendlyName: 'Ada', type: 'individual', attributes: { first_name: 'Ada', business_name: 'Acme' } }),
        invalid('Invalid parameter Attributes: "business_name" is not a field of End-User Type individual'),
      );
    });

    test('create refuses values that break a constraint', async () => {
      await assert.rejects(
        endUsers().create({ friendlyName: 'Ada', type: 'individual', attributes: { first_name: 42 } }),
        invalid('Invalid parameter Attributes: "first_name" of End-User Type individual must be a string'),
      );
      await assert.rejects(
        endUsers().create({ friendlyName: 'Ada', type: 'individual', attributes: { last_name: { nested: 'no' } } }),
        invalid('Invalid parameter Attributes: "last_name" of End-User Type individual must be a string'),
      );
      await assert.rejects(
        endUsers().create({ friendlyName: 'Acme', type: 'business', attributes: { is_subassigned: 'MAYBE' } }),
        invalid('Invalid parameter Attributes: "is_subassigned" of End-User Type business must be one of YES, NO'),
      );
      await assert.rejects(
        endUsers().create({ friendlyName: 'Acme', type: 'business', attributes: { business_identity: 'direct_customer' } }),
        invalid('Invalid parameter Attributes: "business_identity" of End-User Type business must be one of DIRECT_CUSTOMER, INDEPENDENT_SOFTWARE_VENDOR'),
      );
      await assert.rejects(
        endUsers().create({ friendlyName: 'Acme', type: 'business', attributes: { is_subassigned: true } }),
        invalid('Invalid parameter Attributes: "is_subassigned" of End-User Type business must be one of YES, NO'),
      );
    });

    test('a refused create stores nothing; raw HTTP sees the same error body', async () => {
      const account = await server.newAccount();
      const response = await server.request('POST', '/v2/RegulatoryCompliance/EndUsers', {
        auth: account,
        body: new URLSearchParams({ FriendlyName: 'x', Type: 'individual', Attributes: '{"shoe_size":"9"}' }).toString(),
      });
      assert.equal(response.status, 400);
      assert.deepEqual(await response.json(), {
        code: 20001,
        message: 'Invalid parameter Attributes: "shoe_size" is not a field of End-User Type individual',
        more_info: 'https://www.twilio.com/docs/errors/20001',
        status: 400,
      });
      assert.deepEqual(await server.sdk(account).numbers.v2.regulatoryCompliance.endUsers.list(), []);
    });

    test('a long unknown key is cut short in the message', async () => {
      const key = 'k'.repeat(500);
      await assert.rejects(endUsers().create({ friendlyName: 'x', type: 'individual', attributes: { [key]: 'v' } }), (err: RestError) => {
        assert.equal(err.message, `Invalid parameter Attributes: "${'k'.repeat(64)}…" is not a field of End-User Type individual`);
        return true;
      });
    });

    test('the protective limits apply first, and other errors keep their order', async () => {
      await assert.rejects(
        endUsers().create({ friendlyName: 'x', type: 'individual', attributes: { first_name: 'x'.repeat(8193) } }),
        invalid('Invalid parameter Attributes: has a string longer than the limit of 8192 characters'),
      );
      const unparsable = await server.request('POST', '/v2/RegulatoryCompliance/EndUsers', { body: 'FriendlyName=x&Type=individual&Attributes=%5B%5D' });
      assert.equal(((await unparsable.json()) as { code: number }).code, 22207);
      await assert.rejects(endUsers().create({ friendlyName: 'x', type: 'robot' as 'individual', attributes: { nonsense: 1 } }), invalid('Invalid parameter Type: must be one of individual, business'));
    });

    test('update checks attributes against the end user\'s type; a refused update changes nothing', async () => {
      const user = await endUsers().create({ friendlyName: 'Acme', type: 'business', attributes: { business_name: 'Acme' } });
      const updated = await endUsers()(user.sid).update({ attributes: { business_name: 'Acme Ltd', is_subassigned: 'YES' } });
      assert.deepEqual(updated.attributes, { business_name: 'Acme Ltd', is_subassigned: 'YES' });

      await assert.rejects(
        endUsers()(user.sid).update({ friendlyName: 'Renamed', attributes: { favourite_colour: 'blue' } }),
        invalid('Invalid parameter Attributes: "favourite_colour" is not a field of End-User Type business'),
      );
      await assert.rejects(
        endUsers()(user.sid).update({ attributes: { business_identity: 'RESELLER' } }),
        invalid('Invalid parameter Attributes: "business_identity" of End-User Type business must be one of DIRECT_CUSTOMER, INDEPENDENT_SOFTWARE_VENDOR'),
      );
      const unchanged = await endUsers()(user.sid).fetch();
      assert.equal(unchanged.friendlyName, 'Acme');
      assert.deepEqual(unchanged.attributes, { business_name: 'Acme Ltd', is_subassigned: 'YES' });

      assert.equal((await endUsers()(user.sid).update({ friendlyName: 'Renamed' })).friendlyName, 'Renamed');
      assert.deepEqual((await endUsers()(user.sid).update({ attributes: {} })).attributes, {});
    });

    test('update of an unknown end user is 404 before any attribute check', async () => {
      await assert.rejects(
        endUsers()('IT00000000000000000000000000000000').update({ attributes: { favourite_colour: 'blue' } }),
        { status: 404, code: 20404 },
      );
      const other = await server.newAccount();
      const theirs = await server.sdk(other).numbers.v2.regulatoryCompliance.endUsers.create({ friendlyName: 'Theirs', type: 'individual' });
      await assert.rejects(endUsers()(theirs.sid).update({ attributes: { first_name: 'Mine' } }), { status: 404, code: 20404 });
    });
  });

  describe(`End-User Type and strict attributes follow a custom catalogue (${backend.name})`, () => {
    let databaseUrl: string;
    let builtIn: TestServer;
    let custom: TestServer;
    let openCustom: TestServer;
    before(async () => {
      databaseUrl = await backend.fresh();
      // Three servers on one store: the built-in catalogue, then the replacing file (strict and open).
      builtIn = await startServer(databaseUrl);
      const REGULATIONS_FILE = regulationsFileFor('sole_trader', 'trading_name');
      custom = await startServer(databaseUrl, { ATTRIBUTES_VALIDATION: 'strict', END_USER_TYPES_FILE: SOLE_TRADER_ONLY, REGULATIONS_FILE });
      openCustom = await startServer(databaseUrl, { END_USER_TYPES_FILE: SOLE_TRADER_ONLY, REGULATIONS_FILE });
    });
    after(async () => {
      await builtIn?.close();
      await custom?.close();
      await openCustom?.close();
      await backend.cleanup();
    });

    test('End-Users accept exactly the catalogue\'s types', async () => {
      const endUsers = custom.sdk().numbers.v2.regulatoryCompliance.endUsers;
      const trader = await endUsers.create({ friendlyName: 'Bob', type: 'sole_trader' as 'business', attributes: { trading_name: 'Bob\'s', vat_registered: 'NO' } });
      assert.equal(trader.type, 'sole_trader');
      await assert.rejects(endUsers.create({ friendlyName: 'Acme', type: 'business' }), invalid('Invalid parameter Type: must be one of sole_trader'));
      const open = await openCustom.sdk().numbers.v2.regulatoryCompliance.endUsers.create({ friendlyName: 'Open', type: 'sole_trader' as 'business', attributes: { anything: 1 } });
      assert.deepEqual(open.attributes, { anything: 1 }, 'open mode checks the type, not the attributes');
    });

    test('strict checks use the custom fields and name the custom type', async () => {
      const endUsers = custom.sdk().numbers.v2.regulatoryCompliance.endUsers;
      await assert.rejects(
        endUsers.create({ friendlyName: 'Bob', type: 'sole_trader' as 'business', attributes: { vat_registered: 'SOMETIMES' } }),
        invalid('Invalid parameter Attributes: "vat_registered" of End-User Type sole_trader must be one of YES, NO'),
      );
      await assert.rejects(
        endUsers.create({ friendlyName: 'Bob', type: 'sole_trader' as 'business', attributes: { first_name: 'Bob' } }),
        invalid('Invalid parameter Attributes: "first_name" is not a field of End-User Type sole_trader'),
      );
    });

    test('an end user whose type left the catalogue keeps working; strict mode accepts only {} for it', async () => {
      const made = await builtIn.sdk().numbers.v2.regulatoryCompliance.endUsers.create({ friendlyName: 'Ada', type: 'individual', attributes: { first_name: 'Ada' } });
      const endUsers = custom.sdk(builtIn.account).numbers.v2.regulatoryCompliance.endUsers;
      assert.equal((await endUsers(made.sid).fetch()).type, 'individual');
      assert.equal((await endUsers(made.sid).update({ friendlyName: 'Ada L.' })).friendlyName, 'Ada L.');
      await assert.rejects(
        endUsers(made.sid).update({ attributes: { first_name: 'Ada' } }),
        invalid('Invalid parameter Attributes: End-User Type individual is no longer in the catalogue, so only {} is accepted'),
      );
      assert.deepEqual((await endUsers(made.sid).update({ attributes: {} })).attributes, {});
    });
  });
}
