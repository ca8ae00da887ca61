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
}
