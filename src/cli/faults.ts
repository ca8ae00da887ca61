import { FAULT_TYPES, faultJson, parseFault } from '../faults/rule.js';
import { FAULT_SID_PREFIX, FaultStore } from '../faults/store.js';
import { isForeignKeyViolation } from '../store/db.js';
import { TwilioError } from '../twilio/errors.js';
import { fail, print, program, sid, withDb } from './common.js';

/**
 * An account's fault rules from a shell, on the store: running servers apply a change within
 * FAULTS_REFRESH_MS (1 s by default). The same checks as POST /regcomp/Faults.
 */
const faults = program.command('faults').description("Inject faults into an account's /v2 requests (429, 500, 503, latency, dropped connections)");

interface AddOptions {
  account: string;
  type: string;
  method?: string;
  path?: string;
  count?: string;
  probability?: string;
  latencyMs?: string;
  retryAfter?: string;
}

/** The CLI's options as the control API's form, so both share one set of rules and messages. */
function formOf(options: AddOptions): Map<string, string> {
  const pairs: [string, string | undefined][] = [
    ['Type', options.type],
    ['Method', options.method],
    ['Path', options.path],
    ['Count', options.count],
    ['Probability', options.probability],
    ['LatencyMs', options.latencyMs],
    ['RetryAfter', options.retryAfter],
  ];
  return new Map(pairs.filter((pair): pair is [string, string] => pair[1] !== undefined));
}

// No request origin here: the rule's url is relative.
const json = (row: Parameters<typeof faultJson>[0]) => faultJson(row, '');

faults
  .command('add')
  .description('Add a fault rule; without --count it lasts until removed')
  .requiredOption('--account <sid>', 'Account SID', sid('AC'))
  .requiredOption('--type <type>', FAULT_TYPES.join(' | '))
  .option('--method <method>', 'only requests of this method (GET, POST, DELETE)')
  .option('--path <glob>', 'only paths matching, * for any run of characters, e.g. /v2/RegulatoryCompliance/EndUsers*')
  .option('--count <n>', 'the next n matching requests, then the rule is spent')
  .option('--probability <p>', 'each matching request with probability p, 0 < p <= 1 (default 1)')
  .option('--latency-ms <ms>', 'delay first (latency: required)')
  .option('--retry-after <seconds>', 'Retry-After of a 429 or 503 (default 1)')
  .action(async (options: AddOptions) => {
    let fault;
    try {
      fault = parseFault(formOf(options));
    } catch (err) {
      if (err instanceof TwilioError) fail(err.message);
      throw err;
    }
    const row = await withDb((db) => new FaultStore(db).create(options.account, fault)).catch((err: unknown) => {
      if (isForeignKeyViolation(err)) fail(`no account ${options.account}`);
      throw err;
    });
    print(json(row));
  });

faults
  .command('list')
  .description("An account's fault rules, oldest (tried first) first")
  .requiredOption('--account <sid>', 'Account SID', sid('AC'))
  .action(async (options: { account: string }) => print((await withDb((db) => new FaultStore(db).list(options.account))).map(json)));

faults
  .command('remove')
  .description('Remove one fault rule')
  .argument('<sid>', 'Fault SID', sid(FAULT_SID_PREFIX))
  .requiredOption('--account <sid>', 'Account SID', sid('AC'))
  .action(async (faultSid: string, options: { account: string }) => {
    if (!(await withDb((db) => new FaultStore(db).delete(options.account, faultSid)))) fail(`no fault ${faultSid} in account ${options.account}`);
  });

faults
  .command('clear')
  .description("Remove all of an account's fault rules")
  .requiredOption('--account <sid>', 'Account SID', sid('AC'))
  .action(async (options: { account: string }) => {
    const removed = await withDb((db) => new FaultStore(db).clear(options.account));
    process.stderr.write(`removed ${removed} fault${removed === 1 ? '' : 's'}\n`);
  });
