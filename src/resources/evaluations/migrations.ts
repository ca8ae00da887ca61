import type { Migration } from '../../store/db.js';

// Each evaluation is kept (the list is the bundle's history) with its results as JSON text.
const columns = `
  sid TEXT NOT NULL UNIQUE,
  account_sid TEXT NOT NULL REFERENCES accounts (sid) ON DELETE CASCADE,
  bundle_sid TEXT NOT NULL REFERENCES bundles (sid) ON DELETE CASCADE,
  regulation_sid TEXT NOT NULL,
  status TEXT NOT NULL,
  results TEXT NOT NULL,
  date_created TEXT NOT NULL`;

export const evaluationMigrations: Migration[] = [
  {
    id: '0009_evaluations',
    sql: {
      sqlite: `CREATE TABLE evaluations (id INTEGER PRIMARY KEY AUTOINCREMENT, ${columns});
        CREATE INDEX evaluations_page ON evaluations (account_sid, bundle_sid, id);`,
      postgres: `CREATE TABLE evaluations (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ${columns});
        CREATE INDEX evaluations_page ON evaluations (account_sid, bundle_sid, id);`,
    },
  },
];
