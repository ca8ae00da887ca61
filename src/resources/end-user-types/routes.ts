import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors } from '../../twilio/errors.js';
import { keysetOfList, pageMeta, parsePageRequest, readPage } from '../../twilio/paging.js';
import type { Keyed } from '../../twilio/paging.js';
import { refuseOtherMethods } from '../../twilio/routes.js';
import { isSid } from '../../twilio/sid.js';
import { originOf } from '../../twilio/urls.js';
import type { ResourceContext } from '../resource.js';
import type { EndUserType } from './catalogue.js';
import { END_USER_TYPES_PATH, endUserTypeJson } from './view.js';

type SidRequest = FastifyRequest<{ Params: { sid: string } }>;
type ListRequest = FastifyRequest<{ Querystring: Record<string, string | undefined> }>;

export function registerEndUserTypeRoutes(app: FastifyInstance, { tokens, config, endUserTypes }: ResourceContext): void {
  const origin = (request: FastifyRequest) => originOf(request, config.publicBaseUrl);
  const send = (reply: FastifyReply, json: unknown) =>
    reply.code(200).type('application/json; charset=utf-8').send(JSON.stringify(json));

  app.get('/EndUserTypes', async (request: ListRequest, reply) => {
    const scope = `${request.accountSid}\n${END_USER_TYPES_PATH}`;
    const parsed = parsePageRequest(request.query);
    const pageRequest = { ...parsed, cursor: parsed.token === undefined ? undefined : tokens.read(scope, parsed.token) };
    const page = await readPage<Keyed<EndUserType>>(
      pageRequest,
      (row) => row.key,
      (query) => Promise.resolve(keysetOfList(endUserTypes.types, query)),
      (cursor) => tokens.mint(scope, cursor),
    );
    const base = origin(request);
    const meta = pageMeta({ listUrl: base + END_USER_TYPES_PATH, key: 'end_user_types' }, pageRequest, page.nextToken, page.previousToken);
    return send(reply, { end_user_types: page.rows.map((row) => endUserTypeJson(row.item, base)), meta });
  });

  app.get('/EndUserTypes/:sid', async (request: SidRequest, reply) => {
    const { sid } = request.params;
    const type = isSid(sid, 'OY') ? endUserTypes.findBySid(sid) : undefined;
    if (!type) throw errors.notFound(request.url.split('?')[0]!);
    return send(reply, endUserTypeJson(type, origin(request)));
  });

  refuseOtherMethods(app, '/EndUserTypes', ['GET']);
  refuseOtherMethods(app, '/EndUserTypes/:sid', ['GET']);
}
