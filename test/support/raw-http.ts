import net from 'node:net';

/** What came back on a raw socket. */
export interface RawAnswer {
  /** The status of the first response, if one arrived. */
  status: number | undefined;
  headers: Record<string, string>;
  /** The first response's body (by Content-Length). */
  body: string;
  /** Everything received. */
  text: string;
  /** The server closed the connection (before the bound ran out). */
  closed: boolean;
  /** The bound ran out with the socket still open. */
  timedOut: boolean;
}

/**
 * Writes `bytes` to a fresh loopback connection and collects the answer. Resolves once the
 * server closes the connection, or — unless `untilClose` — once one whole response has
 * arrived, or when `boundMs` runs out (then `timedOut`); the socket is always destroyed.
 */
export function rawExchange(origin: string, bytes: string | Buffer, options: { boundMs?: number; untilClose?: boolean } = {}): Promise<RawAnswer> {
  const { port, hostname } = new URL(origin);
  const boundMs = options.boundMs ?? 5000;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean, timedOut: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parse(Buffer.concat(chunks).toString('utf8'), closed, timedOut));
    };
    const timer = setTimeout(() => finish(false, true), boundMs);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (!options.untilClose && complete(Buffer.concat(chunks).toString('utf8'))) finish(false, false);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') finish(true, false);
      else if (!done) {
        done = true;
        clearTimeout(timer);
        reject(err);
      }
    });
    socket.on('close', () => finish(true, false));
  });
}

function complete(text: string): boolean {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end));
  return Buffer.byteLength(text.slice(end + 4)) >= Number(length?.[1] ?? 0);
}

function parse(text: string, closed: boolean, timedOut: boolean): RawAnswer {
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const [statusLine, ...lines] = head.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1];
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] ??= line.slice(colon + 1).trim();
  }
  const rest = end < 0 ? '' : text.slice(end + 4);
  const length = headers['content-length'] === undefined ? rest.length : Number(headers['content-length']);
  return { status: status === undefined ? undefined : Number(status), headers, body: Buffer.from(rest).subarray(0, length).toString('utf8'), text, closed, timedOut };
}
