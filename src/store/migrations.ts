import { accountMigrations } from '../accounts/migrations.js';
import { faultMigrations } from '../faults/migrations.js';
import { lifecycleMigrations } from '../lifecycle/migrations.js';
import { resources } from '../resources/index.js';
import { webhookMigrations } from '../webhooks/migrations.js';
import { listCacheMigrations } from '../list-cache/index.js';
import type { Migration } from './db.js';

/** Every table the service needs, in id order: accounts first, then each resource's. */
export const migrations: readonly Migration[] = [
  ...accountMigrations,
  ...resources.flatMap((r) => r.migrations),
  ...lifecycleMigrations,
  ...webhookMigrations,
  ...faultMigrations,
  ...listCacheMigrations(listedTables()),
].sort((a, b) => a.id.localeCompare(b.id));

/** Every table a registered list pages through: each gets the account-version triggers. */
export function listedTables(): string[] {
  return [...new Set(resources.flatMap((r) => r.lists ?? []).map((l) => l.table))];
}
