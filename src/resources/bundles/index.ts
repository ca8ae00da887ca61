import type { Resource } from '../resource.js';
import { bundleMigrations } from './migrations.js';
import { registerBundleRoutes } from './routes.js';
import { BUNDLE_LISTS } from './store.js';
import { bundleTables } from './transfer.js';

export const bundles: Resource = {
  name: 'bundles',
  migrations: bundleMigrations,
  transfer: bundleTables,
  lists: Object.values(BUNDLE_LISTS),
  register: registerBundleRoutes,
};
