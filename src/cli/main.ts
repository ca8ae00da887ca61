import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { Accounts, InvalidInputError } from '../accounts/accounts.js';
import { DEFAULT_DATABASE_URL } from '../config.js';
import { seedEndUsers } from '../resources/end-users/seed.js';
import type { Db } from '../store/db.js';
import { openAndMigrate } from '../store/open.js';
import { isSid } from '../twilio/sid.js';

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
    await withDb(() => Promise.resolve());
    process.stderr.write('schema up to date\n');
  });

function count(min: number, max: number) {
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
  .option('--count <n>', 'end users to create', count(0, 100_000_000), 1000)
  .option('--accounts <n>', 'new accounts to spread them over', count(1, 1_000_000), 10)
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
  fail(err instanceof InvalidInputError ? err.message : String((err as Error)?.message ?? err));
});
