import type { Migration } from '../../store/db.js';

// Unset `valid_until` and `status_callback` are '' (the view says null): a sort column must be
// NOT NULL to be a keyset bound, and '' sorts before every date. Sort columns compare bytes
// (COLLATE "C" on PostgreSQL, BINARY on SQLite), so tokens and ORDER BY agree everywhere.
// The number group (country, number type, end-user type) is copied from the regulation at
// create, for the list filters. The review's next scheduled step lives on the bundle itself
// (review_step, due at review_due_ms; 0 = none), so a restart loses nothing and the guarded
// UPDATE that applies it is also its claim: with several instances it happens once.
// copied_from: the bundle a Copy was made of ('' for others), for the Copies list and ReplaceItems.
const columns = (collate: string) => `
  sid TEXT NOT NULL UNIQUE,
  account_sid TEXT NOT NULL REFERENCES accounts (sid) ON DELETE CASCADE,
  regulation_sid TEXT NOT NULL,
  iso_country TEXT NOT NULL,
  number_type TEXT NOT NULL,
  end_user_type TEXT NOT NULL,
  friendly_name TEXT NOT NULL,
  status TEXT NOT NULL,
  valid_until TEXT${collate} NOT NULL DEFAULT '',
  email TEXT NOT NULL,
  status_callback TEXT NOT NULL DEFAULT '',
  is_test INTEGER NOT NULL DEFAULT 0,
  failure_reason TEXT NOT NULL DEFAULT '',
  review_policy TEXT NOT NULL DEFAULT '',
  review_step TEXT NOT NULL DEFAULT '',
  review_due_ms BIGINT NOT NULL DEFAULT 0,
  copied_from TEXT NOT NULL DEFAULT '',
  date_created TEXT NOT NULL,
  date_updated TEXT${collate} NOT NULL`;

const indexes = `
  CREATE INDEX bundles_account_id ON bundles (account_sid, id);
  CREATE INDEX bundles_account_updated ON bundles (account_sid, date_updated, id);
  CREATE INDEX bundles_account_valid_until ON bundles (account_sid, valid_until, id);
  CREATE INDEX bundles_account_copied_from ON bundles (account_sid, copied_from, id);
  CREATE INDEX bundles_review_due ON bundles (review_due_ms) WHERE review_due_ms > 0;`;

export const bundleMigrations: Migration[] = [
  {
    id: '0004_bundles',
    sql: {
      sqlite: `CREATE TABLE bundles (id INTEGER PRIMARY KEY AUTOINCREMENT, ${columns('')});${indexes}`,
      postgres: `CREATE TABLE bundles (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ${columns(' COLLATE "C"')});${indexes}`,
    },
  },
];
