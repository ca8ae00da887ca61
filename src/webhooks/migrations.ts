import type { Migration } from '../store/db.js';

// The outbox: a callback is a row written in the same transaction as the status change, then
// delivered (claimed by a guarded UPDATE, retried with backoff) by whichever instance gets it
// first. `bundle_sid` has no foreign key: a deleted bundle's last callbacks still go out.
const callbacks = (id: string, big: string) => `
  CREATE TABLE status_callbacks (
    ${id},
    sid TEXT NOT NULL UNIQUE,
    account_sid TEXT NOT NULL REFERENCES accounts (sid) ON DELETE CASCADE,
    bundle_sid TEXT NOT NULL,
    url TEXT NOT NULL,
    method TEXT NOT NULL,
    params TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_ms ${big} NOT NULL,
    last_response_code INTEGER NOT NULL DEFAULT 0,
    date_created TEXT NOT NULL
  );
  CREATE INDEX status_callbacks_due ON status_callbacks (next_attempt_ms) WHERE state = 'pending';
  CREATE INDEX status_callbacks_bundle ON status_callbacks (account_sid, bundle_sid, id);
  CREATE TABLE callback_attempts (
    ${id},
    callback_sid TEXT NOT NULL REFERENCES status_callbacks (sid) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    date_started TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    response_code INTEGER NOT NULL,
    error TEXT NOT NULL
  );
  CREATE UNIQUE INDEX callback_attempts_callback ON callback_attempts (callback_sid, attempt);`;

export const webhookMigrations: Migration[] = [
  {
    id: '0007_status_callbacks',
    sql: {
      sqlite: callbacks('id INTEGER PRIMARY KEY AUTOINCREMENT', 'INTEGER'),
      postgres: callbacks('id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY', 'BIGINT'),
    },
  },
];
