import type { Migration } from '../store/db.js';

// One row per fault rule. `remaining` counts down (a guarded UPDATE claims each use, so N is
// exact across instances); NULL means "until cleared", then `probability` says how often.
const faults = (id: string, float: string) => `
  CREATE TABLE faults (
    ${id},
    sid TEXT NOT NULL UNIQUE,
    account_sid TEXT NOT NULL REFERENCES accounts (sid) ON DELETE CASCADE,
    type TEXT NOT NULL,
    method TEXT,
    path TEXT,
    count INTEGER,
    remaining INTEGER,
    probability ${float} NOT NULL,
    latency_ms INTEGER NOT NULL,
    retry_after INTEGER,
    applied INTEGER NOT NULL DEFAULT 0,
    date_created TEXT NOT NULL,
    CHECK ((count IS NULL) = (remaining IS NULL))
  );
  CREATE INDEX faults_account ON faults (account_sid, id);`;

export const faultMigrations: Migration[] = [
  {
    id: '0010_faults',
    sql: {
      sqlite: faults('id INTEGER PRIMARY KEY AUTOINCREMENT', 'REAL'),
      postgres: faults('id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY', 'DOUBLE PRECISION'),
    },
  },
];
