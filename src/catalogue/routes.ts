import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ActionContext } from '../twilio/actions.js';
import { registerActions } from '../twilio/actions.js';
import { API_PREFIX } from '../twilio/urls.js';
import type { Catalogue, Keyed } from './catalogue.js';

/** How a catalogue's list reads its query: the filters it echoes and the items they keep. */
export interface CatalogueFilter<T> {
  filters: [string, string][];
  test: (item: T) => boolean;
}

export interface CatalogueRoutes<T extends { sid: string }> {
  /** Inside the API prefix, e.g. `/EndUserTypes`. */
  path: string;
  /** The list's array key, e.g. `end_user_types`. */
  key: string;
  sidPrefix: string;
  catalogue: Catalogue<T>;
  /** Whether an item can also be fetched by its name (real regulations link types by name). */
  fetchByName: boolean;
  json: (item: T, url: string, request: FastifyRequest) => string;
  filter?: (request: FastifyRequest) => CatalogueFilter<T>;
}

/** List and fetch of a read-only catalogue; every other method is 405. */
export function registerCatalogueRoutes<T extends { sid: string }>(app: FastifyInstance, context: ActionContext, spec: CatalogueRoutes<T>): void {
  const { catalogue, sidPrefix } = spec;
  const listPath = API_PREFIX + spec.path;
  const find = (value: string): T | undefined =>
    (value.startsWith(sidPrefix) ? catalogue.findBySid(value) : undefined) ?? (spec.fetchByName ? catalogue.findByName(value) : undefined);
  registerActions(app, context, {
    path: spec.path,
    sid: sidPrefix,
    // Any text: a name, a SID or nothing known; what matches nothing is a 404.
    sidTest: () => true,
    list: (request, page) => {
      const { filters, test } = spec.filter?.(request) ?? { filters: [], test: () => true };
      return page<Keyed<T>>({
        path: listPath,
        key: spec.key,
        filters,
        keyOf: (row) => row.key,
        read: (query) => Promise.resolve(catalogue.page(query, test)),
        json: (row, origin) => spec.json(row.item, `${origin}${listPath}/${row.item.sid}`, request),
      });
    },
    fetch: (request, value) => {
      const item = find(value);
      return Promise.resolve(item && spec.json(item, `${context.origin(request)}${listPath}/${item.sid}`, request));
    },
  });
}
