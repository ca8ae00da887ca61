import cliProgress from 'cli-progress';
import { seedEndUsers } from '../resources/end-users/seed.js';
import { print, program, wholeNumber, withDb } from './common.js';

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

