import type { Migration } from '../store/db.js';

export const accountMigrations: Migration[] = [
  {
    id: '0001_accounts',
    sql: `
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE accounts (
        sid TEXT PRIMARY KEY,
        friendly_name TEXT NOT NULL,
        auth_token_hash TEXT NOT NULL,
        date_created TEXT NOT NULL,
        date_updated TEXT NOT NULL
      );
      CREATE TABLE api_keys (
        sid TEXT PRIMARY KEY,
        account_sid TEXT NOT NULL REFERENCES accounts (sid) ON DELETE CASCADE,
        friendly_name TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        date_created TEXT NOT NULL
      );
      CREATE INDEX api_keys_account ON api_keys (account_sid);
    `,
  },
  {
    // Sealed with a key outside the database (see vault.ts), to sign status callbacks.
    id: '0006_sealed_auth_tokens',
    sql: "ALTER TABLE accounts ADD COLUMN auth_token_sealed TEXT NOT NULL DEFAULT ''",
  },
];
