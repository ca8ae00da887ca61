import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ensureAccount } from './bootstrap.js';
import { ConfigError, loadConfig } from './config.js';
import { loggerOptions } from './logger.js';
import { DatabaseUnavailableError } from './store/db.js';
import { openAndMigrate } from './store/open.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openAndMigrate(config.databaseUrl, {
    pgPoolSize: config.pgPoolSize,
    pgStatementTimeoutMs: config.pgStatementTimeoutMs,
    sqlite: { backgroundCheckpoints: true },
  });
  const app = await buildApp({ config, db, logger: loggerOptions(config.logLevel) });
  const created = await ensureAccount(db, config);

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
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
  process.stderr.write(`regcomp listening on ${address}\n`);
}

function startupFailure(err: unknown): string {
  if (err instanceof ConfigError) return err.message;
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
