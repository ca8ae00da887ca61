import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { backends } from './support/backends.js';
import { assertMatchesSpec } from './support/openapi.js';
import { serverFor } from './support/server.js';

const LIST_PATH = '/v2/RegulatoryCompliance/EndUserTypes';
// Written out: these must never change, users keep them in fixtures.
const INDIVIDUAL_SID = 'OY708ce23166d7eafca3e954a76ad650f6';
const BUSINESS_SID = 'OY619307042ce9623d9c460eee895ec3c8';

const BUILT_IN = [
  {
    sid: INDIVIDUAL_SID,
    friendly_name: 'Individual',
    machine_name: 'individual',
    fields: [
      { friendly_name: 'First Name', machine_name: 'first_name', constraint: 'String' },
      { friendly_name: 'Last Name', machine_name: 'last_name', constraint: 'String' },
      { friendly_name: 'Email', machine_name: 'email', constraint: 'String' },
      { friendly_name: 'Nationality', machine_name: 'nationality', constraint: 'String' },
    ],
  },
  {
    sid: BUSINESS_SID,
    friendly_name: 'Business',
    machine_name: 'business',
    fields: [
      { friendly_name: 'Business Name', machine_name: 'business_name', constraint: 'String' },
      { friendly_name: 'Business Registration Number', machine_name: 'business_registration_number', constraint: 'String' },
      { friendly_name: 'Business Website', machine_name: 'business_website', constraint: 'String' },
      { friendly_name: 'Business Purpose', machine_name: 'business_purpose', constraint: 'String' },
      { friendly_name: 'Business Identity', machine_name: 'business_identity', constraint: 'List' },
      { friendly_name: 'Is Subassigned', machine_name: 'is_subassigned', constraint: 'List' },
      { friendly_name: 'First Name', machine_name: 'first_name', constraint: 'String' },
      { friendly_name: 'Last Name', machine_name: 'last_name', constraint: 'String' },
      { friendly_name: 'Email', machine_name: 'email', constraint: 'String' },
      { friendly_name: 'Comments', machine_name: 'comments', constraint: 'String' },
    ],
  },
];

test('type SIDs are OY + the first 32 hex digits of sha256("regcomp:end-user-type:" + machine_name)', () => {
  for (const [name, sid] of [['individual', INDIVIDUAL_SID], ['business', BUSINESS_SID]] as const) {
    assert.equal(sid, 'OY' + createHash('sha256').update(`regcomp:end-user-type:${name}`).digest('hex').slice(0, 32));
  }
});

