import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import type { DeterministicRun } from './determinism/run.js';
import { ensureAccount } from './bootstrap.js';
import { CONSOLE_PATH } from './console/static.js';
import { ConfigError, loadConfig } from './config.js';
import type { Config } from './config.js';
import { loggerOptions } from './logger.js';
import { DatabaseUnavailableError } from './store/db.js';
import type { Db } from './store/db.js';
import { isStorageFull } from './store/storage-full.js';
import { resealStore } from './store/pii-reseal.js';
import { piiSealer } from './store/pii-seal.js';
import type { FastifyInstance } from 'fastify';
import { openAndMigrate } from './store/open.js';
import { CaError, startProxy } from './proxy/index.js';
import type { RunningProxy } from './proxy/index.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openAndMigrate(config.databaseUrl, {
    pgPoolSize: config.pgPoolSize,
    pgStatementTimeoutMs: config.pgStatementTimeoutMs,
    sqlite: { backgroundCheckpoints: true },
  });
  const app = await buildApp({ config, db, logger: loggerOptions(config.logLevel) });
  announceDeterministicRun(app.deterministicRun);
  const created = await ensureAccountUnlessFull(db, config);
  if (created) {
    // Printed once, to the terminal only (never to the log): the credentials of the account
    // made for a fresh store. Printed before listening, so a start that then fails (a port in
    // use, say) cannot lose them: the next start finds the account and makes none.
    process.stderr.write(
      `\nregcomp created an account for this new store. Save these now; the token is not shown again:\n` +
        `  TWILIO_ACCOUNT_SID=${created.sid}\n  TWILIO_AUTH_TOKEN=${created.token}\n\n`,
    );
  }
  let proxy: RunningProxy | undefined;

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await proxy?.close();
    await app.close();
    await db.close();
  });

  let address: string;
  try {
    address = await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await db.close().catch(() => undefined);
    throw new ListenError(config.host, config.port, err);
  }
  // The proxy port (src/proxy/), when PROXY_PORT is set; announced first, so that "listening"
  // means everything is up.
  if (config.proxyPort !== undefined) {
    proxy = await startProxy(app, { host: config.host, port: config.proxyPort, caDir: config.proxyCaDir });
    process.stderr.write(`regcomp proxy listening on ${proxy.url} (clients must trust the CA certificate ${proxy.caCertPath})\n`);
  }
  process.stderr.write(`regcomp console: ${address}${CONSOLE_PATH} (sign in with the account's SID and auth token)\n`);
  process.stderr.write(`regcomp listening on ${address}\n`);
  sealInBackground(app, db);
}

/** One line, so that a deterministic run is never mistaken for a normal one. */
function announceDeterministicRun(run: DeterministicRun | undefined): void {
  if (!run) return;
  const at = new Date(run.clock.now()).toISOString();
  process.stderr.write(
    `regcomp deterministic mode (DETERMINISTIC_SEED): run ${run.run} on this store, seeded SIDs, clock frozen at ${at} ` +
      `(it moves only by POST /regcomp/Clock); for tests only, one instance per store\n`,
  );
}

/** On PostgreSQL, seals attributes stored in clear or under a retired key (pii-reseal.ts), once, after listening. */
function sealInBackground(app: FastifyInstance, db: Db): void {
  resealStore(db, piiSealer(db.dialect)).then(
    (sealed) => {
      if (sealed > 0) app.log.info({ sealed }, 'sealed stored attributes under the current key');
    },
    (err: unknown) => app.log.warn({ code: (err as { code?: unknown }).code }, 'sealing stored attributes stopped; the next start goes on'),
  );
}

/**
 * On a full disk the server still starts, to serve reads (writes answer 503, /readyz says
 * `storage full`): one line says so instead of a stack.
 */
async function ensureAccountUnlessFull(db: Db, config: Config): ReturnType<typeof ensureAccount> {
  try {
    return await ensureAccount(db, config);
  } catch (err) {
    if (!isStorageFull(err)) throw err;
    process.stderr.write(`regcomp: ${FULL_DISK}: the account could not be saved; serving reads, writes answer 503 until space is freed\n`);
    return undefined;
  }
}

const FULL_DISK = "the store's disk is full (or failing)";

class ListenError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
    cause: unknown,
  ) {
    super(`cannot listen on ${host}:${port}`, { cause });
  }
}

const LISTEN_CAUSES: Record<string, string> = {
  EADDRINUSE: 'the address is already in use (another process listens there: stop it, or set PORT)',
  EACCES: 'permission denied (ports below 1024 need privileges: set PORT)',
  EADDRNOTAVAIL: 'the address is not available on this host (check HOST)',
  ENOTFOUND: 'the host name does not resolve (check HOST)',
};

/** Every start-up failure is one line: what failed, and why. */
function startupFailure(err: unknown): string {
  if (err instanceof ConfigError || err instanceof CaError) return err.message;
  // Not reachable at start: exit, and let the supervisor start us again (once running, the
  // server rides out database trouble by itself).
  if (err instanceof DatabaseUnavailableError) {
    return `cannot reach the database: ${firstLine((err.cause as Error | undefined)?.message ?? err.message)}`;
  }
  if (isStorageFull(err)) return `${FULL_DISK}: free some space and start again`;
  if (err instanceof ListenError) {
    const cause = err.cause as NodeJS.ErrnoException | undefined;
    const code = cause?.code ?? '';
    return `${err.message}: ${LISTEN_CAUSES[code] ?? firstLine(cause?.message ?? String(cause))}`;
  }
  return `start-up failed: ${firstLine(err instanceof Error ? err.message : String(err))}`;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}

main().catch((err: unknown) => {
  process.stderr.write(`regcomp: ${startupFailure(err)}\n`);
  process.exit(1);
});
