import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backends } from './support/backends.js';
import { serverFor } from './support/server.js';

// The documented limits, written out so that changing one is a deliberate act (docs too).
const MAX_BYTES = 65536;
const MAX_DEPTH = 8;
const MAX_KEYS = 200;
const MAX_VALUES = 2000;
const MAX_STRING = 8192;

/** A compact JSON object of exactly `bytes` bytes, its strings within the string limit. */
function objectOfBytes(bytes: number): string {
  const members: string[] = [];
  let size = 2;
  for (let i = 0; ; i++) {
    const overhead = (members.length > 0 ? 1 : 0) + `"k${i}":""`.length;
    const room = bytes - size - overhead;
    const length = Math.min(room, 8000);
    members.push(`"k${i}":"${'x'.repeat(length)}"`);
    size += overhead + length;
    if (length === room) break;
  }
  const text = `{${members.join(',')}}`;
  assert.equal(Buffer.byteLength(text), bytes);
  return text;
}

function nested(levels: number): string {
  return '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);
}

function objectWithKeys(count: number): string {
  return `{${Array.from({ length: count }, (_, i) => `"k${i}":1`).join(',')}}`;
}

/** `{"list":[0,0,…]}`: the array plus its elements make `values` values. */
function objectWithValues(values: number): string {
  return `{"list":[${Array(values - 1).fill('0').join(',')}]}`;
}

for (const backend of backends) {
  describe(`End-User Attributes limits (${backend.name})`, () => {
    const server = serverFor(backend);

    const create = (attributes: string) =>
      server.request('POST', '/v2/RegulatoryCompliance/EndUsers', {
        body: new URLSearchParams({ FriendlyName: 'Limits', Type: 'business', Attributes: attributes }).toString(),
      });

    async function assertAccepted(attributes: string): Promise<void> {
      const response = await create(attributes);
      assert.equal(response.status, 201, await response.text());
    }

    async function assertRefused(attributes: string, message: RegExp): Promise<void> {
      const response = await create(attributes);
      const body = (await response.json()) as { code: number; message: string; status: number };
      assert.equal(response.status, 400);
      assert.deepEqual({ code: body.code, status: body.status }, { code: 20001, status: 400 });
      assert.match(body.message, message);
      assert.match(body.message, /^Invalid parameter Attributes: /);
    }

    test(`total size: ${MAX_BYTES} bytes of compact JSON, white space outside strings not counted`, async () => {
      await assertAccepted(objectOfBytes(MAX_BYTES));
      await assertAccepted(objectOfBytes(MAX_BYTES).replaceAll(',"', ',\n  "'));
      await assertRefused(objectOfBytes(MAX_BYTES + 1), new RegExp(`limit of ${MAX_BYTES} bytes`));
    });

    test(`nesting: ${MAX_DEPTH} levels, the top-level object counting as one`, async () => {
      await assertAccepted(nested(MAX_DEPTH));
      await assertRefused(nested(MAX_DEPTH + 1), new RegExp(`limit of ${MAX_DEPTH} levels`));
      await assertRefused(`{"a":${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}}`, new RegExp(`limit of ${MAX_DEPTH} levels`));
    });

    test(`keys: ${MAX_KEYS} in any one object`, async () => {
      await assertAccepted(objectWithKeys(MAX_KEYS));
      await assertRefused(objectWithKeys(MAX_KEYS + 1), new RegExp(`limit of ${MAX_KEYS} keys`));
      await assertRefused(`{"inner":${objectWithKeys(MAX_KEYS + 1)}}`, new RegExp(`limit of ${MAX_KEYS} keys`));
    });

    test(`values: ${MAX_VALUES} in all, at any depth`, async () => {
      await assertAccepted(objectWithValues(MAX_VALUES));
      await assertRefused(objectWithValues(MAX_VALUES + 1), new RegExp(`limit of ${MAX_VALUES} values`));
      const mixed = `{"a":[${Array(MAX_VALUES / 4).fill('{"s":"x","t":true,"n":null}').join(',')}]}`;
      await assertRefused(mixed, new RegExp(`limit of ${MAX_VALUES} values`));
    });

    test(`strings: ${MAX_STRING} characters as written, keys included`, async () => {
      await assertAccepted(`{"a":"${'x'.repeat(MAX_STRING)}"}`);
      await assertRefused(`{"a":"${'x'.repeat(MAX_STRING + 1)}"}`, new RegExp(`limit of ${MAX_STRING} characters`));
      await assertRefused(`{"${'k'.repeat(MAX_STRING + 1)}":1}`, new RegExp(`limit of ${MAX_STRING} characters`));
    });

    test('the SDK meets the same limits as a RestException', async () => {
      const endUsers = server.sdk().numbers.v2.regulatoryCompliance.endUsers;
      const deep = JSON.parse(nested(MAX_DEPTH + 1)) as object;
      await assert.rejects(endUsers.create({ friendlyName: 'Deep', type: 'individual', attributes: deep }), (err: { status: number; code: number; message: string }) => {
        assert.equal(err.status, 400);
        assert.equal(err.code, 20001);
        assert.match(err.message, /Attributes.*limit of 8 levels/);
        return true;
      });
      const user = await endUsers.create({ friendlyName: 'Shallow', type: 'individual' });
      await assert.rejects(endUsers(user.sid).update({ attributes: { a: 'x'.repeat(MAX_STRING + 1) } }), { status: 400, code: 20001 });
    });

    test('within the limits any JSON object is accepted and kept as sent', async () => {
      const attributes = { anything: { goes: [1, 2.5, -3e2, true, false, null, 'é'] }, '': '', first_name: 42 };
      const created = await server.sdk().numbers.v2.regulatoryCompliance.endUsers.create({
        friendlyName: 'Open',
        type: 'individual',
        attributes,
      });
      assert.deepEqual(created.attributes, attributes);
    });
  });
}
