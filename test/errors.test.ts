import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends } from './support/backends.js';
import type { TestServer } from './support/server.js';
import { startServer } from './support/server.js';
import { expectTwilioError } from './support/twilio.js';

const LIST = '/v2/RegulatoryCompliance/EndUsers';

const expectError = expectTwilioError;

for (const backend of backends) {
  describe(`Twilio errors on the wire (${backend.name})`, () => {
    let server: TestServer;
    let sid: string;
    before(async () => {
      server = await startServer(await backend.fresh());
      const created = await server.request('POST', LIST, { body: 'FriendlyName=Target&Type=individual' });
      sid = ((await created.json()) as { sid: string }).sid;
    });
    after(async () => {
      await server?.close();
      await backend.cleanup();
    });
    const post = (body: string, path = LIST) => server.request('POST', path, { body });

    test('missing required parameters name the parameter (20001)', async () => {
      await expectError(await post(''), 400, 20001, /^Missing required parameter FriendlyName in the post body$/);
      await expectError(await post('Type=individual'), 400, 20001, /FriendlyName/);
      await expectError(await post('FriendlyName=A'), 400, 20001, /^Missing required parameter Type in the post body$/);
      await expectError(await post('FriendlyName=&Type=individual'), 400, 20001, /FriendlyName/);
    });

    test('invalid values name the parameter (20001)', async () => {
      await expectError(await post('FriendlyName=A&Type=Individual'), 400, 20001, /Invalid parameter Type/);
      await expectError(await post(`FriendlyName=${'x'.repeat(257)}&Type=individual`), 400, 20001, /Invalid parameter FriendlyName/);
      await expectError(await post('FriendlyName=a%00b&Type=individual'), 400, 20001, /Invalid parameter FriendlyName/);
      await expectError(await post('FriendlyName=', `${LIST}/${sid}`), 400, 20001, /Invalid parameter FriendlyName/);
    });

    test('Attributes that are not a JSON object get 22207', async () => {
      for (const attributes of ['not json', '[1,2]', '"text"', '42', 'null', '{"a":', '{"a":1}x', '{"a":1,"a":2}']) {
        const body = new URLSearchParams({ FriendlyName: 'A', Type: 'business', Attributes: attributes }).toString();
        await expectError(await post(body), 400, 22207, /attributes JSON/);
        await expectError(await post(new URLSearchParams({ Attributes: attributes }).toString(), `${LIST}/${sid}`), 400, 22207, /attributes JSON/);
      }
    });

    test('unknown or malformed SIDs and unknown routes are 404 (20404) for every method', async () => {
      const unknown = `IT${'0'.repeat(32)}`;
      for (const target of [unknown, 'ITnothex', 'IT123', `RD${'a'.repeat(32)}`, `IT${'a'.repeat(32)}%27%20OR%201=1--`]) {
        const path = `${LIST}/${target}`;
        const message = new RegExp(`^The requested resource /v2/RegulatoryCompliance/EndUsers/${target.replace(/[^a-zA-Z0-9]/g, '.')} was not found$`);
        await expectError(await server.request('GET', path), 404, 20404, message);
        await expectError(await post('FriendlyName=x', path), 404, 20404, message);
        await expectError(await server.request('DELETE', path), 404, 20404, message);
      }
      await expectError(await server.request('GET', '/v2/RegulatoryCompliance/Nothing'), 404, 20404, /Nothing was not found/);
      await expectError(await server.request('GET', '/', { auth: null }), 404, 20404, /^The requested resource \/ was not found$/);
    });

    test('wrong methods are 405 (20004)', async () => {
      await expectError(await server.request('PUT', LIST, { body: 'a=b' }), 405, 20004, /Method not allowed/);
      await expectError(await server.request('DELETE', LIST), 405, 20004, /Method not allowed/);
      await expectError(await server.request('PATCH', `${LIST}/${sid}`, { body: 'a=b' }), 405, 20004, /Method not allowed/);
    });

    test('bodies over 1 MiB are 413 and nothing is stored', async () => {
      const before = await server.request('GET', `${LIST}?PageSize=1000`);
      const count = ((await before.json()) as { results: unknown[] }).results.length;
      const huge = `FriendlyName=Big&Type=individual&Attributes=${encodeURIComponent(JSON.stringify({ blob: 'z'.repeat(1024 * 1024) }))}`;
      await expectError(await post(huge), 413, 20413, /too large/);
      const afterwards = await server.request('GET', `${LIST}?PageSize=1000`);
      assert.equal(((await afterwards.json()) as { results: unknown[] }).results.length, count);
    });

    test('other media types are read as an empty form; odd encodings do not break anything', async () => {
      const json = await server.request('POST', LIST, {
        body: JSON.stringify({ FriendlyName: 'A', Type: 'individual' }),
        headers: { 'content-type': 'application/json' },
      });
      await expectError(json, 400, 20001, /Missing required parameter FriendlyName/);
      // Percent-encoding that is malformed or not UTF-8 is refused, never stored as U+FFFD.
      await expectError(await post('FriendlyName=%E0%A4%A&Type=individual&Attributes=%7B%7D'), 400, 20001, /Invalid parameter FriendlyName/);
      const sqlish = await post(`FriendlyName=${encodeURIComponent("Robert'); DROP TABLE end_users;--")}&Type=individual`);
      assert.equal(((await sqlish.json()) as { friendly_name: string }).friendly_name, "Robert'); DROP TABLE end_users;--");
      const stillThere = await server.request('GET', `${LIST}/${sid}`);
      assert.equal(stillThere.status, 200);
    });

    test('paging parameters are checked: 20007 above 1000, 20001 otherwise, 21481 for bad tokens', async () => {
      await expectError(await server.request('GET', `${LIST}?PageSize=1001`), 400, 20007, /Page size too large/);
      await expectError(await server.request('GET', `${LIST}?PageSize=99999999999999999999`), 400, 20007, /Page size/);
      for (const bad of ['0', '-1', 'abc', '1.5']) {
        await expectError(await server.request('GET', `${LIST}?PageSize=${bad}`), 400, 20001, /Invalid parameter PageSize/);
      }
      await expectError(await server.request('GET', `${LIST}?Page=-1`), 400, 20001, /Invalid parameter Page/);
      for (const bad of ['garbage', 'PA', 'PAxyz', `PA${sid}`, 'PB' + Buffer.from('5.abc').toString('base64url'), 'PT' + 'A'.repeat(500)]) {
        await expectError(await server.request('GET', `${LIST}?PageToken=${encodeURIComponent(bad)}`), 400, 21481, /Invalid PageToken/);
      }
    });
  });
}
