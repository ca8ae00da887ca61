import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Faults } from '../faults/index.js';
import { FAULT_LIMITS, faultJson, parseFault } from '../faults/rule.js';
import { FAULT_SID_PREFIX } from '../faults/store.js';
import { errors } from '../twilio/errors.js';
import { formOf } from '../twilio/form.js';
import { notFound, sendJson, sidParam } from '../twilio/reply.js';
import { refuseOtherMethods } from '../twilio/routes.js';

type SidRequest = FastifyRequest<{ Params: { sid: string } }>;

/**
 * The account's fault rules: list, create, fetch, delete one, clear all. These routes are
 * never faulted themselves (faults apply to `/v2` only), so a client can always clear them.
 * Each change refreshes this instance's cache at once; other instances within FAULTS_REFRESH_MS.
 */
export function registerFaultRoutes(app: FastifyInstance, faults: Faults, origin: (request: FastifyRequest) => string): void {
  const { store } = faults;

  app.get('/Faults', async (request, reply) => {
    const rows = await store.list(request.accountSid);
    return sendJson(reply, 200, JSON.stringify({ faults: rows.map((row) => faultJson(row, origin(request))) }));
  });

  app.post('/Faults', async (request, reply) => {
    const fault = parseFault(formOf(request.body));
    if ((await store.countOf(request.accountSid)) >= FAULT_LIMITS.perAccount) {
      throw errors.tooManyFaults(FAULT_LIMITS.perAccount);
    }
    const row = await store.create(request.accountSid, fault);
    await faults.refresh();
    return sendJson(reply, 201, JSON.stringify(faultJson(row, origin(request))));
  });

  app.delete('/Faults', async (request, reply) => {
    await store.clear(request.accountSid);
    await faults.refresh();
    return reply.code(204).send();
  });

  app.get('/Faults/:sid', async (request: SidRequest, reply) => {
    const row = await store.find(request.accountSid, sidParam(request, FAULT_SID_PREFIX));
    if (!row) throw notFound(request);
    return sendJson(reply, 200, JSON.stringify(faultJson(row, origin(request))));
  });

  app.delete('/Faults/:sid', async (request: SidRequest, reply) => {
    if (!(await store.delete(request.accountSid, sidParam(request, FAULT_SID_PREFIX)))) throw notFound(request);
    await faults.refresh();
    return reply.code(204).send();
  });

  refuseOtherMethods(app, '/Faults', ['GET', 'POST', 'DELETE']);
  refuseOtherMethods(app, '/Faults/:sid', ['GET', 'DELETE']);
}
