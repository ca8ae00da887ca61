import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { PG_TEST_URL, backends } from './support/backends.js';
import type { Backend } from './support/backends.js';
import { basic, spawnServer } from './support/server.js';
import type { ServerProcess } from './support/server.js';
import { SmallDisk } from './support/small-disk.js';
import { expectTwilioError } from './support/twilio.js';

const sid = `AC${randomBytes(16).toString('hex')}`;
const token = randomBytes(16).toString('hex');
const ENV = { TWILIO_ACCOUNT_SID: sid, TWILIO_AUTH_TOKEN: token, REGCOMP_SECRETS_KEY: randomBytes(32).toString('hex') };
const auth = { authorization: basic(sid, token) };
const END_USERS = '/v2/RegulatoryCompliance/EndUsers';
/** Big enough that each create needs new pages (SQLite: WAL frames; PostgreSQL: TOAST pages). */
const bigAttributes = () => JSON.stringify(Object.fromEntries([1, 2, 3, 4, 5, 6].map((n) => [`notes${n}`, randomBytes(4000).toString('hex')])));

function createEndUser(server: ServerProcess): Promise<Response> {
  return fetch(`${server.origin}${END_USERS}`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ FriendlyName: 'full disk', Type: 'individual', Attributes: bigAttributes() }),
  });
}

/** Creates until the store refuses one (bounded); every answer before it is a 201. */
async function createUntilRefused(server: ServerProcess): Promise<Response> {
  for (let i = 0; i < 400; i++) {
    const response = await createEndUser(server);
    if (response.status !== 201) return response;
    await response.arrayBuffer();
  }
  assert.fail('400 creates of 48 KB fitted on a full disk');
}

async function expectUnavailable(response: Response): Promise<void> {
  assert.ok(response.headers.get('retry-after'), 'Retry-After is set');
  await expectTwilioError(response, 503, 20503);
}

async function readyz(server: ServerProcess): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${server.origin}/readyz`);
  return { status: response.status, body: await response.json() };
}

/** Where a backend's store lives on the small disk: the SQLite file, or (PostgreSQL) a tablespace there holding end_users. */
interface Placement {
  databaseUrl: string;
  /** After the server's first start has migrated the store. */
  moveOnto?(): Promise<void>;
  cleanup(): Promise<void>;
}

function placementFor(backend: Backend, disk: SmallDisk): Promise<Placement> {
  return backend.name === 'sqlite' ? Promise.resolve({ databaseUrl: `sqlite:${path.join(disk.dir, 'store.sqlite')}`, cleanup: () => backend.cleanup() }) : tablespaceOn(backend, disk);
}

async function tablespaceOn(backend: Backend, disk: SmallDisk): Promise<Placement> {
  const databaseUrl = await backend.fresh();
  const schema = new URL(databaseUrl).searchParams.get('options')!.split('=')[1]!;
  const tablespace = `regcomp_full_${randomBytes(4).toString('hex')}`;
  const location = path.join(disk.dir, 'pg');
  fs.mkdirSync(location);
  const postgresUid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  fs.chownSync(location, postgresUid, Number(execFileSync('id', ['-g', 'postgres']).toString().trim()));
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: PG_TEST_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE TABLESPACE ${tablespace} LOCATION '${location}'`);
  return {
    databaseUrl,
    moveOnto: () => admin(`ALTER TABLE ${schema}.end_users SET TABLESPACE ${tablespace}`),
    async cleanup() {
      await backend.cleanup();
      await admin(`DROP TABLESPACE IF EXISTS ${tablespace}`);
    },
  };
}

for (const backend of backends) {
  describe(`a full disk (${backend.name})`, () => {
    let disk: SmallDisk;
    let placement: Placement;
    let server: ServerProcess | undefined;

    before(async () => {
      disk = new SmallDisk(16);
      placement = await placementFor(backend, disk);
    });
    after(async () => {
      await server?.stop();
      await placement?.cleanup();
      disk?.remove();
    });

    test('writes answer 503 20503 with Retry-After, reads go on, /readyz says so, a restart writes nothing and starts; freeing space heals it', async () => {
      server = await spawnServer({ ...ENV, DATABASE_URL: placement.databaseUrl });
      await placement.moveOnto?.();
      const kept = await createEndUser(server);
      assert.equal(kept.status, 201);
      const keptSid = ((await kept.json()) as { sid: string }).sid;

      disk.fill();
      await expectUnavailable(await createUntilRefused(server));
      const fetched = await fetch(`${server.origin}${END_USERS}/${keptSid}`, { headers: auth });
      assert.equal(fetched.status, 200, 'reads are still served');
      // PostgreSQL here has only end_users on the small disk, so its probe write (elsewhere) passes.
      if (backend.name === 'sqlite') assert.deepEqual(await readyz(server), { status: 503, body: { status: 'storage full' } });

      // The account is already stored as configured: the restart writes nothing, so it starts.
      assert.equal(await server.stop(), 0);
      server = await spawnServer({ ...ENV, DATABASE_URL: placement.databaseUrl });
      assert.ok(!/^\s+at /m.test(server.output()), `no stack trace:\n${server.output()}`);
      assert.equal((await fetch(`${server.origin}${END_USERS}/${keptSid}`, { headers: auth })).status, 200);
      await expectUnavailable(await createUntilRefused(server));
      if (backend.name === 'sqlite') assert.equal((await readyz(server)).status, 503);

      disk.free();
      // Ready again by itself, once the hold after the last failure (5 s) has passed.
      let ready = await readyz(server);
      for (let i = 0; i < 100 && ready.status !== 200; i++) {
        await sleep(100);
        ready = await readyz(server);
      }
      assert.deepEqual(ready, { status: 200, body: { status: 'ready' } });
      assert.equal((await createEndUser(server)).status, 201);
      assert.equal((await fetch(`${server.origin}${END_USERS}/${keptSid}`, { method: 'DELETE', headers: auth })).status, 204);
    });
  });
}
