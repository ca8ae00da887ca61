import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { after, describe, test } from 'node:test';
import { backends } from './support/backends.js';
import { basic, spawnServer } from './support/server.js';
import type { ServerProcess } from './support/server.js';

const sid = `AC${randomBytes(16).toString('hex')}`;
const token = randomBytes(16).toString('hex');
const FLOOD = 3_000;
const CONCURRENCY = 50;
/** Far below what the unbounded queue and caches cost (about 14 KB per distinct header, +700 MB for 50 000). */
const MAX_GROWTH_MB = 96;

function residentMb(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

/** `count` requests, `CONCURRENCY` at a time, each with its own credentials and client address; their statuses. */
async function flood(server: ServerProcess, count: number): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const response = await fetch(`${server.origin}/v2/RegulatoryCompliance/EndUsers`, {
        headers: {
          authorization: basic(`AC${randomBytes(16).toString('hex')}`, randomBytes(200).toString('hex')),
          'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        },
      });
      await response.arrayBuffer();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return statuses;
}

for (const backend of backends) {
  describe(`memory under a credential flood (${backend.name})`, () => {
    let server: ServerProcess | undefined;
    after(async () => {
      await server?.stop();
      await backend.cleanup();
    });

    test(`${FLOOD} distinct bad credentials from as many addresses leave the server within ${MAX_GROWTH_MB} MB of where it was, and serving`, async () => {
      server = await spawnServer({
        DATABASE_URL: await backend.fresh(),
        TWILIO_ACCOUNT_SID: sid,
        TWILIO_AUTH_TOKEN: token,
        TRUST_PROXY: 'true',
        // A short check queue, so that the flood is mostly refused (429) at once rather than
        // waiting its turn for scrypt: the test measures what is kept, not how long checks take.
        AUTH_QUEUE_LIMIT: '2',
        MALLOC_MMAP_THRESHOLD_: '1048576',
      });
      const pid = server.child.pid!;
      await flood(server, 500); // warm up: code paths compiled, pools and buffers in place
      const before = residentMb(pid);
      const statuses = await flood(server, FLOOD);
      const grown = residentMb(pid) - before;
      assert.deepEqual([...statuses.keys()].filter((s) => s !== 401 && s !== 429), [], 'every answer is a 401 or a 429');
      assert.ok(grown < MAX_GROWTH_MB, `resident memory grew ${grown.toFixed(0)} MB (from ${before.toFixed(0)} MB)`);
      const good = await fetch(`${server.origin}/v2/RegulatoryCompliance/EndUsers`, { headers: { authorization: basic(sid, token) } });
      assert.equal(good.status, 200);
    });
  });
}
