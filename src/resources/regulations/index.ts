import { registerCatalogueRoutes } from '../../catalogue/routes.js';
import { API_PREFIX } from '../../twilio/urls.js';
import type { Resource } from '../resource.js';
import { includeConstraints, regulationFilter } from './filters.js';
import { regulationJson } from './view.js';

/** Read-only and held in memory (loaded by resources/catalogues.ts): no tables. */
export const regulations: Resource = {
  name: 'regulations',
  migrations: [],
  transfer: [],
  register: (app, context) =>
    registerCatalogueRoutes(app, context, {
      path: '/Regulations',
      key: 'results',
      sidPrefix: 'RN',
      catalogue: context.catalogues.regulations,
      fetchByName: false,
      filter: regulationFilter,
      json: (regulation, url, request) =>
        regulationJson(regulation, url, { api: context.origin(request) + API_PREFIX, includeConstraints: includeConstraints(request) }),
    }),
};
