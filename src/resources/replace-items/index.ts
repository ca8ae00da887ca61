import type { FastifyRequest } from 'fastify';
import type { Queries } from '../../store/db.js';
import { registerActions } from '../../twilio/actions.js';
import { errors } from '../../twilio/errors.js';
import { formOf } from '../../twilio/form.js';
import { required } from '../../twilio/params.js';
import { notFound } from '../../twilio/reply.js';
import { isSid } from '../../twilio/sid.js';
import type { BundleRow } from '../bundles/bundle.js';
import { copyAssignments } from '../bundles/copy.js';
import { BUNDLE_COLUMNS } from '../bundles/store.js';
import { bundleCopyFields } from '../bundles/view.js';
import type { Resource } from '../resource.js';

const find = (tx: Queries, sid: string, accountSid: string) =>
  tx.get<BundleRow>(`SELECT ${BUNDLE_COLUMNS} FROM bundles WHERE sid = ? AND account_sid = ?`, [sid, accountSid]);

/**
 * Replaces a twilio-approved bundle's items with those of its approved Copy, in one transaction;
 * afterwards it has no valid_until (Twilio's docs). 22225 unknown FromBundleSid, 22226 the bundle
 * itself, 22228 another regulation, 22224 either not approved or not a copy of this bundle.
 */
export const replaceItems: Resource = {
  name: 'replace-items',
  dependsOn: ['bundles', 'item-assignments'],
  migrations: [],
  transfer: [],
  register: (app, context) => {
    const { db, now } = context;
    const targetSid = (request: FastifyRequest) => (request.params as { bundleSid: string }).bundleSid;
    registerActions(app, context, {
      path: '/Bundles/:bundleSid/ReplaceItems',
      parents: { bundleSid: 'BU' },
      sid: 'BU',
      create: async (request) => {
        const fromSid = required(formOf(request.body), 'FromBundleSid');
        const replaced = await db.transaction(async (tx) => {
          const target = await find(tx, targetSid(request), request.accountSid);
          if (!target) return undefined;
          const from = isSid(fromSid, 'BU') ? await find(tx, fromSid, request.accountSid) : undefined;
          if (!from) throw errors.fromBundleNotFound();
          if (from.sid === target.sid) throw errors.sameBundle();
          if (from.regulation_sid !== target.regulation_sid) throw errors.regulationMismatch();
          if (target.status !== 'twilio-approved' || from.status !== 'twilio-approved') throw errors.cannotTransferItems('both Bundles must be twilio-approved');
          if (from.copied_from !== target.sid) throw errors.cannotTransferItems(`${from.sid} is not a copy of ${target.sid}`);
          const at = now();
          await tx.run('DELETE FROM item_assignments WHERE bundle_sid = ?', [target.sid]);
          await copyAssignments(tx, from.sid, target, at);
          return tx.get<BundleRow>(`UPDATE bundles SET valid_until = '', date_updated = ? WHERE sid = ? RETURNING ${BUNDLE_COLUMNS}`, [at, target.sid]);
        });
        if (!replaced) throw notFound(request);
        return JSON.stringify(bundleCopyFields(replaced));
      },
    });
  },
};
