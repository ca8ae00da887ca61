import type { Migration } from '../store/db.js';
import { historyMigrations } from './history.js';

/** Per-account review settings; absent: the store's (REVIEW_POLICY and its delays). */
export const lifecycleMigrations: Migration[] = [
  {
    id: '0005_review_settings',
    sql: `CREATE TABLE review_settings (
      account_sid TEXT PRIMARY KEY REFERENCES accounts (sid) ON DELETE CASCADE,
      policy TEXT NOT NULL,
      in_review_after_ms BIGINT NOT NULL,
      decision_after_ms BIGINT NOT NULL
    )`,
  },
  ...historyMigrations,
];
