import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { describe, test } from 'node:test';
import { LocalCa } from '../src/proxy/index.js';
import { backends } from './support/backends.js';
import { clientEnv, connect, proxiedServerFor, runChild, viaPlainProxy, viaTunnel } from './support/proxy.js';
import type { ProxiedServer } from './support/proxy.js';

const HOST = 'https://numbers.twilio.com';
const END_USERS = '/v2/RegulatoryCompliance/EndUsers';

interface Page {
  results: { sid: string; url: string }[];
  meta: { url: string; first_page_url: string; next_page_url: string | null };
}

/** After each refusal: the proxy still serves a good request. */
async function assertStillServes(server: ProxiedServer): Promise<void> {
  const response = await viaTunnel(server, { path: `${END_USERS}?PageSize=1` });
  assert.equal(response.status, 200, response.body);
}

for (const backend of backends) {
  describe(`the proxy port (${backend.name})`, () => {
    const server = proxiedServerFor(backend);

    test('a CONNECT tunnel to numbers.twilio.com is the API, with Twilio URLs in every link', async () => {
      for (let i = 0; i < 3; i++) {
        const created = await viaTunnel(server, { method: 'POST', path: END_USERS, body: `FriendlyName=User+${i}&Type=individual` });
        assert.equal(created.status, 201, created.body);
        const body = JSON.parse(created.body) as { sid: string; url: string };
        assert.equal(body.url, `${HOST}${END_USERS}/${body.sid}`);
      }
      let next: string | null = `${HOST}${END_USERS}?PageSize=2`;
      const seen: string[] = [];
      while (next) {
        assert.ok(next.startsWith(`${HOST}/`), next);
        const url: URL = new URL(next);
        const page = JSON.parse((await viaTunnel(server, { path: url.pathname + url.search })).body) as Page;
        for (const link of [page.meta.url, page.meta.first_page_url, ...page.results.map((r) => r.url)]) assert.ok(link.startsWith(`${HOST}/`), link);
        seen.push(...page.results.map((r) => r.sid));
        next = page.meta.next_page_url;
      }
      assert.equal(seen.length, 3);
    });

    test('numbers-upload.twilio.com is served under its own name', async () => {
      const response = await viaTunnel(server, { host: 'numbers-upload.twilio.com', path: `${END_USERS}?PageSize=1` });
      assert.equal(response.status, 200, response.body);
      assert.ok((JSON.parse(response.body) as Page).meta.url.startsWith('https://numbers-upload.twilio.com/'));
    });

    test('a plain absolute-form request works too, and answers with https URLs', async () => {
      const response = await viaPlainProxy(server, `http://numbers.twilio.com${END_USERS}?PageSize=1`);
      assert.equal(response.status, 200, response.body);
      assert.equal((JSON.parse(response.body) as Page).meta.url, `${HOST}${END_USERS}?PageSize=1&Page=0`);
    });

    test('an absolute-form https:// request (as some clients send to a proxy) is served the same', async () => {
      const response = await viaPlainProxy(server, `https://numbers.twilio.com${END_USERS}?PageSize=1`);
      assert.equal(response.status, 200, response.body);
      assert.equal((JSON.parse(response.body) as Page).meta.url, `${HOST}${END_USERS}?PageSize=1&Page=0`);
      const wrongPort = await viaPlainProxy(server, `http://numbers.twilio.com:8080${END_USERS}`);
      assert.equal(wrongPort.status, 403);
    });

    test('the normal port is unchanged: its own origin in every URL', async () => {
      const page = (await (await server.request('GET', `${END_USERS}?PageSize=1`)).json()) as Page;
      assert.equal(page.meta.url, `${server.origin}${END_USERS}?PageSize=1&Page=0`);
      assert.ok(page.meta.next_page_url?.startsWith(`${server.origin}/`));
    });

    test('Twilio errors come through unchanged', async () => {
      const response = await viaTunnel(server, { path: `${END_USERS}/IT00000000000000000000000000000000` });
      assert.equal(response.status, 404);
      assert.equal((JSON.parse(response.body) as { code: number }).code, 20404);
      const unauthorized = await viaTunnel(server, { path: END_USERS, auth: { sid: server.account.sid, token: 'wrong-token' } });
      assert.equal(unauthorized.status, 401);
    });

    test('CONNECT to a host that is not Twilio is refused, and nothing is tunnelled', async () => {
      const refused = await connect(server.proxyPort, 'example.com:443');
      assert.equal(refused.status, 403);
      assert.match(refused.body, /example\.com is not a Twilio API host.*never tunnels to the internet/);
      await assertStillServes(server);
    });

    test('CONNECT to a Twilio host regcomp does not implement is refused', async () => {
      const refused = await connect(server.proxyPort, 'api.twilio.com:443');
      assert.equal(refused.status, 403);
      assert.match(refused.body, /api\.twilio\.com is a Twilio host regcomp does not implement/);
      await assertStillServes(server);
    });

    test('CONNECT to a Twilio host on another port than 443 is refused', async () => {
      const refused = await connect(server.proxyPort, 'numbers.twilio.com:8443');
      assert.equal(refused.status, 403);
      assert.match(refused.body, /served on port 443 only, not 8443/);
      await assertStillServes(server);
    });

    test('a malformed CONNECT target is a 400', async () => {
      const refused = await connect(server.proxyPort, 'numbers.twilio.com');
      assert.equal(refused.status, 400);
      assert.match(refused.body, /host:port/);
      await assertStillServes(server);
    });

    test('plain requests: another host is refused, an origin-form target is told where to go', async () => {
      const foreign = await viaPlainProxy(server, 'http://example.com/');
      assert.equal(foreign.status, 403);
      assert.match(foreign.body, /example\.com is not a Twilio API host/);
      const origin = await viaPlainProxy(server, END_USERS);
      assert.equal(origin.status, 400);
      assert.match(origin.body, /this is the proxy port/);
      await assertStillServes(server);
    });

    test('garbage instead of a TLS handshake gets a clear 400 inside the tunnel', async () => {
      const { status, socket } = await connect(server.proxyPort, 'numbers.twilio.com:443');
      assert.equal(status, 200);
      let answer = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
      const ended = new Promise((resolve) => socket.once('close', resolve));
      socket.write('GET / HTTP/1.1\r\nHost: numbers.twilio.com\r\n\r\n');
      await ended;
      assert.match(answer, /^HTTP\/1\.1 400 Bad Request/);
      assert.match(answer, /expected a TLS handshake for numbers\.twilio\.com:443/);
      await assertStillServes(server);
    });

    test('garbage instead of a proxy request is a 400', async () => {
      const socket = net.connect(server.proxyPort, '127.0.0.1');
      let answer = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
      const ended = new Promise((resolve) => socket.once('close', resolve));
      socket.end('\x16\x03\x01 not http at all\r\n\r\n');
      await ended;
      assert.match(answer, /^HTTP\/1\.1 400 Bad Request/);
      await assertStillServes(server);
    });

    test('a client that does not trust the CA refuses the certificate; the proxy goes on', async () => {
      await assert.rejects(viaTunnel(server, { path: END_USERS, ca: tls.rootCertificates.join('\n') }), (err: NodeJS.ErrnoException) => {
        assert.match(String(err.code), /UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
        return true;
      });
      await assertStillServes(server);
    });

    test('the leaf certificate names the host, and the CA may only sign for twilio.com', async () => {
      const { socket } = await connect(server.proxyPort, 'numbers.twilio.com:443');
      const secure = tls.connect({ socket, servername: 'numbers.twilio.com', ca: server.ca });
      await new Promise((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
      const cert = secure.getPeerX509Certificate()!;
      secure.destroy();
      assert.equal(cert.subjectAltName, 'DNS:numbers.twilio.com');
      assert.ok(cert.checkIssued(new X509Certificate(server.ca)));
      assert.ok(!cert.ca);
      assert.equal(fs.statSync(path.join(server.caDir, 'ca.key.pem')).mode & 0o777, 0o600);

      // Even made to, the CA cannot vouch for another domain: verifiers enforce its name constraint.
      const ca = await LocalCa.open(server.caDir);
      const forged = await ca.contextFor('example.com');
      const impostor = tls.createServer({ SNICallback: (_name, done) => done(null, forged) }, (s) => s.end());
      const impostorSockets: net.Socket[] = [];
      impostor.on('connection', (socket: net.Socket) => impostorSockets.push(socket));
      await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
      const { port } = impostor.address() as net.AddressInfo;
      const client = tls.connect({ port, host: '127.0.0.1', servername: 'example.com', ca: server.ca });
      const outcome = await new Promise<string>((resolve) => {
        client.once('secureConnect', () => resolve('accepted'));
        client.once('error', (err: NodeJS.ErrnoException) => resolve(`${err.code}: ${err.message}`));
      });
      client.destroy();
      assert.match(outcome, /permitted subtree violation/);
      for (const socket of impostorSockets) socket.destroy();
      await new Promise((resolve) => impostor.close(resolve));
    });

    test('twilio-node, unchanged, through HTTP_PROXY and NODE_EXTRA_CA_CERTS', async () => {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'regcomp-node-'));
      const script = `
        const twilio = require('twilio');
        const client = twilio(process.env.TWILIO_ACCOUNT_SID, process.env.TWILIO_AUTH_TOKEN);
        const endUsers = client.numbers.v2.regulatoryCompliance.endUsers;
        (async () => {
          const created = await endUsers.create({ friendlyName: 'Node', type: 'business', attributes: { business_name: 'N' } });
          const fetched = await endUsers(created.sid).fetch();
          const updated = await endUsers(created.sid).update({ friendlyName: 'Node 2' });
          const listed = await endUsers.list({ pageSize: 2, limit: 5 });
          const removed = await endUsers(created.sid).remove();
          let missing;
          try { await endUsers(created.sid).fetch(); } catch (err) { missing = err.code; }
          console.log(JSON.stringify({ url: created.url, fetched: fetched.sid === created.sid, name: updated.friendlyName,
            listed: listed.length, urls: listed.map((u) => u.url), removed, missing }));
        })().catch((err) => { console.error(err); process.exit(1); });`;
      const result = await runChild(process.execPath, ['-e', script], clientEnv(home, {
        HTTP_PROXY: server.proxy.url,
        NODE_EXTRA_CA_CERTS: server.proxy.caCertPath,
        TWILIO_ACCOUNT_SID: server.account.sid,
        TWILIO_AUTH_TOKEN: server.account.token,
        NODE_PATH: path.resolve('node_modules'),
      }));
      fs.rmSync(home, { recursive: true, force: true });
      assert.equal(result.code, 0, result.stderr);
      const out = JSON.parse(result.stdout) as { url: string; fetched: boolean; name: string; listed: number; urls: string[]; removed: boolean; missing: number };
      assert.match(out.url, /^https:\/\/numbers\.twilio\.com\/v2\/RegulatoryCompliance\/EndUsers\/IT[0-9a-f]{32}$/);
      assert.deepEqual([out.fetched, out.name, out.removed, out.missing], [true, 'Node 2', true, 20404]);
      assert.ok(out.listed >= 4, `listed ${out.listed} over pages of 2`);
      assert.ok(out.urls.every((u) => u.startsWith(`${HOST}/`)));
    });

    test('twilio-python (Debian python3-twilio) through HTTPS_PROXY', async () => {
      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'regcomp-python-'));
      const script = [
        'import json, os',
        'from twilio.rest import Client',
        'from twilio.base.exceptions import TwilioRestException',
        "client = Client(os.environ['TWILIO_ACCOUNT_SID'], os.environ['TWILIO_AUTH_TOKEN'])",
        // python3-twilio 7.x sends with Session.send, which skips REQUESTS_CA_BUNDLE (README).
        "client.http_client.session.verify = os.environ['REQUESTS_CA_BUNDLE']",
        'end_users = client.numbers.v2.regulatory_compliance.end_users',
        "created = end_users.create(friendly_name='Py', type='individual', attributes={'first_name': 'P'})",
        "updated = end_users(created.sid).update(friendly_name='Py 2')",
        'listed = end_users.list(page_size=2, limit=5)',
        'removed = end_users(created.sid).delete()',
        'try:',
        '    end_users(created.sid).fetch()',
        '    missing = None',
        'except TwilioRestException as err:',
        '    missing = err.code',
        "print(json.dumps({'url': created.url, 'name': updated.friendly_name, 'urls': [u.url for u in listed], 'removed': removed, 'missing': missing}))",
      ].join('\n');
      const result = await runChild('/usr/bin/python3', ['-c', script], clientEnv(home, {
        HTTPS_PROXY: server.proxy.url,
        REQUESTS_CA_BUNDLE: server.proxy.caCertPath,
        TWILIO_ACCOUNT_SID: server.account.sid,
        TWILIO_AUTH_TOKEN: server.account.token,
      }));
      fs.rmSync(home, { recursive: true, force: true });
      assert.equal(result.code, 0, result.stderr);
      const out = JSON.parse(result.stdout) as { url: string; name: string; urls: string[]; removed: boolean; missing: number };
      assert.match(out.url, /^https:\/\/numbers\.twilio\.com\/v2\/RegulatoryCompliance\/EndUsers\/IT[0-9a-f]{32}$/);
      assert.deepEqual([out.name, out.removed, out.missing], ['Py 2', true, 20404]);
      assert.ok(out.urls.length >= 4 && out.urls.every((u) => u.startsWith(`${HOST}/`)), JSON.stringify(out.urls));
    });
  });
}
