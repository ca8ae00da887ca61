import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { backends } from './support/backends.js';
import { cli, runCli } from './support/cli.js';
import type { ServerProcess } from './support/server.js';
import { basic, spawnServer } from './support/server.js';

const LIST = '/v2/RegulatoryCompliance/EndUsers';

/** Polls until `check` holds; credential changes must show within 5 s. */
async function within5s(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  assert.fail(`not within 5 s: ${what}`);
}

for (const backend of backends) {
  describe(`the regcomp CLI next to a running server (${backend.name})`, () => {
    let url: string;
    let server: ServerProcess;
    before(async () => {
      url = await backend.fresh();
      server = await spawnServer({ DATABASE_URL: url, TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'bootstrap-token' });
    });
    after(async () => {
      await server?.stop();
      await backend.cleanup();
    });
    const status = async (username: string, password: string) =>
      (await fetch(server.origin + LIST, { headers: { authorization: basic(username, password) } })).status;

    test('accounts create prints the account with its token; it works on the running server', async () => {
      const stdout = await cli(url, ['accounts', 'create', '--friendly-name', 'Acme']);
      const account = JSON.parse(stdout) as { sid: string; auth_token: string; friendly_name: string };
      assert.match(account.sid, /^AC[0-9a-f]{32}$/);
      assert.match(account.auth_token, /^[0-9a-f]{32}$/);
      assert.equal(account.friendly_name, 'Acme');
      await within5s(async () => (await status(account.sid, account.auth_token)) === 200, 'new account accepted');

      const chosen = await cli(url, ['accounts', 'create', '--sid', `AC${'b'.repeat(32)}`, '--token', 'my-own-token']);
      assert.equal((JSON.parse(chosen) as { sid: string }).sid, `AC${'b'.repeat(32)}`);
      await within5s(async () => (await status(`AC${'b'.repeat(32)}`, 'my-own-token')) === 200, 'chosen SID and token');

      const listed = JSON.parse((await cli(url, ['accounts', 'list']))) as { sid: string }[];
      assert.ok(listed.some((a) => a.sid === account.sid));
      assert.ok(!JSON.stringify(listed).includes(account.auth_token), 'tokens are never listed');
    });

    test('rotate-token: the old token stops, the new one works, within 5 s', async () => {
      const account = JSON.parse((await cli(url, ['accounts', 'create']))) as { sid: string; auth_token: string };
      await within5s(async () => (await status(account.sid, account.auth_token)) === 200, 'account accepted');
      const rotated = JSON.parse((await cli(url, ['accounts', 'rotate-token', account.sid]))) as { auth_token: string };
      assert.notEqual(rotated.auth_token, account.auth_token);
      await within5s(async () => (await status(account.sid, account.auth_token)) === 401, 'old token refused');
      assert.equal(await status(account.sid, rotated.auth_token), 200);
    });

    test('keys create / list / delete', async () => {
      const accountSid = `AC${'a'.repeat(32)}`;
      const key = JSON.parse((await cli(url, ['keys', 'create', '--account', accountSid]))) as { sid: string; secret: string };
      assert.match(key.sid, /^SK[0-9a-f]{32}$/);
      assert.match(key.secret, /^[A-Za-z0-9]{32}$/);
      await within5s(async () => (await status(key.sid, key.secret)) === 200, 'new key accepted');
      const keys = JSON.parse((await cli(url, ['keys', 'list']))) as { sid: string; account_sid: string }[];
      assert.ok(keys.some((k) => k.sid === key.sid && k.account_sid === accountSid));
      assert.ok(!JSON.stringify(keys).includes(key.secret));
      await cli(url, ['keys', 'delete', key.sid]);
      await within5s(async () => (await status(key.sid, key.secret)) === 401, 'deleted key refused');
    });

    test('mistakes are clear errors with a non-zero exit', async () => {
      const badSid = await runCli(url, ['accounts', 'rotate-token', 'AC123']);
      assert.notEqual(badSid.code, 0);
      assert.match(badSid.stderr, /AC followed by 32 hex digits/);
      const missing = await runCli(url, ['accounts', 'rotate-token', `AC${'c'.repeat(32)}`]);
      assert.match(missing.stderr, /no account/);
      const noAccount = await runCli(url, ['keys', 'create', '--account', `AC${'d'.repeat(32)}`]);
      assert.match(noAccount.stderr, /no account/);
      const noKey = await runCli(url, ['keys', 'delete', `SK${'e'.repeat(32)}`]);
      assert.match(noKey.stderr, /no API key/);
    });
  });
}
