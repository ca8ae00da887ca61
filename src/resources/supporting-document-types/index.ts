import { registerTypeCatalogueRoutes } from '../../catalogue/type-catalogue.js';
import type { Resource } from '../resource.js';

/** Read-only and held in memory (loaded by resources/catalogues.ts): no tables. */
export const supportingDocumentTypes: Resource = {
  name: 'supporting-document-types',
  migrations: [],
  transfer: [],
  register: (app, context) =>
    registerTypeCatalogueRoutes(app, context, '/SupportingDocumentTypes', 'supporting_document_types', context.catalogues.supportingDocumentTypes),
};
