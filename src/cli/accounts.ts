import { Accounts } from '../accounts/accounts.js';
import { wipeAccount } from '../accounts/wipe.js';
import { fail, print, program, sid, withDb } from './common.js';

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

accounts
  .command('wipe')
  .description("Delete all of an account's data (end users, documents and files, bundles…) in one go; the account and its keys stay")
  .argument('<sid>', 'Account SID', sid('AC'))
  .action(async (accountSid: string) => {
    const deleted = await withDb((db) => wipeAccount(db, accountSid));
    if (!deleted) fail(`no account ${accountSid}`);
    print({ account_sid: accountSid, deleted });
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
