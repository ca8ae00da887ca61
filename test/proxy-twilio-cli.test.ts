import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { backends } from './support/backends.js';
import { projectRoot } from './support/paths.js';
import { clientEnv, proxiedServerFor, runChild } from './support/proxy.js';
import type { ChildResult } from './support/proxy.js';

const TWILIO = path.join(projectRoot, 'node_modules/twilio-cli/bin/run');
const COMMAND = 'api:numbers:v2:regulatory-compliance:end-users';

interface EndUserOut {
  sid: string;
  friendlyName: string;
  type: string;
  url: string;
}

// The CLI is one more client of the same app: one store suffices (its startup costs seconds).
describe('twilio-cli, unchanged, through the proxy (HTTPS_PROXY, NODE_EXTRA_CA_CERTS)', () => {
  const server = proxiedServerFor(backends[0]!);
  let home = '';
  before(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'regcomp-twilio-cli-'));
  });
  after(() => fs.rmSync(home, { recursive: true, force: true }));

  const twilio = (...args: string[]): Promise<ChildResult> =>
    runChild(
      process.execPath,
      [TWILIO, ...args],
      clientEnv(home, {
        HTTPS_PROXY: server.proxy.url,
        NODE_EXTRA_CA_CERTS: server.proxy.caCertPath,
        TWILIO_ACCOUNT_SID: server.account.sid,
        TWILIO_AUTH_TOKEN: server.account.token,
      }),
      60_000,
    );
  const json = async <T>(...args: string[]): Promise<T> => {
    const result = await twilio(...args, '-o', 'json');
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as T;
  };

  test('create, fetch, update, list over several pages, remove', async () => {
    const [created] = await json<EndUserOut[]>(`${COMMAND}:create`, '--friendly-name', 'Ada', '--type', 'individual', '--attributes', '{"email":"ada@example.com"}');
    assert.match(created!.sid, /^IT[0-9a-f]{32}$/);
    assert.equal(created!.url, `https://numbers.twilio.com/v2/RegulatoryCompliance/EndUsers/${created!.sid}`);

    const [fetched] = await json<EndUserOut[]>(`${COMMAND}:fetch`, '--sid', created!.sid);
    assert.deepEqual([fetched!.sid, fetched!.friendlyName, fetched!.type], [created!.sid, 'Ada', 'individual']);

    const [updated] = await json<EndUserOut[]>(`${COMMAND}:update`, '--sid', created!.sid, '--friendly-name', 'Countess');
    assert.equal(updated!.friendlyName, 'Countess');

    for (let i = 0; i < 4; i++) {
      const made = await server.request('POST', '/v2/RegulatoryCompliance/EndUsers', { body: `FriendlyName=Other+${i}&Type=business` });
      assert.equal(made.status, 201);
    }
    // Debug logging shows each request: pages of 2 for 5 end users are 3 requests, the 2nd
    // and 3rd by the next_page_url the server gave, back through the proxy.
    const listed = await twilio(`${COMMAND}:list`, '--page-size', '2', '--limit', '5', '-o', 'json', '-l', 'debug');
    assert.equal(listed.code, 0, listed.stderr);
    const users = JSON.parse(listed.stdout) as EndUserOut[];
    assert.equal(users.length, 5);
    assert.equal(users[0]!.friendlyName, 'Countess');
    assert.ok(users.every((u) => u.url.startsWith('https://numbers.twilio.com/')));
    const requests = listed.stderr.match(/^\[DEBUG\] get https:\/\/numbers\.twilio\.com\/v2\/RegulatoryCompliance\/EndUsers\S*/gim) ?? [];
    assert.ok(requests.length >= 3, listed.stderr);
    assert.ok(requests.slice(1).every((r) => r.includes('PageToken=')), requests.join('\n'));

    const removed = await twilio(`${COMMAND}:remove`, '--sid', created!.sid);
    assert.equal(removed.code, 0, removed.stderr);
    const again = await twilio(`${COMMAND}:fetch`, '--sid', created!.sid);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /20404/);
  });
});
