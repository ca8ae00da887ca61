import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { twilioDate } from '../../twilio/dates.js';
import { errors } from '../../twilio/errors.js';
import { formOf } from '../../twilio/form.js';
import { pageMeta, parsePageRequest, readPage } from '../../twilio/paging.js';
import { refuseOtherMethods } from '../../twilio/routes.js';
import { isSid, newSid } from '../../twilio/sid.js';
import { originOf } from '../../twilio/urls.js';
import type { ResourceContext } from '../resource.js';
import { checkAttributesFor, createParams, updateParams } from './rules.js';
import { EndUserStore } from './store.js';
import type { EndUserRow } from './view.js';
import { END_USERS_PATH, endUserJson } from './view.js';

type SidRequest = FastifyRequest<{ Params: { sid: string } }>;
type ListRequest = FastifyRequest<{ Querystring: Record<string, string | undefined> }>;

export function registerEndUserRoutes(app: FastifyInstance, { db, tokens, config, endUserTypes }: ResourceContext): void {
  const store = new EndUserStore(db);
  const typeRules = { endUserTypes, attributesValidation: config.attributesValidation };
  const origin = (request: FastifyRequest) => originOf(request, config.publicBaseUrl);
  const send = (reply: FastifyReply, status: number, json: string) =>
    reply.code(status).type('application/json; charset=utf-8').send(json);

  /** The SID from the path, or Twilio's 404 when it cannot name an end user. */
  const sidOf = (request: SidRequest): string => {
    const { sid } = request.params;
    if (!isSid(sid, 'IT')) throw errors.notFound(request.url.split('?')[0]!);
    return sid;
  };
  const notFound = (request: FastifyRequest) => errors.notFound(request.url.split('?')[0]!);

  app.post('/EndUsers', async (request, reply) => {
    const params = createParams(formOf(request.body), typeRules);
    const row = await store.create(request.accountSid, { ...params, sid: newSid('IT'), now: twilioDate() });
    return send(reply, 201, endUserJson(row, origin(request)));
  });

  app.get('/EndUsers', async (request: ListRequest, reply) => {
    const scope = `${request.accountSid}\n${END_USERS_PATH}`;
    const parsed = parsePageRequest(request.query);
    const pageRequest = { ...parsed, cursor: parsed.token === undefined ? undefined : tokens.read(scope, parsed.token) };
    const page = await readPage<EndUserRow>(
      pageRequest,
      (row) => row.id,
      (query) => store.page(request.accountSid, query),
      (cursor) => tokens.mint(scope, cursor),
    );
    const base = origin(request);
    const meta = pageMeta({ listUrl: base + END_USERS_PATH, key: 'results' }, pageRequest, page.nextToken, page.previousToken);
    const results = page.rows.map((row) => endUserJson(row, base)).join(',');
    return send(reply, 200, `{"results":[${results}],"meta":${JSON.stringify(meta)}}`);
  });

  app.get('/EndUsers/:sid', async (request: SidRequest, reply) => {
    const row = await store.find(request.accountSid, sidOf(request));
    if (!row) throw notFound(request);
    return send(reply, 200, endUserJson(row, origin(request)));
  });

  app.post('/EndUsers/:sid', async (request: SidRequest, reply) => {
    const sid = sidOf(request);
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
        : await store.update(request.accountSid, sid, { ...changes, now: twilioDate() });
    if (!row) throw notFound(request);
    return send(reply, 200, endUserJson(row, origin(request)));
  });

  app.delete('/EndUsers/:sid', async (request: SidRequest, reply) => {
    if (!(await store.delete(request.accountSid, sidOf(request)))) throw notFound(request);
    return reply.code(204).send();
  });

  refuseOtherMethods(app, '/EndUsers', ['GET', 'POST']);
  refuseOtherMethods(app, '/EndUsers/:sid', ['GET', 'POST', 'DELETE']);
}
