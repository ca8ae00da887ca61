import type { FastifyInstance } from 'fastify';
import { registerActions } from '../../twilio/actions.js';
import { errors } from '../../twilio/errors.js';
import { formOf } from '../../twilio/form.js';
import { notFound } from '../../twilio/reply.js';
import { newSid } from '../../twilio/sid.js';
import { callbackHostAllowed } from '../../webhooks/allowed.js';
import type { ResourceContext } from '../resource.js';
import type { BundleRow } from './bundle.js';
import { CLIENT_TRANSITIONS, DELETABLE } from './bundle.js';
import { bundleListQuery } from './filters.js';
import { createParams, updateParams } from './params.js';
import { BUNDLE_LISTS, BundleStore } from './store.js';
import { BUNDLES_PATH, bundleJson } from './view.js';

export function registerBundleRoutes(app: FastifyInstance, context: ResourceContext): void {
  const { db, config, catalogues, now, origin } = context;
  const store = new BundleStore(db);
  const allowed = (url: URL) => callbackHostAllowed(config.callbacks.allowedHosts, url);

  registerActions(app, context, {
    path: '/Bundles',
    sid: 'BU',
    create: async (request) => {
      const p = createParams(formOf(request.body), catalogues.regulations, allowed);
      const { regulation: r } = p;
      const row = await store.create(request.accountSid, {
        ...p,
        sid: newSid('BU'),
        regulationSid: r.sid,
        isoCountry: r.isoCountry,
        numberType: r.numberType,
        endUserType: r.endUserType,
        now: now(),
      });
      return bundleJson(row, origin(request));
    },
    list: (request, page) => {
      const list = bundleListQuery(request);
      const sortColumn = list.sortBy === 'date-updated' ? 'date_updated' : list.sortBy === 'valid-until' ? 'valid_until' : undefined;
      return page<BundleRow>({
        path: BUNDLES_PATH,
        key: 'results',
        filters: list.filters,
        keyOf: (row) => row.id,
        ...(sortColumn === undefined ? {} : { sortOf: (row: BundleRow) => row[sortColumn] }),
        reads: BUNDLE_LISTS[list.sortBy],
        read: (query) => store.page(request.accountSid, query, list),
        json: bundleJson,
      });
    },
    fetch: async (request, sid) => {
      const row = await store.find(request.accountSid, sid);
      return row && bundleJson(row, origin(request));
    },
    update: async (request, sid) => {
      const changes = updateParams(formOf(request.body), config.bundleStatusWithProperties, allowed);
      let row: BundleRow | undefined;
      if (changes.status !== undefined) {
        const from = CLIENT_TRANSITIONS[changes.status] ?? [];
        row = from.length === 0 ? undefined : await context.reviews.clientTransition(request.accountSid, sid, changes.status, from);
        if (!row) {
          const current = await store.find(request.accountSid, sid);
          if (!current) throw notFound(request);
          if (current.status !== changes.status) throw errors.bundleTransition(current.status, changes.status);
          row = current;
        }
      }
      const { friendlyName, email, statusCallback } = changes;
      if (friendlyName !== undefined || email !== undefined || statusCallback !== undefined) {
        row = await store.update(request.accountSid, sid, { friendlyName, email, statusCallback, now: now() });
      } else if (changes.status === undefined) {
        row = await store.find(request.accountSid, sid);
      }
      return row && bundleJson(row, origin(request));
    },
    remove: async (request, sid) => {
      if (await store.delete(request.accountSid, sid, DELETABLE)) return true;
      const current = await store.find(request.accountSid, sid);
      if (current) throw errors.bundleNotDeletable(current.status);
      return false;
    },
  });
}
