import type { FastifyRequest } from 'fastify';
import type { KeysetTable } from '../../store/keyset.js';
import { KeysetPages } from '../../store/keyset.js';
import { registerActions } from '../../twilio/actions.js';
import { errors } from '../../twilio/errors.js';
import { formOf } from '../../twilio/form.js';
import { checkFriendlyName } from '../../twilio/params.js';
import { notFound } from '../../twilio/reply.js';
import { newSid } from '../../twilio/sid.js';
import type { BundleRow } from '../bundles/bundle.js';
import { copyAssignments, copyBundle } from '../bundles/copy.js';
import { BUNDLE_COLUMNS } from '../bundles/store.js';
import { BUNDLES_PATH, bundleCopyFields } from '../bundles/view.js';
import type { Resource } from '../resource.js';

/** A bundle's copies, oldest first: one range scan of (account_sid, copied_from, id). */
const COPIES_LIST: KeysetTable = { table: 'bundles', index: 'bundles_account_copied_from', scope: ['account_sid', 'copied_from'] };

/**
 * Copies of a twilio-approved bundle with a valid_until (22223 otherwise): a draft with the same
 * regulation, properties and items, to update compliance information while the original stays
 * approved (then ReplaceItems). Its JSON has no url and no links, as Twilio's.
 */
export const bundleCopies: Resource = {
  name: 'bundle-copies',
  dependsOn: ['bundles', 'item-assignments'],
  migrations: [],
  transfer: [],
  lists: [COPIES_LIST],
  register: (app, context) => {
    const { db, now } = context;
    const pages = new KeysetPages<BundleRow>(db, COPIES_LIST, BUNDLE_COLUMNS);
    const sourceSid = (request: FastifyRequest) => (request.params as { bundleSid: string }).bundleSid;
    registerActions(app, context, {
      path: '/Bundles/:bundleSid/Copies',
      parents: { bundleSid: 'BU' },
      sid: 'BU',
      create: async (request) => {
        const name = formOf(request.body).get('FriendlyName');
        const friendlyName = name === undefined || name === '' ? undefined : checkFriendlyName(name);
        const copy = await db.transaction(async (tx) => {
          const source = await tx.get<BundleRow>(`SELECT ${BUNDLE_COLUMNS} FROM bundles WHERE sid = ? AND account_sid = ?`, [sourceSid(request), request.accountSid]);
          if (!source) return undefined;
          if (source.status !== 'twilio-approved' || source.valid_until === '') throw errors.notCopyable();
          const at = now();
          const row = await copyBundle(tx, source, {
            sid: newSid('BU'),
            accountSid: source.account_sid,
            friendlyName: friendlyName ?? source.friendly_name,
            status: 'draft',
            copiedFrom: source.sid,
            now: at,
          });
          await copyAssignments(tx, source.sid, row, at);
          return row;
        });
        if (!copy) throw notFound(request);
        return JSON.stringify(bundleCopyFields(copy));
      },
      list: async (request, page) => {
        const source = await db.get('SELECT sid FROM bundles WHERE sid = ? AND account_sid = ?', [sourceSid(request), request.accountSid]);
        if (!source) throw notFound(request);
        return page<BundleRow>({
          path: `${BUNDLES_PATH}/${sourceSid(request)}/Copies`,
          key: 'results',
          keyOf: (row) => row.id,
          reads: COPIES_LIST,
          read: (query) => pages.read([request.accountSid, sourceSid(request)], query),
          json: (row) => JSON.stringify(bundleCopyFields(row)),
        });
      },
    });
  },
};