for (const backend of backends) {
  describe(`End-User Types (${backend.name})`, () => {
    const server = serverFor(backend);
    const endUserTypes = () => server.sdk().numbers.v2.regulatoryCompliance.endUserTypes;
    const withUrl = (type: (typeof BUILT_IN)[number]) => ({ ...type, url: `${server.origin}${LIST_PATH}/${type.sid}` });

    test('the SDK lists and fetches the built-in catalogue', async () => {
      const listed = await endUserTypes().list();
      assert.deepEqual(
        listed.map((t) => ({ sid: t.sid, friendly_name: t.friendlyName, machine_name: t.machineName, fields: t.fields, url: t.url })),
        BUILT_IN.map(withUrl),
      );
      for (const expected of BUILT_IN) {
        const fetched = await endUserTypes()(expected.sid).fetch();
        assert.equal(fetched.machineName, expected.machine_name);
        assert.deepEqual(fetched.fields, expected.fields);
        assert.equal(fetched.url, `${server.origin}${LIST_PATH}/${expected.sid}`);
      }
    });

    test('responses match Twilio\'s OpenAPI document, fields show only names and constraint', async () => {
      const list = await server.request('GET', LIST_PATH);
      assert.equal(list.status, 200);
      assert.match(list.headers.get('content-type') ?? '', /^application\/json/);
      const body = (await list.json()) as { end_user_types: unknown[]; meta: Record<string, unknown> };
      assertMatchesSpec(LIST_PATH, 'GET', 200, body);
      assert.deepEqual(Object.keys(body), ['end_user_types', 'meta']);
      assert.deepEqual(body.end_user_types, BUILT_IN.map(withUrl));
      assert.deepEqual(body.meta, {
        page: 0,
        page_size: 50,
        first_page_url: `${server.origin}${LIST_PATH}?PageSize=50&Page=0`,
        previous_page_url: null,
        url: `${server.origin}${LIST_PATH}?PageSize=50&Page=0`,
        next_page_url: null,
        key: 'end_user_types',
      });

      const fetch = await server.request('GET', `${LIST_PATH}/${BUSINESS_SID}`);
      assert.equal(fetch.status, 200);
      const type = (await fetch.json()) as Record<string, unknown>;
      assertMatchesSpec(`${LIST_PATH}/{Sid}`, 'GET', 200, type);
      assert.deepEqual(Object.keys(type), ['sid', 'friendly_name', 'machine_name', 'fields', 'url']);
      for (const field of type.fields as object[]) assert.deepEqual(Object.keys(field), ['friendly_name', 'machine_name', 'constraint']);
    });

    test('pages with PageSize and PageToken, forwards and back', async () => {
      const first = await endUserTypes().page({ pageSize: 1 });
      assert.deepEqual(first.instances.map((t) => t.machineName), ['individual']);
      const second = (await first.nextPage())!;
      assert.deepEqual(second.instances.map((t) => t.machineName), ['business']);
      assert.ok(!second.nextPageUrl);
      const back = (await second.previousPage())!;
      assert.deepEqual(back.instances.map((t) => t.machineName), ['individual']);
      assert.deepEqual((await endUserTypes().list({ pageSize: 1 })).map((t) => t.sid), [INDIVIDUAL_SID, BUSINESS_SID]);
      assert.deepEqual((await endUserTypes().list({ limit: 1 })).map((t) => t.sid), [INDIVIDUAL_SID]);

      const raw = await server.request('GET', `${LIST_PATH}?PageSize=1&Page=0`);
      const meta = ((await raw.json()) as { meta: { next_page_url: string } }).meta;
      assert.match(meta.next_page_url, new RegExp(`^${server.origin}${LIST_PATH}\\?PageSize=1&Page=1&PageToken=PA`));
      const next = await server.request('GET', meta.next_page_url.slice(server.origin.length));
      assertMatchesSpec(LIST_PATH, 'GET', 200, await next.json());
    });

    test('bad paging parameters are Twilio\'s 400s', async () => {
      const cases: [string, number][] = [
        ['PageSize=1001', 20007],
        ['PageSize=0', 20001],
        ['Page=x', 20001],
        ['PageToken=PAnonsense', 21481],
        ['PageToken=bogus', 21481],
      ];
      for (const [query, code] of cases) {
        const response = await server.request('GET', `${LIST_PATH}?${query}`);
        assert.equal(response.status, 400, query);
        assert.equal(((await response.json()) as { code: number }).code, code, query);
      }
      // A token minted for End-Users does not page End-User Types.
      for (let i = 0; i < 2; i++) await server.sdk().numbers.v2.regulatoryCompliance.endUsers.create({ friendlyName: `u${i}`, type: 'individual' });
      const users = await server.request('GET', '/v2/RegulatoryCompliance/EndUsers?PageSize=1');
      const token = new URL(((await users.json()) as { meta: { next_page_url: string } }).meta.next_page_url).searchParams.get('PageToken')!;
      const replayed = await server.request('GET', `${LIST_PATH}?PageToken=${token}`);
      assert.equal(replayed.status, 400);
    });

    test('unknown or malformed SIDs are 404 20404; wrong methods 405; no credentials 401', async () => {
      // Real regulations link types by machine name, so a name fetches; an unknown one does not.
      assert.equal(((await (await server.request('GET', `${LIST_PATH}/individual`)).json()) as { sid: string }).sid, INDIVIDUAL_SID);
      for (const sid of ['OY00000000000000000000000000000000', 'OYnothex', INDIVIDUAL_SID.replace('OY', 'IT'), 'no_such_type']) {
        const response = await server.request('GET', `${LIST_PATH}/${sid}`);
        assert.equal(response.status, 404, sid);
        assert.deepEqual(await response.json(), {
          code: 20404,
          message: `The requested resource ${LIST_PATH}/${sid} was not found`,
          more_info: 'https://www.twilio.com/docs/errors/20404',
          status: 404,
        });
      }
      await assert.rejects(endUserTypes()('OY00000000000000000000000000000000').fetch(), { status: 404, code: 20404 });

      for (const [method, path] of [['POST', LIST_PATH], ['DELETE', LIST_PATH], ['POST', `${LIST_PATH}/${BUSINESS_SID}`], ['DELETE', `${LIST_PATH}/${BUSINESS_SID}`]] as const) {
        const response = await server.request(method, path, { body: '' });
        assert.equal(response.status, 405, `${method} ${path}`);
        assert.equal(((await response.json()) as { code: number }).code, 20004);
        assert.equal(response.headers.get('allow'), 'GET, HEAD');
      }

      for (const path of [LIST_PATH, `${LIST_PATH}/${BUSINESS_SID}`]) {
        const anonymous = await server.request('GET', path, { auth: null });
        assert.equal(anonymous.status, 401);
        assert.equal(((await anonymous.json()) as { code: number }).code, 20003);
        const wrong = await server.request('GET', path, { auth: { sid: server.account.sid, token: 'wrong' } });
        assert.equal(wrong.status, 401);
      }
    });

    test('every account sees the same catalogue and SIDs', async () => {
      const other = await server.newAccount();
      const listed = await server.sdk(other).numbers.v2.regulatoryCompliance.endUserTypes.list();
      assert.deepEqual(listed.map((t) => t.sid), [INDIVIDUAL_SID, BUSINESS_SID]);
    });
  });
}
