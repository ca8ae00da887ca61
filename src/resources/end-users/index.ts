import type { Resource } from '../resource.js';
import { endUserMigrations } from './migrations.js';
import { registerEndUserRoutes } from './routes.js';
import { endUserTables } from './transfer.js';

export const endUsers: Resource = {
  name: 'end-users',
  migrations: endUserMigrations,
  register: registerEndUserRoutes,
  transfer: endUserTables,
};
