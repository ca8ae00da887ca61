import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ensureAccount } from './bootstrap.js';
import { ConfigError, loadConfig } from './config.js';
import { loggerOptions } from './logger.js';
import { DatabaseUnavailableError } from './store/db.js';
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
  const created = await ensureAccount(db, config);
  let proxy: RunningProxy | undefined;

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await proxy?.close();
    await app.close();
    await db.close();
  });

  const address = await app.listen({ host: config.host, port: config.port });
  if (created) {
    // Printed once, to the terminal only (never to the log): the credentials of the account
    // made for a fresh store.
    process.stderr.write(
      `\nregcomp created an account for this new store. Save these now; the token is not shown again:\n` +
        `  TWILIO_ACCOUNT_SID=${created.sid}\n  TWILIO_AUTH_TOKEN=${created.token}\n\n`,
    );
  }
  // The proxy port (src/proxy/), when PROXY_PORT is set; announced first, so that "listening"
  // means everything is up.
  if (config.proxyPort !== undefined) {
    proxy = await startProxy(app, { host: config.host, port: config.proxyPort, caDir: config.proxyCaDir });
    process.stderr.write(`regcomp proxy listening on ${proxy.url} (clients must trust the CA certificate ${proxy.caCertPath})\n`);
  }
  process.stderr.write(`regcomp listening on ${address}\n`);
}

function startupFailure(err: unknown): string {
  if (err instanceof ConfigError || err instanceof CaError) return err.message;
  // Not reachable at start: exit, and let the supervisor start us again (once running, the
  // server rides out database trouble by itself).
  if (err instanceof DatabaseUnavailableError) {
    return `cannot reach the database: ${String((err.cause as Error | undefined)?.message ?? err.message)}`;
  }
  return String((err as Error)?.stack ?? err);
}

main().catch((err: unknown) => {
  process.stderr.write(`regcomp: ${startupFailure(err)}\n`);
  process.exit(1);
});
