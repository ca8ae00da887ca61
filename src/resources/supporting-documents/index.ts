import type { Resource } from '../resource.js';
import { supportingDocumentMigrations } from './migrations.js';
import { registerSupportingDocumentRoutes } from './routes.js';
import { SUPPORTING_DOCUMENTS_LIST } from './store.js';
import { supportingDocumentTables } from './transfer.js';

export const supportingDocuments: Resource = {
  name: 'supporting-documents',
  migrations: supportingDocumentMigrations,
  lists: [SUPPORTING_DOCUMENTS_LIST],
  register: registerSupportingDocumentRoutes,
  transfer: supportingDocumentTables,
};
