import { loadConfig } from '../config.js';
import { newReviews } from '../lifecycle/background.js';
import type { Decision } from '../lifecycle/review.js';
import { BUNDLE_STATUSES, isBundleStatus } from '../resources/bundles/bundle.js';
import { twilioDate } from '../twilio/dates.js';
import { callbackLog } from '../webhooks/log.js';
import { fail, print, program, sid, withDb } from './common.js';

/**
 * Play Twilio's reviewer from a shell: the decision is written with its status callback in
 * the outbox, and a running server (any instance) delivers it.
 */
const bundles = program.command('bundles').description("Decide bundles' reviews, and see their status callbacks");

async function decide(bundleSid: string, decision: Decision): Promise<void> {
  const row = await withDb((db) => newReviews(db, loadConfig(), Date.now).decide(bundleSid, decision));
  if (!row) fail(`no bundle ${bundleSid}`);
  print({ sid: row.sid, account_sid: row.account_sid, status: row.status, failure_reason: row.failure_reason || null, valid_until: row.valid_until || null });
}

function validUntilOf(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return value;
  const time = Date.parse(value);
  if (Number.isNaN(time)) fail(`--valid-until: not a date-time: ${value}`);
  return twilioDate(new Date(time));
}

bundles
  .command('approve')
  .description('Approve a bundle (twilio-approved), now')
  .argument('<sid>', 'Bundle SID', sid('BU'))
  .option('--valid-until <date-time>', 'also set valid_until (a regulation change)')
  .action((bundleSid: string, options: { validUntil?: string }) => decide(bundleSid, { status: 'twilio-approved', failureReason: '', validUntil: validUntilOf(options.validUntil) }));

bundles
  .command('reject')
  .description('Reject a bundle (twilio-rejected), now, with the reason its callback and owner see')
  .argument('<sid>', 'Bundle SID', sid('BU'))
  .requiredOption('--reason <text>', 'the failure reason')
  .action((bundleSid: string, options: { reason: string }) => decide(bundleSid, { status: 'twilio-rejected', failureReason: options.reason }));

bundles
  .command('set-status')
  .description(`Move a bundle to any status (${BUNDLE_STATUSES.join(', ')}), now`)
  .argument('<sid>', 'Bundle SID', sid('BU'))
  .argument('<status>', 'the new status')
  .option('--reason <text>', 'the failure reason')
  .action((bundleSid: string, status: string, options: { reason?: string }) => {
    if (!isBundleStatus(status)) fail(`not a bundle status: ${status} (${BUNDLE_STATUSES.join(', ')})`);
    return decide(bundleSid, { status, failureReason: options.reason ?? '' });
  });

bundles
  .command('callbacks')
  .description("A bundle's status callbacks and every delivery attempt")
  .argument('<sid>', 'Bundle SID', sid('BU'))
  .action(async (bundleSid: string) => print(await withDb((db) => callbackLog(db, bundleSid))));
