import type { FastifyInstance } from 'fastify';
import { LocalCa } from './ca.js';
import { TwilioProxy } from './proxy-server.js';

export { CaError, LocalCa } from './ca.js';
export { defaultCaDir } from './ca-dir.js';

export interface ProxyOptions {
  host: string;
  port: number;
  caDir: string;
}

export interface RunningProxy {
  /** `http://host:port`, what clients put in HTTPS_PROXY. */
  url: string;
  caCertPath: string;
  close(): Promise<void>;
}

/** Serves `app` on a second, proxy port (see README, "Real clients through the proxy"). */
export async function startProxy(app: FastifyInstance, options: ProxyOptions): Promise<RunningProxy> {
  const ca = await LocalCa.open(options.caDir);
  const proxy = new TwilioProxy(ca, (request, response) => app.routing(request, response), app.log);
  const address = await proxy.listen(options.port, options.host);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${host}:${address.port}`, caCertPath: ca.certPath, close: () => proxy.close() };
}
