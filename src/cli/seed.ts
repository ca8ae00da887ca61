import cliProgress from 'cli-progress';
import { seedEndUsers } from '../resources/end-users/seed.js';
import { seedDocuments } from '../resources/supporting-documents/seed.js';
import { print, program, wholeNumber, withDb } from './common.js';

interface SeedCommandOptions {
  count: number;
  accounts: number;
  documents: number;
  token?: string;
}

program
  .command('seed')
  .description(
    'Load synthetic end users (and Supporting Documents) for load tests, spread over new accounts that all share one auth token ' +
      '(printed with the account SIDs; anyone holding it can use every seeded account)',
  )
  .option('--count <n>', 'end users to create', wholeNumber(0, 100_000_000), 1000)
  .option('--accounts <n>', 'new accounts to spread them over', wholeNumber(1, 1_000_000), 10)
  .option('--documents <n>', 'Supporting Documents to create, each with a small PDF file', wholeNumber(0, 10_000_000), 0)
  .option('--token <token>', 'the auth token of every seeded account (default: 32 random hex digits)')
  .action(async (options: SeedCommandOptions) => {
    const bar = new cliProgress.SingleBar(
      { format: 'seeding [{bar}] {percentage}% | {value}/{total} rows | {eta}s left', etaBuffer: 20 },
      cliProgress.Presets.shades_classic,
    );
    const { result, documents } = await withDb(async (db) => {
      bar.start(options.count + options.documents, 0);
      try {
        const users = await seedEndUsers(db, { ...options, onProgress: (done) => bar.update(done) });
        const docs = await seedDocuments(db, users.accountSids, options.documents, { onProgress: (done) => bar.update(options.count + done) });
        return { result: users, documents: docs };
      } finally {
        bar.stop();
      }
    });
    process.stderr.write(
      `seeded ${result.endUsers} end users and ${documents} supporting documents over ${result.accountSids.length} accounts in ${(result.ms / 1000).toFixed(1)} s\n`,
    );
    print({ auth_token: result.token, end_users: result.endUsers, supporting_documents: documents, account_sids: result.accountSids });
  });
