import type { Resource } from '../resource.js';
import { itemAssignmentMigrations } from './migrations.js';
import { registerItemAssignmentRoutes } from './routes.js';
import { ITEM_ASSIGNMENTS_LIST } from './store.js';
import { itemAssignmentTables } from './transfer.js';

export const itemAssignments: Resource = {
  name: 'item-assignments',
  dependsOn: ['bundles', 'end-users', 'supporting-documents'],
  migrations: itemAssignmentMigrations,
  transfer: itemAssignmentTables,
  lists: [ITEM_ASSIGNMENTS_LIST],
  register: registerItemAssignmentRoutes,
};
