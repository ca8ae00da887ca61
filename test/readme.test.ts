import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { backends } from './support/backends.js';
import { projectRoot } from './support/paths.js';
import { serverFor } from './support/server.js';

const run = promisify(execFile);
const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');

/** The README's first JavaScript example: the one a new user copies. */
function sdkSnippet(): string {
  const match = /```js\n([\s\S]*?)```/.exec(readme);
  assert.ok(match, 'the README has a JavaScript example');
  return match[1]!;
}

/** The README's bundle walkthrough (its `walkthrough.mjs` block). */
function walkthrough(): string {
  const match = /```js\n(\/\/ walkthrough\.mjs[\s\S]*?)```/.exec(readme);
  assert.ok(match, 'the README has the bundle walkthrough');
  return match[1]!;
}

for (const backend of backends) {
  describe(`the README's SDK example runs as written (${backend.name})`, () => {
    const server = serverFor(backend);

    test('create, fetch, update, list and remove through twilio-node', async () => {
      // Only the origin changes: the example's server listens on a test port here.
      const script = sdkSnippet().replace("'http://127.0.0.1:3000'", `'${server.origin}'`);
      const file = path.join(projectRoot, 'dist', `readme-example-${process.pid}.cjs`);
      fs.writeFileSync(file, script);
      try {
        const { stdout } = await run(process.execPath, [file], {
          env: { ...process.env, TWILIO_ACCOUNT_SID: server.account.sid, TWILIO_AUTH_TOKEN: server.account.token },
        });
        assert.match(stdout, /IT[0-9a-f]{32} Countess of Lovelace/);
      } finally {
        fs.rmSync(file, { force: true });
      }
      const left = await server.sdk().numbers.v2.regulatoryCompliance.endUsers.list();
      assert.deepEqual(left, [], 'the example removes what it made');
    });
  });

  describe(`the README's bundle walkthrough runs as written (${backend.name})`, () => {
    const server = serverFor(backend, { REVIEW_IN_REVIEW_AFTER_MS: '50', REVIEW_DECISION_AFTER_MS: '50', BACKGROUND_TICK_MS: '20' });

    test('end user, documents, bundle, assignments, evaluation, submit, signed callbacks, approved', async () => {
      // The origin and the webhook's port change: both listen on test ports here.
      const port = 40_000 + (process.pid % 20_000);
      const script = walkthrough()
        .replace("'http://127.0.0.1:3000'", `'${server.origin}'`)
        .replaceAll('127.0.0.1:4000', `127.0.0.1:${port}`)
        .replace('.listen(4000)', `.listen(${port})`);
      const file = path.join(projectRoot, 'dist', `readme-walkthrough-${process.pid}.mjs`);
      fs.writeFileSync(file, script);
      try {
        const { stdout } = await run(process.execPath, [file], {
          env: { ...process.env, TWILIO_ACCOUNT_SID: server.account.sid, TWILIO_AUTH_TOKEN: server.account.token },
          timeout: 30_000,
        });
        assert.match(stdout, /evaluation compliant\ncallback pending-review {2}signature ok\ncallback twilio-approved {2}signature ok/);
      } finally {
        fs.rmSync(file, { force: true });
      }
    });
  });
}
