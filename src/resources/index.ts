import { bundleClones } from './bundle-clones/index.js';
import { bundleCopies } from './bundle-copies/index.js';
import { bundles } from './bundles/index.js';
import { endUserTypes } from './end-user-types/index.js';
import { endUsers } from './end-users/index.js';
import { evaluations } from './evaluations/index.js';
import { itemAssignments } from './item-assignments/index.js';
import { regulations } from './regulations/index.js';
import { replaceItems } from './replace-items/index.js';
import type { Resource } from './resource.js';
import { supportingDocumentTypes } from './supporting-document-types/index.js';
import { supportingDocuments } from './supporting-documents/index.js';

/** Every API resource the server serves. A new resource is a new folder plus one line here. */
export const resources: readonly Resource[] = [endUsers, endUserTypes, supportingDocumentTypes, regulations, supportingDocuments, bundles, itemAssignments, evaluations, bundleCopies, replaceItems, bundleClones];
