import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../../store/db.js';
import { registerActions } from '../../twilio/actions.js';
import { errors } from '../../twilio/errors.js';
import { formOf } from '../../twilio/form.js';
import { notFound } from '../../twilio/reply.js';
import { isSid, newSid } from '../../twilio/sid.js';
import type { ResourceContext } from '../resource.js';
import type { ObjectPrefix } from './store.js';
import { AssignmentStore, ITEM_ASSIGNMENTS_LIST } from './store.js';
import { assignmentJson, assignmentsPath } from './view.js';

const PARENTS = { bundleSid: 'BU' } as const;

/** The bundle in the path: the account's, else Twilio's 404 for the whole path. */
async function bundleStatus(db: Db, request: FastifyRequest): Promise<string> {
  const { bundleSid } = request.params as { bundleSid: string };
  const row = await db.get<{ status: string }>('SELECT status FROM bundles WHERE sid = ? AND account_sid = ?', [bundleSid, request.accountSid]);
  if (!row) throw notFound(request);
  return row.status;
}

function objectOf(value: string | undefined): { prefix: ObjectPrefix; sid: string } {
  if (value === undefined || value === '') throw errors.missingParameter('ObjectSid');
  if (!/^[a-zA-Z]{2}[0-9a-fA-F]{32}$/.test(value)) throw errors.invalidObjectSid(value);
  const prefix = value.slice(0, 2);
  if (prefix !== 'IT' && prefix !== 'RD') throw errors.invalidObjectType(value);
  if (!isSid(value, prefix)) throw errors.invalidObjectSid(value);
  return { prefix, sid: value };
}

export function registerItemAssignmentRoutes(app: FastifyInstance, context: ResourceContext): void {
  const { db, now, origin } = context;
  const store = new AssignmentStore(db);
  const bundleOf = (request: FastifyRequest) => (request.params as { bundleSid: string }).bundleSid;

  registerActions(app, context, {
    path: '/Bundles/:bundleSid/ItemAssignments',
    parents: PARENTS,
    sid: 'BV',
    create: async (request) => {
      const object = objectOf(formOf(request.body).get('ObjectSid'));
      const outcome = await store.assign(request.accountSid, bundleOf(request), object.prefix, object.sid, newSid('BV'), now());
      if (outcome === 'no-such-object') {
        await bundleStatus(db, request);
        throw errors.invalidObjectSid(object.sid);
      }
      if (outcome === 'bundle-not-draft') throw errors.bundleNotDraft(await bundleStatus(db, request));
      if (outcome === 'already-assigned') throw errors.alreadyAssigned(object.sid);
      return assignmentJson(outcome, origin(request));
    },
    list: async (request, page) => {
      await bundleStatus(db, request);
      const bundleSid = bundleOf(request);
      return page({
        path: assignmentsPath(bundleSid),
        key: 'results',
        keyOf: (row) => row.id,
        reads: ITEM_ASSIGNMENTS_LIST,
        read: (query) => store.page(request.accountSid, bundleSid, query),
        json: assignmentJson,
      });
    },
    fetch: async (request, sid) => {
      const row = await store.find(request.accountSid, bundleOf(request), sid);
      return row && assignmentJson(row, origin(request));
    },
    remove: async (request, sid) => {
      const outcome = await store.remove(request.accountSid, bundleOf(request), sid);
      if (outcome === 'bundle-not-draft') throw errors.bundleNotDraft(await bundleStatus(db, request));
      return outcome;
    },
  });
}
