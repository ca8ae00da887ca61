import type { Migration } from '../../store/db.js';

// The relation is in the schema: one typed column per kind of object, each a foreign key with
// no ON DELETE, so deleting an assigned end user or document fails inside the database, in the
// delete's own statement (21644, 21645), whatever instance races it. object_sid is derived.
const columns = `
  sid TEXT NOT NULL UNIQUE,
  account_sid TEXT NOT NULL REFERENCES accounts (sid) ON DELETE CASCADE,
  bundle_sid TEXT NOT NULL REFERENCES bundles (sid) ON DELETE CASCADE,
  end_user_sid TEXT REFERENCES end_users (sid),
  supporting_document_sid TEXT REFERENCES supporting_documents (sid),
  date_created TEXT NOT NULL,
  CHECK ((end_user_sid IS NULL) <> (supporting_document_sid IS NULL)),
  UNIQUE (bundle_sid, end_user_sid),
  UNIQUE (bundle_sid, supporting_document_sid)`;

const indexes = `
  CREATE INDEX item_assignments_page ON item_assignments (account_sid, bundle_sid, id);
  CREATE INDEX item_assignments_end_user ON item_assignments (end_user_sid);
  CREATE INDEX item_assignments_document ON item_assignments (supporting_document_sid);`;

export const itemAssignmentMigrations: Migration[] = [
  {
    id: '0008_item_assignments',
    sql: {
      sqlite: `CREATE TABLE item_assignments (id INTEGER PRIMARY KEY AUTOINCREMENT, ${columns});${indexes}`,
      postgres: `CREATE TABLE item_assignments (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ${columns});${indexes}`,
    },
  },
];
