import type { Resource } from '../resource.js';
import { endUserMigrations } from './migrations.js';
import { registerEndUserRoutes } from './routes.js';

export const endUsers: Resource = {
  name: 'end-users',
  migrations: endUserMigrations,
  register: registerEndUserRoutes,
};
