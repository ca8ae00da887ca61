import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Background } from '../lifecycle/background.js';
import type { ReviewSettings } from '../lifecycle/policy.js';
import { REVIEW_POLICIES, isReviewPolicy } from '../lifecycle/policy.js';
import { isBundleStatus } from '../resources/bundles/bundle.js';
import type { BundleRow } from '../resources/bundles/bundle.js';
import { BUNDLE_COLUMNS } from '../resources/bundles/store.js';
import { bundleJson } from '../resources/bundles/view.js';
import type { Db } from '../store/db.js';
import { twilioDate } from '../twilio/dates.js';
import { errors } from '../twilio/errors.js';
import { formOf } from '../twilio/form.js';
import type { FormBody } from '../twilio/form.js';
import { notFound, sendJson, sidParam } from '../twilio/reply.js';
import { refuseOtherMethods } from '../twilio/routes.js';
import { callbackLog } from '../webhooks/log.js';

/** Where regcomp's own API lives: outside /v2, authenticated like it, scoped to the account. */
export const CONTROL_PREFIX = '/regcomp';

export interface ControlContext {
  db: Db;
  config: Config;
  background: Background;
  origin: (request: FastifyRequest) => string;
  clock: () => number;
}

type SidRequest = FastifyRequest<{ Params: { sid: string } }>;

/**
 * Play Twilio's reviewer: decide a bundle, set its valid_until, choose review policies, see
 * its status callbacks and every delivery attempt. Bodies are forms, like Twilio's.
 */
export function registerControlRoutes(app: FastifyInstance, { db, config, background, origin, clock }: ControlContext): void {
  const bundleOf = async (request: SidRequest): Promise<BundleRow> => {
    const row = await db.get<BundleRow>(`SELECT ${BUNDLE_COLUMNS} FROM bundles WHERE sid = ? AND account_sid = ?`, [sidParam(request, 'BU'), request.accountSid]);
    if (!row) throw notFound(request);
    return row;
  };

  app.post('/Bundles/:sid/Review', async (request: SidRequest, reply) => {
    const form = formOf(request.body);
    const status = form.get('Status');
    if (!status) throw errors.missingParameter('Status');
    if (!isBundleStatus(status)) throw errors.invalidBundleStatus(status);
    const validUntil = dateParam(form, 'ValidUntil');
    const current = await bundleOf(request);
    const row = await background.reviews.decide(current.sid, { status, failureReason: form.get('FailureReason') ?? '', validUntil }, request.accountSid);
    if (!row) throw notFound(request);
    return sendJson(reply, 200, bundleJson(row, origin(request)));
  });

  app.post('/Bundles/:sid/ValidUntil', async (request: SidRequest, reply) => {
    const validUntil = dateParam(formOf(request.body), 'ValidUntil');
    if (validUntil === undefined) throw errors.missingParameter('ValidUntil');
    const current = await bundleOf(request);
    const row = await db.get<BundleRow>(`UPDATE bundles SET valid_until = ?, date_updated = ? WHERE sid = ? RETURNING ${BUNDLE_COLUMNS}`, [
      validUntil,
      twilioDate(new Date(clock())),
      current.sid,
    ]);
    return sendJson(reply, 200, bundleJson(row!, origin(request)));
  });

  app.post('/Bundles/:sid/ReviewPolicy', async (request: SidRequest, reply) => {
    const policy = formOf(request.body).get('Policy') ?? '';
    if (policy !== '' && !isReviewPolicy(policy)) throw errors.invalidParameter('Policy', `must be one of ${REVIEW_POLICIES.join(', ')}, or empty for the account's`);
    const current = await bundleOf(request);
    await db.run('UPDATE bundles SET review_policy = ? WHERE sid = ?', [policy, current.sid]);
    const settings = await background.reviews.settingsFor(db, { account_sid: request.accountSid, review_policy: policy });
    return sendJson(reply, 200, JSON.stringify({ bundle_sid: current.sid, ...settingsJson(settings) }));
  });

  app.get('/Bundles/:sid/Callbacks', async (request: SidRequest, reply) => {
    const current = await bundleOf(request);
    const json = await callbackLog(db, current.sid, request.accountSid);
    return sendJson(reply, 200, JSON.stringify({ bundle_sid: current.sid, callbacks: json }));
  });

  app.get('/ReviewPolicy', async (request, reply) => {
    const settings = await background.reviews.settingsFor(db, { account_sid: request.accountSid, review_policy: '' });
    return sendJson(reply, 200, JSON.stringify(settingsJson(settings)));
  });

  app.post('/ReviewPolicy', async (request, reply) => {
    const form = formOf(request.body);
    const current = await background.reviews.settingsFor(db, { account_sid: request.accountSid, review_policy: '' });
    const policy = form.get('Policy') ?? current.policy;
    if (!isReviewPolicy(policy)) throw errors.invalidParameter('Policy', `must be one of ${REVIEW_POLICIES.join(', ')}`);
    const settings: ReviewSettings = {
      policy,
      inReviewAfterMs: msParam(form, 'InReviewAfterMs') ?? current.inReviewAfterMs,
      decisionAfterMs: msParam(form, 'DecisionAfterMs') ?? current.decisionAfterMs,
    };
    await db.run(
      `INSERT INTO review_settings (account_sid, policy, in_review_after_ms, decision_after_ms) VALUES (?, ?, ?, ?)
       ON CONFLICT (account_sid) DO UPDATE SET policy = excluded.policy, in_review_after_ms = excluded.in_review_after_ms,
         decision_after_ms = excluded.decision_after_ms`,
      [request.accountSid, settings.policy, settings.inReviewAfterMs, settings.decisionAfterMs],
    );
    return sendJson(reply, 200, JSON.stringify(settingsJson(settings)));
  });

  app.delete('/ReviewPolicy', async (request, reply) => {
    await db.run('DELETE FROM review_settings WHERE account_sid = ?', [request.accountSid]);
    return sendJson(reply, 200, JSON.stringify(settingsJson(config.review)));
  });

  refuseOtherMethods(app, '/Bundles/:sid/Review', ['POST']);
  refuseOtherMethods(app, '/Bundles/:sid/ValidUntil', ['POST']);
  refuseOtherMethods(app, '/Bundles/:sid/ReviewPolicy', ['POST']);
  refuseOtherMethods(app, '/Bundles/:sid/Callbacks', ['GET']);
  refuseOtherMethods(app, '/ReviewPolicy', ['GET', 'POST', 'DELETE']);
}

function settingsJson(settings: ReviewSettings) {
  return { policy: settings.policy, in_review_after_ms: settings.inReviewAfterMs, decision_after_ms: settings.decisionAfterMs };
}

function msParam(form: FormBody, name: string): number | undefined {
  const value = form.get(name);
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,10}$/.test(value) || Number(value) > 30 * 86_400_000) throw errors.invalidParameter(name, 'must be a whole number of milliseconds, at most 30 days');
  return Number(value);
}

/** A date-time as Twilio writes it (UTC, to the second); '' clears. */
function dateParam(form: FormBody, name: string): string | undefined {
  const value = form.get(name);
  if (value === undefined || value === '') return value;
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(time)) throw errors.invalidParameter(name, 'must be a date-time such as 2027-01-31T00:00:00Z');
  return twilioDate(new Date(time));
}
