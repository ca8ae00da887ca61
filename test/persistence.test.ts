import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { backends } from './support/backends.js';
import { basic, spawnServer } from './support/server.js';

const LIST = '/v2/RegulatoryCompliance/EndUsers';

for (const backend of backends) {
  describe(`persistence across restarts and crashes (${backend.name})`, () => {
    after(() => backend.cleanup());

    test('a fresh store gets one account, printed once; it survives a restart', async () => {
      const url = await backend.fresh();
      const first = await spawnServer({ DATABASE_URL: url, TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '' });
      const sid = /TWILIO_ACCOUNT_SID=(AC[0-9a-f]{32})/.exec(first.output())?.[1];
      const token = /TWILIO_AUTH_TOKEN=([0-9a-f]{32})/.exec(first.output())?.[1];
      assert.ok(sid && token, first.output());
      assert.equal(await first.stop(), 0, 'SIGTERM shuts down cleanly');
      const second = await spawnServer({ DATABASE_URL: url, TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '' });
      try {
        assert.ok(!second.output().includes('TWILIO_AUTH_TOKEN='), 'the token is shown only once');
        const response = await fetch(second.origin + LIST, { headers: { authorization: basic(sid, token) } });
        assert.equal(response.status, 200);
      } finally {
        await second.stop();
      }
    });

    test('every acknowledged write survives kill -9', async () => {
      const url = await backend.fresh();
      const env = { DATABASE_URL: url, TWILIO_ACCOUNT_SID: `AC${'9'.repeat(32)}`, TWILIO_AUTH_TOKEN: 'persist-token' };
      const authorization = basic(env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN);
      const server = await spawnServer(env);
      const acknowledged: { sid: string; friendly_name: string; attributes: unknown }[] = [];
      await Promise.all(
        Array.from({ length: 4 }, async (_, worker) => {
          for (let i = 0; i < 25; i++) {
            const response = await fetch(server.origin + LIST, {
              method: 'POST',
              headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({ FriendlyName: `w${worker}-${i}`, Type: 'individual', Attributes: JSON.stringify({ n: i }) }),
            });
            assert.equal(response.status, 201);
            acknowledged.push((await response.json()) as (typeof acknowledged)[number]);
          }
        }),
      );
      const updated = acknowledged[0]!;
      const update = await fetch(`${server.origin}${LIST}/${updated.sid}`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'FriendlyName=after-update',
      });
      assert.equal(update.status, 200);
      const removed = acknowledged[1]!;
      assert.equal((await fetch(`${server.origin}${LIST}/${removed.sid}`, { method: 'DELETE', headers: { authorization } })).status, 204);
      await server.stop('SIGKILL');

      const restarted = await spawnServer(env);
      try {
        const listed = await fetch(`${restarted.origin}${LIST}?PageSize=1000`, { headers: { authorization } });
        const body = (await listed.json()) as { results: { sid: string; friendly_name: string; attributes: unknown }[] };
        const bySid = new Map(body.results.map((r) => [r.sid, r]));
        assert.equal(body.results.length, acknowledged.length - 1);
        assert.equal(bySid.has(removed.sid), false);
        assert.equal(bySid.get(updated.sid)?.friendly_name, 'after-update');
        for (const row of acknowledged.slice(2)) assert.deepEqual(bySid.get(row.sid)?.attributes, row.attributes);
      } finally {
        await restarted.stop();
      }
    });
  });
}
