import type { TypeCatalogueSpec } from '../../catalogue/type-catalogue.js';
import builtIn from './catalogue.json' with { type: 'json' };

/** Supporting Document Types: the built-in catalogue beside this file, changed by SUPPORTING_DOCUMENT_TYPES_FILE. */
export const supportingDocumentTypesSpec: TypeCatalogueSpec = {
  key: 'supporting_document_types',
  title: 'Supporting Document Types',
  builtIn,
  setting: 'SUPPORTING_DOCUMENT_TYPES_FILE',
  namespace: 'supporting-document-type',
  // A document's `List` field (address_sids) is an array of strings.
  listsNeedValues: false,
};
