import Fastify from 'fastify';
import fs from 'node:fs';
import http from 'node:http';

/**
 * The references every figure is compared with, each run as its own process:
 * - `http [file]`: a bare node:http server answering every request with one fixed End-User JSON
 *   (or the bytes of `file`, e.g. a list page the server sent) — what Node itself can do on this
 *   machine, with no routing, auth, storage or logging;
 * - `fastify`: a bare Fastify app answering `{"hello":"world"}` — the framework's own cost.
 */
const END_USER =
  '{"sid":"IT0123456789abcdef0123456789abcdef","account_sid":"AC0123456789abcdef0123456789abcdef",' +
  '"friendly_name":"Ada Lovelace","type":"individual","attributes":{"first_name":"Ada","last_name":"Lovelace",' +
  '"email":"ada.lovelace42@example.com","phone_number":"+14155550123"},"date_created":"2024-05-01T12:00:00Z",' +
  '"date_updated":"2024-05-01T12:00:00Z","url":"http://127.0.0.1:3000/v2/RegulatoryCompliance/EndUsers/IT0123456789abcdef0123456789abcdef"}';

async function main(): Promise<void> {
  const kind = process.argv[2];
  let address: string;
  if (kind === 'http') {
    const file = process.argv[3];
    // Sent as a string, as the server sends its JSON: the encoding is part of the cost.
    const body = file === undefined ? END_USER : fs.readFileSync(file, 'utf8');
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const a = server.address();
    address = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    process.once('SIGTERM', () => server.close(() => process.exit(0)));
  } else if (kind === 'fastify') {
    const app = Fastify({ logger: false });
    app.all('/*', () => ({ hello: 'world' }));
    address = await app.listen({ host: '127.0.0.1', port: 0 });
    process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
  } else {
    throw new Error('usage: reference.js http [body-file] | fastify');
  }
  process.stdout.write(`reference ${kind} listening on ${address}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
