import { accountMigrations } from '../accounts/migrations.js';
import { faultMigrations } from '../faults/migrations.js';
import { lifecycleMigrations } from '../lifecycle/migrations.js';
import { resources } from '../resources/index.js';
import { webhookMigrations } from '../webhooks/migrations.js';
import type { Migration } from './db.js';

/** Every table the service needs, in id order: accounts first, then each resource's. */
export const migrations: readonly Migration[] = [...accountMigrations, ...resources.flatMap((r) => r.migrations), ...lifecycleMigrations, ...webhookMigrations, ...faultMigrations].sort(
  (a, b) => a.id.localeCompare(b.id),
);
