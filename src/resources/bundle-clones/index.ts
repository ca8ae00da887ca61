import type { FastifyRequest } from 'fastify';
import type { Queries } from '../../store/db.js';
import { registerActions } from '../../twilio/actions.js';
import { errors } from '../../twilio/errors.js';
import { formOf } from '../../twilio/form.js';
import { booleanParam, checkFriendlyName, required } from '../../twilio/params.js';
import { notFound } from '../../twilio/reply.js';
import { isSid, newSid } from '../../twilio/sid.js';
import type { BundleRow } from '../bundles/bundle.js';
import { copyAssignments, copyBundle } from '../bundles/copy.js';
import { BUNDLE_COLUMNS } from '../bundles/store.js';
import { BUNDLES_PATH, bundleCopyFields } from '../bundles/view.js';
import type { Resource } from '../resource.js';

/** Copies an end user or document (file included) into `accountSid`; returns its new SID. */
async function cloneObject(tx: Queries, table: 'end_users' | 'supporting_documents', sid: string, accountSid: string, now: string): Promise<string> {
  const copy = newSid(table === 'end_users' ? 'IT' : 'RD');
  if (table === 'end_users') {
    await tx.run(
      `INSERT INTO end_users (sid, account_sid, friendly_name, type, attributes, date_created, date_updated)
       SELECT ?, ?, friendly_name, type, attributes, ?, ? FROM end_users WHERE sid = ?`,
      [copy, accountSid, now, now, sid],
    );
    return copy;
  }
  await tx.run(
    `INSERT INTO supporting_documents (sid, account_sid, friendly_name, type, attributes, mime_type, file_size, status, failure_reason, errors, date_created, date_updated)
     SELECT ?, ?, friendly_name, type, attributes, mime_type, file_size, status, failure_reason, errors, ?, ? FROM supporting_documents WHERE sid = ?`,
    [copy, accountSid, now, now, sid],
  );
  await tx.run('INSERT INTO supporting_document_files (document_sid, seq, bytes) SELECT ?, seq, bytes FROM supporting_document_files WHERE document_sid = ? ORDER BY seq', [copy, sid]);
  return copy;
}

/**
 * Clones a twilio-approved bundle into another account of this store, with copies of its end
 * users and documents (files included) owned by that account: twilio-approved, or draft with
 * MoveToDraft=true. Twilio allows it within an organization; regcomp has no organizations, so
 * CLONE_TARGETS decides: `any` account of this store (default), or `none`.
 * The answer names the new bundle `bundle_sid`, and its url is …/Bundles/{new}/Clones, as Twilio's.
 */
export const bundleClones: Resource = {
  name: 'bundle-clones',
  dependsOn: ['bundles', 'item-assignments', 'end-users', 'supporting-documents'],
  migrations: [],
  transfer: [],
  register: (app, context) => {
    const { db, now, origin, config } = context;
    const sourceSid = (request: FastifyRequest) => (request.params as { bundleSid: string }).bundleSid;
    registerActions(app, context, {
      path: '/Bundles/:bundleSid/Clones',
      parents: { bundleSid: 'BU' },
      sid: 'BU',
      create: async (request) => {
        const form = formOf(request.body);
        const target = required(form, 'TargetAccountSid');
        if (!isSid(target, 'AC')) throw errors.invalidParameter('TargetAccountSid', 'must be AC followed by 32 hex digits');
        const moveToDraft = booleanParam('MoveToDraft', form.get('MoveToDraft')) ?? false;
        const name = form.get('FriendlyName');
        const friendlyName = name === undefined || name === '' ? undefined : checkFriendlyName(name);
        const clone = await db.transaction(async (tx) => {
          const source = await tx.get<BundleRow>(`SELECT ${BUNDLE_COLUMNS} FROM bundles WHERE sid = ? AND account_sid = ?`, [sourceSid(request), request.accountSid]);
          if (!source) return undefined;
          if (source.status !== 'twilio-approved') throw errors.notCloneable(source.status);
          if (config.cloneTargets === 'none' && target !== request.accountSid) throw errors.clonesDisabled();
          if (!(await tx.get('SELECT sid FROM accounts WHERE sid = ?', [target]))) {
            throw errors.invalidParameter('TargetAccountSid', `no account ${target} on this server`);
          }
          const at = now();
          const row = await copyBundle(tx, source, {
            sid: newSid('BU'),
            accountSid: target,
            friendlyName: friendlyName ?? source.friendly_name,
            status: moveToDraft ? 'draft' : 'twilio-approved',
            copiedFrom: '',
            now: at,
          });
          await copyAssignments(tx, source.sid, row, at, async (item) => ({
            end_user_sid: item.end_user_sid && (await cloneObject(tx, 'end_users', item.end_user_sid, target, at)),
            supporting_document_sid: item.supporting_document_sid && (await cloneObject(tx, 'supporting_documents', item.supporting_document_sid, target, at)),
          }));
          return row;
        });
        if (!clone) throw notFound(request);
        const { sid, ...fields } = bundleCopyFields(clone);
        return JSON.stringify({ bundle_sid: sid, ...fields, url: `${origin(request)}${BUNDLES_PATH}/${sid}/Clones` });
      },
    });
  },
};
