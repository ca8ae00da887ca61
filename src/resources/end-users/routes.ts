import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isForeignKeyViolation } from '../../store/db.js';
import { registerActions } from '../../twilio/actions.js';
import { errors } from '../../twilio/errors.js';
import { formOf } from '../../twilio/form.js';
import { notFound } from '../../twilio/reply.js';
import { newSid } from '../../twilio/sid.js';
import type { ResourceContext } from '../resource.js';
import { checkAttributesFor, createParams, endUserRules, updateParams } from './params.js';
import { endUserStore } from './sealed-store.js';
import type { EndUserPageRow } from './store.js';
import { END_USERS_LIST } from './store.js';
import { END_USERS_PATH, endUserJson, endUserUrlPrefix } from './view.js';

export function registerEndUserRoutes(app: FastifyInstance, context: ResourceContext): void {
  const { db, config, catalogues, now, origin } = context;
  const store = endUserStore(db);
  const typeRules = endUserRules(catalogues.endUserTypes, config.attributesValidation);
  const json = (request: FastifyRequest) => (row: Parameters<typeof endUserJson>[0] | undefined) => row && endUserJson(row, origin(request));

  registerActions(app, context, {
    path: '/EndUsers',
    sid: 'IT',
    create: async (request) => {
      const params = createParams(formOf(request.body), typeRules);
      return endUserJson(await store.create(request.accountSid, { ...params, sid: newSid('IT'), now: now() }), origin(request));
    },
    list: (request, page) => {
      const urlPrefix = endUserUrlPrefix(origin(request));
      // The database writes each row's whole JSON, url included (see endUserJsonSql).
      return page<EndUserPageRow>({
        path: END_USERS_PATH,
        key: 'results',
        keyOf: (row) => row.id,
        reads: END_USERS_LIST,
        read: (query) => store.page(request.accountSid, query, urlPrefix),
        json: (row) => row.json,
      });
    },
    fetch: (request, sid) => store.find(request.accountSid, sid).then(json(request)),
    update: async (request, sid) => {
      const changes = updateParams(formOf(request.body));
      if (changes.attributes !== undefined && typeRules.attributesValidation === 'strict') {
        // Type never changes, so the type read here is still the end user's when it is updated.
        const current = await store.find(request.accountSid, sid);
        if (!current) throw notFound(request);
        checkAttributesFor(current.type, changes.attributes, typeRules);
      }
      const row =
        changes.friendlyName === undefined && changes.attributes === undefined
          ? await store.find(request.accountSid, sid)
          : await store.update(request.accountSid, sid, { ...changes, now: now() });
      return json(request)(row);
    },
    // The assignment's foreign key refuses the delete, atomically, in the database.
    remove: (request, sid) =>
      store.delete(request.accountSid, sid).catch((err: unknown) => {
        throw isForeignKeyViolation(err) ? errors.endUserAssigned() : err;
      }),
  });
}
