import type { FastifyInstance, FastifyRequest } from 'fastify';
import { registerActions } from '../../twilio/actions.js';
import { notFound } from '../../twilio/reply.js';
import { newSid } from '../../twilio/sid.js';
import type { ResourceContext } from '../resource.js';
import { evaluateBundle } from './evaluate-bundle.js';
import { EVALUATIONS_LIST, EvaluationStore } from './store.js';
import { evaluationJson, evaluationsPath } from './view.js';

export function registerEvaluationRoutes(app: FastifyInstance, context: ResourceContext): void {
  const { db, catalogues, now, origin } = context;
  const store = new EvaluationStore(db);
  const bundleOf = (request: FastifyRequest) => (request.params as { bundleSid: string }).bundleSid;
  const bundle = async (request: FastifyRequest) => {
    const row = await db.get<{ sid: string; regulation_sid: string }>('SELECT sid, regulation_sid FROM bundles WHERE sid = ? AND account_sid = ?', [
      bundleOf(request),
      request.accountSid,
    ]);
    if (!row) throw notFound(request);
    return row;
  };

  registerActions(app, context, {
    path: '/Bundles/:bundleSid/Evaluations',
    parents: { bundleSid: 'BU' },
    sid: 'EL',
    // No body, no Content-Type (as the SDK sends it): synchronous, and kept in the history.
    // One transaction, so the items evaluated are the items of one moment.
    create: async (request) => {
      const row = await db.transaction(async (tx) => {
        const target = await tx.get<{ sid: string; regulation_sid: string }>('SELECT sid, regulation_sid FROM bundles WHERE sid = ? AND account_sid = ?', [
          bundleOf(request),
          request.accountSid,
        ]);
        if (!target) return undefined;
        const evaluation = await evaluateBundle(tx, catalogues, target);
        return store.insert(tx, {
          sid: newSid('EL'),
          account_sid: request.accountSid,
          bundle_sid: target.sid,
          regulation_sid: target.regulation_sid,
          status: evaluation.status,
          results: JSON.stringify(evaluation.results),
          date_created: now(),
        });
      });
      if (!row) throw notFound(request);
      return evaluationJson(row, origin(request));
    },
    list: async (request, page) => {
      const target = await bundle(request);
      return page({
        path: evaluationsPath(target.sid),
        key: 'results',
        keyOf: (row) => row.id,
        reads: EVALUATIONS_LIST,
        read: (query) => store.page(request.accountSid, target.sid, query),
        json: evaluationJson,
      });
    },
    fetch: async (request, sid) => {
      const row = await store.find(request.accountSid, bundleOf(request), sid);
      return row && evaluationJson(row, origin(request));
    },
  });
}
