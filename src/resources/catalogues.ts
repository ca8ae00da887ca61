import type { TypeCatalogue } from '../catalogue/type-catalogue.js';
import { loadTypeCatalogue } from '../catalogue/type-catalogue.js';
import type { Config } from '../config.js';
import { endUserTypesSpec } from './end-user-types/spec.js';
import type { RegulationCatalogue } from './regulations/catalogue.js';
import { loadRegulations } from './regulations/catalogue.js';
import { supportingDocumentTypesSpec } from './supporting-document-types/spec.js';

/** The read-only catalogues, loaded once at start; a bad file stops start-up (CatalogueError). */
export interface Catalogues {
  endUserTypes: TypeCatalogue;
  supportingDocumentTypes: TypeCatalogue;
  /** Checked against both type catalogues: every type and field a regulation names exists. */
  regulations: RegulationCatalogue;
}

export function loadCatalogues(config: Config): Catalogues {
  const endUserTypes = loadTypeCatalogue(endUserTypesSpec, config.endUserTypesFile);
  const supportingDocumentTypes = loadTypeCatalogue(supportingDocumentTypesSpec, config.supportingDocumentTypesFile);
  const regulations = loadRegulations(config.regulationsFile, { endUserTypes, supportingDocumentTypes });
  return { endUserTypes, supportingDocumentTypes, regulations };
}
