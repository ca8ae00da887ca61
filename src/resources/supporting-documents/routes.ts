import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isForeignKeyViolation } from '../../store/db.js';
import { registerActions } from '../../twilio/actions.js';
import { errors } from '../../twilio/errors.js';
import { formOf } from '../../twilio/form.js';
import { notFound } from '../../twilio/reply.js';
import { newSid } from '../../twilio/sid.js';
import type { ResourceContext } from '../resource.js';
import { registerDownload } from './download.js';
import { checkAttributesFor, createParams, documentRules, updateParams } from './params.js';
import { registerSweeps } from './sweep.js';
import { documentStore, uploadStaging } from './sealed-store.js';
import { SUPPORTING_DOCUMENTS_LIST } from './store.js';
import { receiveUpload } from './upload.js';
import type { UploadLimits } from './upload.js';
import type { DocumentRow } from './view.js';
import { SUPPORTING_DOCUMENTS_PATH, documentJson } from './view.js';

const PATH = '/SupportingDocuments';

/**
 * The resource's routes, in a context of their own: only there does `multipart/form-data` reach
 * @fastify/multipart; every other route keeps the app's form parsing.
 */
export function registerSupportingDocumentRoutes(app: FastifyInstance, context: ResourceContext): void {
  void app.register(async (scope) => {
    await scope.register(multipart);
    // A refused upload may still be arriving: close the connection rather than read the rest.
    scope.addHook('onSend', async (request, reply) => {
      if (reply.statusCode >= 400 && request.isMultipart()) void reply.header('connection', 'close');
    });
    registerRoutes(scope, context);
  });
}

function registerRoutes(app: FastifyInstance, context: ResourceContext): void {
  const { db, config, catalogues, now, origin } = context;
  const store = documentStore(db);
  const staging = uploadStaging(db);
  const rules = documentRules(catalogues.supportingDocumentTypes, config.attributesValidation);
  const limits: UploadLimits = { fileBytes: config.uploadMaxBytes, fieldBytes: config.bodyLimitBytes, idleMs: config.uploadIdleTimeoutMs };
  const json = (request: FastifyRequest) => (row: DocumentRow | undefined) => row && documentJson(row, origin(request));

  const createFromUpload = async (request: FastifyRequest): Promise<DocumentRow> => {
    const { fields, file } = await receiveUpload(request, staging, limits);
    try {
      const doc = { ...createParams(fields, rules), sid: newSid('RD'), now: now() };
      return file ? await store.createWithFile(request.accountSid, doc, file) : await store.create(request.accountSid, doc);
    } catch (err) {
      if (file) await staging.discard(file.uploadId).catch(() => undefined); // else swept later
      throw err;
    }
  };

  registerActions(app, context, {
    path: PATH,
    sid: 'RD',
    create: async (request) => {
      const row = request.isMultipart()
        ? await createFromUpload(request)
        : await store.create(request.accountSid, { ...createParams(formOf(request.body), rules), sid: newSid('RD'), now: now() });
      return documentJson(row, origin(request));
    },
    list: (request, page) =>
      page({
        path: SUPPORTING_DOCUMENTS_PATH,
        key: 'results',
        keyOf: (row) => row.id,
        reads: SUPPORTING_DOCUMENTS_LIST,
        read: (query) => store.page(request.accountSid, query),
        json: documentJson,
      }),
    fetch: (request, sid) => store.find(request.accountSid, sid).then(json(request)),
    update: async (request, sid) => {
      const changes = updateParams(formOf(request.body));
      if (changes.attributes !== undefined && rules.attributesValidation === 'strict') {
        // Type never changes, so the type read here is still the document's when it is updated.
        const current = await store.find(request.accountSid, sid);
        if (!current) throw notFound(request);
        checkAttributesFor(current.type, changes.attributes, rules);
      }
      const row =
        changes.friendlyName === undefined && changes.attributes === undefined
          ? await store.find(request.accountSid, sid)
          : await store.update(request.accountSid, sid, { ...changes, now: now() });
      return json(request)(row);
    },
    remove: async (request, sid) => {
      const deleted = await store.delete(request.accountSid, sid).catch((err: unknown) => {
        throw isForeignKeyViolation(err) ? errors.documentAssigned() : err;
      });
      if (deleted === 'under-review') throw errors.documentUnderReview();
      return deleted;
    },
  });
  registerDownload(app, PATH, store);
  registerSweeps(app, staging);
}
