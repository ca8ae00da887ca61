import type { Migration } from '../../store/db.js';

// `id` is an internal, immutable, increasing row key: list order and page-token bound.
// (account_sid, id) serves every list page as one index range scan; `sid` is unique for fetch.
const columns = `
  sid TEXT NOT NULL UNIQUE,
  account_sid TEXT NOT NULL REFERENCES accounts (sid) ON DELETE CASCADE,
  friendly_name TEXT NOT NULL,
  type TEXT NOT NULL,
  attributes TEXT NOT NULL,
  date_created TEXT NOT NULL,
  date_updated TEXT NOT NULL`;

export const endUserMigrations: Migration[] = [
  {
    id: '0002_end_users',
    sql: {
      sqlite: `CREATE TABLE end_users (id INTEGER PRIMARY KEY AUTOINCREMENT, ${columns});
        CREATE INDEX end_users_account_id ON end_users (account_sid, id);`,
      postgres: `CREATE TABLE end_users (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ${columns});
        CREATE INDEX end_users_account_id ON end_users (account_sid, id);`,
    },
  },
];
