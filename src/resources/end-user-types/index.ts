import { registerTypeCatalogueRoutes } from '../../catalogue/type-catalogue.js';
import type { Resource } from '../resource.js';

/** Read-only and held in memory (loaded by resources/catalogues.ts): no tables. */
export const endUserTypes: Resource = {
  name: 'end-user-types',
  migrations: [],
  transfer: [],
  register: (app, context) => registerTypeCatalogueRoutes(app, context, '/EndUserTypes', 'end_user_types', context.catalogues.endUserTypes),
};
