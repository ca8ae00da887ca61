import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { once } from 'node:events';
import fs from 'node:fs';
import readline from 'node:readline';
import { Accounts, InvalidInputError } from '../accounts/accounts.js';
import { DEFAULT_DATABASE_URL } from '../config.js';
import { seedEndUsers } from '../resources/end-users/seed.js';
import type { Db } from '../store/db.js';
import { DatabaseUnavailableError } from '../store/db.js';
import { migrations } from '../store/migrations.js';
import { openAndMigrate, openDb } from '../store/open.js';
import type { ConflictPolicy, Counts, ImportSummary } from '../transfer/ndjson.js';
import { ImportError, exportStore, importStore } from '../transfer/ndjson.js';
import { isSid } from '../twilio/sid.js';
import { Progress, count } from './progress.js';

/**
 * The `regcomp` command: manage accounts and API keys on the same DATABASE_URL a server uses.
 * Running servers notice new, rotated and deleted credentials within their credential cache
 * time (CREDENTIAL_CACHE_MS, 2 s by default).
 */
const program = new Command('regcomp')
  .description('Manage a regcomp store (accounts, API keys, data)')
  .option('--database-url <url>', 'the store to work on (default: $DATABASE_URL, else sqlite:./data/regcomp.sqlite)');

function databaseUrl(): string {
  return program.opts<{ databaseUrl?: string }>().databaseUrl ?? (process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
}

/** Runs `work` on the migrated store and closes it, whatever happens. */
async function withDb<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openAndMigrate(databaseUrl());
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

function print(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

function sid(prefix: string) {
  return (value: string): string => {
    if (!isSid(value, prefix)) throw new InvalidArgumentError(`expected ${prefix} followed by 32 hex digits`);
    return value;
  };
}

function fail(message: string): never {
  process.stderr.write(`regcomp: ${message}\n`);
  process.exit(1);
}

const accounts = program.command('accounts').description('Accounts (Account SID + Auth Token)');

accounts
  .command('create')
  .description('Create an account (or set the token of an existing one) and print it with its token')
  .option('--sid <AC…>', 'the Account SID (default: a new random one)', sid('AC'))
  .option('--token <token>', 'the Auth Token (default: 32 random hex digits)')
  .option('--friendly-name <name>', 'a name for the account')
  .action(async (options: { sid?: string; token?: string; friendlyName?: string }) => {
    print(await withDb((db) => new Accounts(db).upsert(options)));
  });

accounts
  .command('list')
  .description('List accounts (tokens are stored hashed and cannot be shown)')
  .action(async () => print(await withDb((db) => new Accounts(db).list())));

accounts
  .command('rotate-token')
  .description('Give an account a new Auth Token and print it; the old one stops working')
  .argument('<sid>', 'Account SID', sid('AC'))
  .action(async (accountSid: string) => {
    const rotated = await withDb((db) => new Accounts(db).rotateToken(accountSid));
    if (!rotated) fail(`no account ${accountSid}`);
    print(rotated);
  });

const keys = program.command('keys').description('API keys (SK… + secret), each owned by an account');

keys
  .command('create')
  .description('Create an API key and print its secret (shown only this once)')
  .requiredOption('--account <AC…>', 'the owning account', sid('AC'))
  .option('--friendly-name <name>', 'a name for the key')
  .action(async (options: { account: string; friendlyName?: string }) => {
    const key = await withDb((db) => new Accounts(db).createKey(options.account, options.friendlyName));
    if (!key) fail(`no account ${options.account}`);
    print(key);
  });

keys
  .command('list')
  .description('List API keys')
  .option('--account <AC…>', 'only this account’s keys', sid('AC'))
  .action(async (options: { account?: string }) => print(await withDb((db) => new Accounts(db).listKeys(options.account))));

keys
  .command('delete')
  .description('Delete an API key; it stops working at once')
  .argument('<sid>', 'API key SID', sid('SK'))
  .action(async (keySid: string) => {
    if (!(await withDb((db) => new Accounts(db).deleteKey(keySid)))) fail(`no API key ${keySid}`);
    print({ deleted: keySid });
  });

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

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new InvalidArgumentError('expected a whole number from 1 to 100000');
  return n;
}

function describeCounts(counts: Counts): string {
  return Object.entries(counts)
    .map(([kind, n]) => `${kind.replace('_', ' ')}s ${count(n)}`)
    .join(', ');
}

program
  .command('export')
  .description(
    'Write the whole store (settings, accounts with their token hashes, API keys, end users) as NDJSON, ' +
      'streaming; progress on stderr. The output holds credential hashes: keep it as safe as the database',
  )
  .option('--file <path>', 'write here instead of to stdout')
  .option('--chunk-size <rows>', 'rows per read', positive, 1000)
  .action(async (options: { file?: string; chunkSize: number }) => {
    const out: NodeJS.WritableStream = options.file === undefined ? process.stdout : fs.createWriteStream(options.file);
    // A closed pipe or a full disk ends the export with an error instead of a crash.
    let failure: Error | undefined;
    out.on('error', (err: Error) => {
      failure = err;
    });
    const write = async (text: string): Promise<void> => {
      if (failure) throw failure;
      if (!out.write(text)) await once(out, 'drain');
    };
    const progress = new Progress();
    const counts = await withDb((db) =>
      exportStore(db, write, {
        chunkSize: options.chunkSize,
        onProgress: (rows, total) => progress.update(`export: ${count(rows)} / ${count(total)} rows (${Math.floor((100 * rows) / Math.max(total, 1))}%)`),
      }),
    );
    if (out !== process.stdout) {
      out.end();
      await once(out, 'finish');
    }
    if (failure) throw failure;
    progress.done(`exported: ${describeCounts(counts)}`);
  });

program
  .command('import')
  .description(
    'Load an export (from stdin or --file) into the store, in batches, keeping list order and ids; progress on stderr. ' +
      'Rows the store already has unchanged are skipped, so re-running an interrupted import is safe',
  )
  .option('--file <path>', 'read this file instead of stdin')
  .addOption(
    new Option('--on-conflict <policy>', 'a row whose SID (or id) the store has with other content: stop, or keep the store’s row and go on')
      .choices(['fail', 'skip'])
      .default('fail'),
  )
  .option('--renumber', 'give imported end users new ids after the store’s own (for merging into a store that has end users); list order still holds')
  .option('--batch-size <rows>', 'rows per transaction', positive, 500)
  .action(async (options: { file?: string; onConflict: ConflictPolicy; renumber?: boolean; batchSize: number }) => {
    if (options.file === undefined && process.stdin.isTTY) fail('import reads an export from stdin or --file; stdin is a terminal');
    const input = options.file === undefined ? process.stdin : fs.createReadStream(options.file);
    const size = options.file === undefined ? undefined : fs.statSync(options.file).size;
    const progress = new Progress();
    const summary = await withDb((db) =>
      importStore(db, readline.createInterface({ input, crlfDelay: Infinity }), {
        onConflict: options.onConflict,
        renumber: options.renumber === true,
        batchSize: options.batchSize,
        onProgress: (lines, bytes) =>
          progress.update(
            `import: ${count(lines)} lines` + (size ? ` (${Math.min(100, Math.floor((100 * bytes) / Math.max(size, 1)))}%)` : ''),
          ),
      }),
    );
    progress.done(describeImport(summary));
  });

function describeImport(summary: ImportSummary): string {
  const lines = [`imported: ${describeCounts(summary.inserted)}`];
  const present = Object.values(summary.present).reduce((a, b) => a + b, 0);
  const skipped = Object.values(summary.skipped).reduce((a, b) => a + b, 0);
  if (present > 0) lines.push(`already present, unchanged: ${describeCounts(summary.present)}`);
  if (skipped > 0) lines.push(`conflicts skipped (the store's rows kept): ${describeCounts(summary.skipped)}`);
  if (summary.keptSettings.includes('page_token_secret')) {
    lines.push(
      'the store already had its own page-token secret and keeps it: page tokens handed out by the exporting store ' +
        'will be refused here (clients start their listing again)',
    );
  }
  return lines.join('\n');
}

function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

program
  .command('seed')
  .description(
    'Load synthetic end users for load tests, spread over new accounts that all share one auth token ' +
      '(printed with the account SIDs; anyone holding it can use every seeded account)',
  )
  .option('--count <n>', 'end users to create', wholeNumber(0, 100_000_000), 1000)
  .option('--accounts <n>', 'new accounts to spread them over', wholeNumber(1, 1_000_000), 10)
  .option('--token <token>', 'the auth token of every seeded account (default: 32 random hex digits)')
  .action(async (options: { count: number; accounts: number; token?: string }) => {
    const bar = new cliProgress.SingleBar(
      { format: 'seeding [{bar}] {percentage}% | {value}/{total} end users | {eta}s left', etaBuffer: 20 },
      cliProgress.Presets.shades_classic,
    );
    const result = await withDb(async (db) => {
      bar.start(options.count, 0);
      try {
        return await seedEndUsers(db, { ...options, onProgress: (done) => bar.update(done) });
      } finally {
        bar.stop();
      }
    });
    process.stderr.write(`seeded ${result.endUsers} end users over ${result.accountSids.length} accounts in ${(result.ms / 1000).toFixed(1)} s\n`);
    print({ auth_token: result.token, end_users: result.endUsers, account_sids: result.accountSids });
  });

program.parseAsync().catch((err: unknown) => {
  if (err instanceof DatabaseUnavailableError) {
    fail(`cannot reach the database: ${String((err.cause as Error | undefined)?.message ?? err.message)}`);
  }
  fail(err instanceof InvalidInputError || err instanceof ImportError ? err.message : String((err as Error)?.message ?? err));
});
