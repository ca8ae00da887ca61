import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { seedEndUsers } from '../src/resources/end-users/seed.js';
import { seedDocuments } from '../src/resources/supporting-documents/seed.js';
import { openAndMigrate } from '../src/store/open.js';
import { resealStore } from '../src/store/pii-reseal.js';
import { piiSealer } from '../src/store/pii-seal.js';
import { backends } from './support/backends.js';
import { projectRoot } from './support/paths.js';
import { startServer } from './support/server.js';

const run = promisify(execFile);

for (const backend of backends) {
  describe(`seeding end users (${backend.name})`, () => {
    after(() => backend.cleanup());

    test('seeded end users are spread over the new accounts and listable through the API', async () => {
      const url = await backend.fresh();
      const db = await openAndMigrate(url);
      // Small transactions and statements, so several of each (and a remainder) are exercised.
      const seeded = await seedEndUsers(db, { count: 130, accounts: 3, token: 'seed-test-token', chunkRows: 40, rowsPerStatement: 7 });
      // Stored as the server stores them: sealed on PostgreSQL, so its first start has nothing to sweep.
      const stored = await db.all<{ attributes: string }>('SELECT attributes FROM end_users');
      assert.ok(stored.every((r) => r.attributes.startsWith(db.dialect === 'postgres' ? '"ps1.' : '{')), stored[0]?.attributes);
      assert.equal(await resealStore(db, piiSealer(db.dialect)), 0);
      await db.close();
      assert.equal(seeded.accountSids.length, 3);
      assert.equal(seeded.token, 'seed-test-token');

      const server = await startServer(url);
      try {
        const perAccount = [];
        for (const sid of seeded.accountSids) {
          const users = await server.sdk({ sid, token: 'seed-test-token' }).numbers.v2.regulatoryCompliance.endUsers.list({ pageSize: 20 });
          perAccount.push(users.length);
          let previous = '';
          for (const user of users) {
            assert.match(user.sid, /^IT[0-9a-f]{32}$/);
            assert.equal(user.accountSid, sid);
            assert.ok(['individual', 'business'].includes(user.type));
            const attributes = user.attributes as Record<string, string>;
            assert.ok(user.type === 'individual' ? attributes.first_name && attributes.last_name : attributes.business_name);
            assert.match(attributes.email ?? '', /^[^@\s]+@[^@\s]+$/);
            assert.ok(user.friendlyName.length > 0);
            const created = user.dateCreated.toISOString();
            assert.ok(created > previous, 'listed in creation order');
            previous = created;
          }
          const fetched = await server.sdk({ sid, token: 'seed-test-token' }).numbers.v2.regulatoryCompliance.endUsers(users[0]!.sid).fetch();
          assert.deepEqual(fetched.attributes, users[0]!.attributes);
        }
        assert.deepEqual(perAccount, [44, 43, 43]);
        const wrong = await server.request('GET', '/v2/RegulatoryCompliance/EndUsers', {
          auth: { sid: seeded.accountSids[0]!, token: 'not-the-token' },
        });
        assert.equal(wrong.status, 401);
      } finally {
        await server.close();
      }
    });

    test('seeded Supporting Documents are spread over the accounts, each with a PDF that downloads', async () => {
      const url = await backend.fresh();
      const db = await openAndMigrate(url);
      const { accountSids } = await seedEndUsers(db, { count: 0, accounts: 3, token: 'seed-test-token' });
      assert.equal(await seedDocuments(db, accountSids, 7, { chunkRows: 3 }), 7);
      const files = await db.all<{ bytes: Buffer }>('SELECT bytes FROM supporting_document_files');
      assert.ok(files.every((f) => f.bytes.subarray(0, 4).toString('latin1') === (db.dialect === 'postgres' ? 'RCF1' : '%PDF')));
      assert.equal(await resealStore(db, piiSealer(db.dialect)), 0);
      await db.close();

      const server = await startServer(url);
      try {
        const perAccount = [];
        for (const sid of accountSids) {
          const auth = { sid, token: 'seed-test-token' };
          const documents = await server.sdk(auth).numbers.v2.regulatoryCompliance.supportingDocuments.list({ pageSize: 2 });
          perAccount.push(documents.length);
          for (const document of documents) {
            assert.match(document.sid, /^RD[0-9a-f]{32}$/);
            assert.equal(document.status, 'draft');
            assert.equal(document.mimeType, 'application/pdf');
            assert.ok(['passport', 'utility_bill', 'business_registration'].includes(document.type));
            const file = await server.request('GET', `/v2/RegulatoryCompliance/SupportingDocuments/${document.sid}/File`, { auth });
            assert.equal(file.status, 200);
            assert.match(Buffer.from(await file.arrayBuffer()).toString('latin1'), /^%PDF-1\.4\n[\s\S]*%%EOF\n$/);
          }
        }
        assert.deepEqual(perAccount, [3, 2, 2]);
      } finally {
        await server.close();
      }
    });

    test('`regcomp seed` loads end users and prints the accounts and their token', async () => {
      const url = await backend.fresh();
      const { stdout } = await run(process.execPath, [
        path.join(projectRoot, 'bin/regcomp.js'), '--database-url', url, 'seed', '--count', '25', '--accounts', '2', '--token', 'cli-seed-token',
        '--documents', '3',
      ]);
      const printed = JSON.parse(stdout) as { auth_token: string; end_users: number; supporting_documents: number; account_sids: string[] };
      assert.equal(printed.supporting_documents, 3);
      assert.equal(printed.auth_token, 'cli-seed-token');
      assert.equal(printed.end_users, 25);
      assert.equal(printed.account_sids.length, 2);

      const server = await startServer(url);
      try {
        const counts = [];
        for (const sid of printed.account_sids) {
          const response = await server.request('GET', '/v2/RegulatoryCompliance/EndUsers?PageSize=100', { auth: { sid, token: 'cli-seed-token' } });
          assert.equal(response.status, 200);
          counts.push(((await response.json()) as { results: unknown[] }).results.length);
        }
        assert.deepEqual(counts, [13, 12]);
        const documents = await server.request('GET', '/v2/RegulatoryCompliance/SupportingDocuments', { auth: { sid: printed.account_sids[0]!, token: 'cli-seed-token' } });
        assert.equal(((await documents.json()) as { results: unknown[] }).results.length, 2);
      } finally {
        await server.close();
      }
    });
  });
}
