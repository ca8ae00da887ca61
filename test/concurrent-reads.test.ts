import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { backends } from './support/backends.js';
import { DOCUMENTS, documentForm, postForm } from './support/documents.js';
import { basic, startServer } from './support/server.js';
import type { Credentials, TestServer } from './support/server.js';
import { expectTwilioError } from './support/twilio.js';

const END_USERS = '/v2/RegulatoryCompliance/EndUsers';

/** Asks for `path` on a raw socket and, once the answer has begun, stops reading it: a client that holds its response. */
function holdResponse(server: TestServer, path: string, who: Credentials): Promise<net.Socket> {
  const { port } = new URL(server.origin);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: Number(port) });
    socket.once('error', reject);
    socket.once('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${basic(who.sid, who.token)}\r\n\r\n`));
    socket.once('data', () => {
      socket.pause();
      resolve(socket);
    });
  });
}

for (const backend of backends) {
  describe(`concurrent reads per account (${backend.name})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startServer(await backend.fresh(), { ACCOUNT_CONCURRENT_READS: '3' });
    });
    after(async () => {
      await server.close();
      await backend.cleanup();
    });

    test('clients that do not read hold at most ACCOUNT_CONCURRENT_READS responses of their account; beyond, 429 20429; others go on; freed when they go', async () => {
      // A 10 MB file: its download cannot fit in the sockets' buffers, so an unread one stays in flight.
      const upload = await postForm(server.origin, server.account, documentForm({ FriendlyName: 'Big', Type: 'passport' }, { bytes: randomBytes(10 * 1024 * 1024), type: 'application/pdf' }));
      assert.equal(upload.status, 201);
      const { sid } = (await upload.json()) as { sid: string };
      const held = await Promise.all([1, 2, 3].map(() => holdResponse(server, `${DOCUMENTS}/${sid}/File`, server.account)));
      try {
        const refused = await server.request('GET', END_USERS);
        assert.equal(refused.headers.get('retry-after'), '1');
        await expectTwilioError(refused, 429, 20429);
        const other = await server.newAccount();
        assert.equal((await server.request('GET', END_USERS, { auth: other })).status, 200, 'another account is not held up');
        const created = await server.request('POST', END_USERS, { body: new URLSearchParams({ FriendlyName: 'w', Type: 'individual' }).toString() });
        assert.equal(created.status, 201, 'writes are not reads');
      } finally {
        for (const socket of held) socket.destroy();
      }
      let status = 0;
      for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
        const response = await server.request('GET', END_USERS);
        status = response.status;
        await response.arrayBuffer();
        if (status !== 200) await sleep(100);
      }
      assert.equal(status, 200, 'the slots come back when those clients go');
    });
  });
}
