import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { backends } from './support/backends.js';
import { projectRoot } from './support/paths.js';
import { basic, spawnServer } from './support/server.js';

/** Runs the server until it exits by itself (bounded), and returns its exit code and output. */
function runToExit(env: Record<string, string>, boundMs = 20_000): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [path.join(projectRoot, 'dist/src/server.js')], {
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), boundMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

for (const backend of backends) {
  describe(`first start (${backend.name})`, () => {
    after(() => backend.cleanup());

    test('a first start that cannot listen has shown the new credentials, fails in one clear line, and the next start uses them', async () => {
      const databaseUrl = await backend.fresh();
      const busy = net.createServer();
      await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
      const port = (busy.address() as net.AddressInfo).port;
      const env = { DATABASE_URL: databaseUrl, TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '' };
      let failed: { code: number | null; output: string };
      try {
        failed = await runToExit({ ...env, PORT: String(port) });
      } finally {
        await new Promise((resolve) => busy.close(resolve));
      }
      assert.equal(failed.code, 1, failed.output);
      const sid = /TWILIO_ACCOUNT_SID=(AC[0-9a-f]{32})/.exec(failed.output)?.[1];
      const token = /TWILIO_AUTH_TOKEN=([0-9a-f]{32})/.exec(failed.output)?.[1];
      assert.ok(sid && token, failed.output);
      const errorLines = failed.output.split('\n').filter((line) => line.startsWith('regcomp: '));
      assert.deepEqual(errorLines, [`regcomp: cannot listen on 127.0.0.1:${port}: the address is already in use (another process listens there: stop it, or set PORT)`]);
      assert.ok(!/^\s+at /m.test(failed.output), `no stack trace:\n${failed.output}`);

      const server = await spawnServer({ ...env, PORT: '0' });
      try {
        assert.ok(!server.output().includes('TWILIO_AUTH_TOKEN='), 'no second account is made');
        const response = await fetch(`${server.origin}/v2/RegulatoryCompliance/EndUsers`, { headers: { authorization: basic(sid, token) } });
        assert.equal(response.status, 200);
      } finally {
        await server.stop();
      }
    });
  });
}

describe('start-up failures', () => {
  test('a bad setting is one line, no stack', async () => {
    const { code, output } = await runToExit({ PORT: '0', REQUEST_TIMEOUT_MS: '1000', HEADERS_TIMEOUT_MS: '2000', DATABASE_URL: 'sqlite::memory:' });
    assert.equal(code, 1);
    assert.equal(output.trim(), 'regcomp: HEADERS_TIMEOUT_MS (2000) must not be above REQUEST_TIMEOUT_MS (1000)');
  });
});
