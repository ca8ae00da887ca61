import type { Resource } from '../resource.js';
import { endUserMigrations } from './migrations.js';
import { registerEndUserRoutes } from './routes.js';
import { END_USERS_LIST } from './store.js';
import { endUserTables } from './transfer.js';

export const endUsers: Resource = {
  name: 'end-users',
  migrations: endUserMigrations,
  lists: [END_USERS_LIST],
  register: registerEndUserRoutes,
  transfer: endUserTables,
};
