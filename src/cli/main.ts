import { InvalidInputError } from '../accounts/accounts.js';
import { DatabaseUnavailableError } from '../store/db.js';
import { migrations } from '../store/migrations.js';
import { openDb } from '../store/open.js';
import { ImportError } from '../transfer/ndjson.js';
import { CaError } from '../proxy/index.js';
import './accounts.js';
import './bundles.js';
import './ca.js';
import { databaseUrl, fail, program } from './common.js';
import './faults.js';
import './seed.js';
import './transfer.js';

/**
 * The `regcomp` command: manage accounts and API keys on the same DATABASE_URL a server uses.
 * Running servers notice new, rotated and deleted credentials within their credential cache
 * time (CREDENTIAL_CACHE_MS, 2 s by default).
 */
program
  .command('migrate')
  .description('Apply pending schema migrations (the server also does this at start)')
  .action(async () => {
    const db = openDb(databaseUrl());
    try {
      const applied = await db.migrate(migrations);
      process.stderr.write(applied.length === 0 ? 'schema up to date: nothing to apply\n' : `applied ${applied.join(', ')}\n`);
    } finally {
      await db.close();
    }
  });

program.parseAsync().catch((err: unknown) => {
  if (err instanceof DatabaseUnavailableError) {
    fail(`cannot reach the database: ${String((err.cause as Error | undefined)?.message ?? err.message)}`);
  }
  fail(err instanceof InvalidInputError || err instanceof ImportError || err instanceof CaError ? err.message : String((err as Error)?.message ?? err));
});
