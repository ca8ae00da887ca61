import net from 'node:net';

export type ProxyState = 'up' | 'refusing' | 'silent' | 'frozen';

/**
 * A TCP proxy on 127.0.0.1 between a server under test and PostgreSQL, that a test can break
 * in the ways a network or a database breaks:
 * - `refuse()`: every connection is cut and the port closed (PostgreSQL down: ECONNREFUSED);
 * - `silence()`: every connection is cut; new ones are accepted and never answered (a host
 *   that has gone away behind a firewall);
 * - `freeze()`: connections stay open but nothing more passes either way (a partition);
 * - `restore()`: frozen connections are cut and new ones are forwarded again.
 */
export class TcpProxy {
  private state: ProxyState = 'up';
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;

  private constructor(
    private readonly target: { host: string; port: number },
    public readonly port: number,
    server: net.Server,
  ) {
    this.server = server;
    server.on('connection', (socket) => this.accept(socket));
  }

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const address = server.address() as net.AddressInfo;
    return new TcpProxy(target, address.port, server);
  }

  get current(): ProxyState {
    return this.state;
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  private accept(client: net.Socket): void {
    this.track(client);
    if (this.state !== 'up') return; // silent: hold the connection, say nothing
    const upstream = net.connect(this.target.port, this.target.host);
    this.track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  private cutAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async refuse(): Promise<void> {
    this.state = 'refusing';
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.cutAll();
    await closed;
  }

  async silence(): Promise<void> {
    await this.listen();
    this.state = 'silent';
    this.cutAll();
  }

  freeze(): void {
    this.state = 'frozen';
    for (const socket of this.sockets) {
      socket.unpipe();
      socket.pause();
    }
  }

  async restore(): Promise<void> {
    this.cutAll();
    await this.listen();
    this.state = 'up';
  }

  private async listen(): Promise<void> {
    if (this.server.listening) return;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    this.state = 'refusing';
    this.cutAll();
    if (this.server.listening) await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
