import type { Resource } from '../resource.js';
import { registerEndUserTypeRoutes } from './routes.js';

/** Read-only and held in memory (see load.ts): no tables. */
export const endUserTypes: Resource = {
  name: 'end-user-types',
  migrations: [],
  transfer: [],
  register: registerEndUserTypeRoutes,
};
