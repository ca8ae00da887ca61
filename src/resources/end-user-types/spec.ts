import type { TypeCatalogueSpec } from '../../catalogue/type-catalogue.js';
import builtIn from './catalogue.json' with { type: 'json' };

/** End-User Types: the built-in catalogue beside this file, extended or replaced by END_USER_TYPES_FILE. */
export const endUserTypesSpec: TypeCatalogueSpec = {
  key: 'end_user_types',
  title: 'End-User Types',
  builtIn,
  setting: 'END_USER_TYPES_FILE',
  namespace: 'end-user-type',
  // Twilio's End-User `List` fields are enums written in prose ("[YES, NO]"): name their values.
  listsNeedValues: true,
};
