import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { ListPages } from '../list-cache/index.js';
import type { ListSpec } from './list.js';
import { sendList } from './list.js';
import type { PageTokens } from './paging.js';
import { notFound, sendJson, sidParam } from './reply.js';
import { refuseOtherMethods } from './routes.js';

export type SendList = <T>(spec: ListSpec<T>) => Promise<FastifyReply>;

/**
 * A Twilio resource as data: its path, how its instances are named, and the actions it
 * serves. `registerActions` turns that into routes with Twilio's status codes (201 create,
 * 200 fetch/update/list, 204 delete), 404s for unknown or malformed SIDs, and 405 (20004)
 * for every other method, derived from the declared actions so the two cannot drift.
 */
export interface Actions {
  /** The list's path inside the API prefix: `/EndUsers`, `/Bundles/:bundleSid/ItemAssignments`. */
  path: string;
  /** Parent path parameters and the SID prefix each must have, e.g. `{ bundleSid: 'BU' }`. */
  parents?: Readonly<Record<string, string>>;
  /** An instance's SID prefix (`IT`…). */
  sid: string;
  /** A test of its own for the instance parameter, where SIDs are not all it takes (names). */
  sidTest?: (value: string) => boolean;
  /** Each returns the answer's JSON text; `undefined`/`false` when nothing matched (404). */
  list?: (request: FastifyRequest, page: SendList) => Promise<FastifyReply>;
  create?: (request: FastifyRequest) => Promise<string>;
  fetch?: (request: FastifyRequest, sid: string) => Promise<string | undefined>;
  update?: (request: FastifyRequest, sid: string) => Promise<string | undefined>;
  remove?: (request: FastifyRequest, sid: string) => Promise<boolean>;
}

export interface ActionContext {
  tokens: PageTokens;
  /** Rendered pages to reuse (src/list-cache); absent when LIST_CACHE_BYTES is 0. */
  pages?: ListPages;
  origin: (request: FastifyRequest) => string;
  config: { pageMaxBytes: number };
}

/** What the conformance test reads off each route (Fastify route `config`). */
export interface ActionConfig {
  action: 'list' | 'create' | 'fetch' | 'update' | 'remove';
  /** The SID prefix of the resource's instances. */
  sidPrefix: string;
}

// Fastify's route config is a weak type once a plugin (@fastify/multipart) adds a property to
// it; ActionConfig must share properties with it to be assignable.
declare module 'fastify' {
  interface FastifyContextConfig {
    action?: ActionConfig['action'];
    sidPrefix?: string;
  }
}

export function registerActions(app: FastifyInstance, context: ActionContext, actions: Actions): void {
  const { path, parents = {} } = actions;
  const checkParents = (request: FastifyRequest): void => {
    for (const [name, prefix] of Object.entries(parents)) sidParam(request, prefix, name);
  };
  const instanceSid = (request: FastifyRequest): string => {
    checkParents(request);
    if (!actions.sidTest) return sidParam(request, actions.sid);
    const value = (request.params as { sid: string }).sid;
    if (!actions.sidTest(value)) throw notFound(request);
    return value;
  };
  const sidPrefix = actions.sid;
  const route = (method: HTTPMethods, url: string, config: ActionConfig, handler: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>) =>
    app.route({ method, url, config, handler });

  const onList: HTTPMethods[] = [];
  const { list, create } = actions;
  if (list) {
    onList.push('GET');
    route('GET', path, { action: 'list', sidPrefix }, (request, reply) => {
      checkParents(request);
      const listContext = { tokens: context.tokens, origin: context.origin(request), maxBytes: context.config.pageMaxBytes, pages: context.pages };
      return list(request, (spec) => sendList(request, reply, listContext, spec));
    });
  }
  if (create) {
    onList.push('POST');
    route('POST', path, { action: 'create', sidPrefix }, async (request, reply) => {
      checkParents(request);
      return sendJson(reply, 201, await create(request));
    });
  }
  if (onList.length > 0) refuseOtherMethods(app, path, onList);

  const instance = `${path}/:sid`;
  const onInstance: HTTPMethods[] = [];
  const answer = (method: HTTPMethods, action: ActionConfig['action'], run: (request: FastifyRequest, sid: string) => Promise<string | undefined>) => {
    onInstance.push(method);
    route(method, instance, { action, sidPrefix }, async (request, reply) => {
      const json = await run(request, instanceSid(request));
      if (json === undefined) throw notFound(request);
      return sendJson(reply, 200, json);
    });
  };
  if (actions.fetch) answer('GET', 'fetch', actions.fetch);
  if (actions.update) answer('POST', 'update', actions.update);
  const { remove } = actions;
  if (remove) {
    onInstance.push('DELETE');
    route('DELETE', instance, { action: 'remove', sidPrefix }, async (request, reply) => {
      if (!(await remove(request, instanceSid(request)))) throw notFound(request);
      return reply.code(204).send();
    });
  }
  if (onInstance.length > 0) refuseOtherMethods(app, instance, onInstance);
}

