import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.js';
import { LocalCa } from '../src/proxy/index.js';
import { runCli } from './support/cli.js';
import { viaTunnel } from './support/proxy.js';
import { spawnServer } from './support/server.js';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'proxy-process-token';

describe('the proxy as configured and run', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regcomp-proxy-process-'));
  const databaseUrl = `sqlite:${path.join(dir, 'regcomp.sqlite')}`;
  const caCert = path.join(dir, 'ca', 'ca.cert.pem');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('PROXY_PORT is off unless set, and checked; the CA lives beside the SQLite file unless PROXY_CA_DIR says', () => {
    assert.equal(loadConfig({}).proxyPort, undefined);
    assert.equal(loadConfig({ PROXY_PORT: '0' }).proxyPort, 0);
    assert.throws(() => loadConfig({ PROXY_PORT: 'http' }), ConfigError);
    assert.throws(() => loadConfig({ PROXY_PORT: '70000' }), ConfigError);
    assert.equal(loadConfig({ DATABASE_URL: databaseUrl }).proxyCaDir, path.join(dir, 'ca'));
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).proxyCaDir, path.resolve('data/ca'));
    assert.equal(loadConfig({ PROXY_CA_DIR: 'elsewhere/ca' }).proxyCaDir, path.resolve('elsewhere/ca'));
  });

  test('regcomp ca makes the CA once, keeps it, and prints its path or PEM', async () => {
    const env = { PROXY_CA_DIR: '' };
    const first = await runCli(databaseUrl, ['ca'], { env });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, `${caCert}\n`);
    assert.equal(fs.statSync(path.join(dir, 'ca', 'ca.key.pem')).mode & 0o777, 0o600);
    const pem = fs.readFileSync(caCert, 'utf8');
    assert.match(pem, /^-----BEGIN CERTIFICATE-----/);
    const again = await runCli(databaseUrl, ['ca', '--pem'], { env });
    assert.equal(again.stdout, pem, 'the same CA, not a new one');
  });

  test('instances starting together on one empty directory agree on one CA', async () => {
    const shared = path.join(dir, 'shared');
    const cas = await Promise.all([LocalCa.open(shared), LocalCa.open(shared), LocalCa.open(shared)]);
    assert.equal(new Set(cas.map((ca) => ca.certPem)).size, 1);
    assert.deepEqual(fs.readdirSync(shared).sort(), ['ca.cert.pem', 'ca.key.pem'], 'no temporary files left');
  });

  test('a CA key others can read is refused with what to do', async () => {
    const loose = path.join(dir, 'loose');
    assert.equal((await runCli(databaseUrl, ['ca', '--dir', loose])).code, 0);
    fs.chmodSync(path.join(loose, 'ca.key.pem'), 0o644);
    const refused = await runCli(databaseUrl, ['ca', '--dir', loose]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /ca\.key\.pem must be readable by its owner only \(mode 644\): chmod 600 it/);
  });

  test('the server with PROXY_PORT announces the proxy and its CA, serves through it, and stops cleanly', async () => {
    const server = await spawnServer({ DATABASE_URL: databaseUrl, PROXY_PORT: '0', PROXY_CA_DIR: '', TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN });
    try {
      const announced = /regcomp proxy listening on http:\/\/127\.0\.0\.1:(\d+) \(clients must trust the CA certificate (\S+)\)/.exec(server.output());
      assert.ok(announced, server.output());
      assert.equal(announced[2], caCert, 'the CA regcomp ca made, kept');
      const response = await viaTunnel(
        { proxyPort: Number(announced[1]), ca: fs.readFileSync(caCert, 'utf8'), account: { sid: SID, token: TOKEN } },
        { path: '/v2/RegulatoryCompliance/EndUsers' },
      );
      assert.equal(response.status, 200, response.body);
      assert.equal((JSON.parse(response.body) as { meta: { url: string } }).meta.url, 'https://numbers.twilio.com/v2/RegulatoryCompliance/EndUsers?PageSize=50&Page=0');
    } finally {
      assert.equal(await server.stop(), 0);
    }
  });
});
