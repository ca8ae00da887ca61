import type { Migration } from '../../store/db.js';

// `id`: the internal, increasing row key (list order, page-token bound), as for end users.
// Nullable: mime_type and file_size (no file), failure_reason and errors (not reviewed).
const documentColumns = `
  sid TEXT NOT NULL UNIQUE,
  account_sid TEXT NOT NULL REFERENCES accounts (sid) ON DELETE CASCADE,
  friendly_name TEXT NOT NULL,
  type TEXT NOT NULL,
  attributes TEXT NOT NULL,
  mime_type TEXT,
  file_size INTEGER,
  status TEXT NOT NULL,
  failure_reason TEXT,
  errors TEXT,
  date_created TEXT NOT NULL,
  date_updated TEXT NOT NULL`;

// A stored file: its chunks in `seq` order, deleted with their document by the cascade (one
// statement, so atomically). `id` only orders export's keyset reads.
const fileColumns = (bytes: string) => `
  document_sid TEXT NOT NULL REFERENCES supporting_documents (sid) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  bytes ${bytes} NOT NULL,
  UNIQUE (document_sid, seq)`;

// Chunks of uploads still arriving. Nothing references them: a finished upload moves its chunks
// to supporting_document_files in the transaction that creates the document; a failed one
// deletes them; a crashed one's are swept by age (written_at, ms since the epoch).
const uploadColumns = (bytes: string) => `
  upload_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  bytes ${bytes} NOT NULL,
  written_at BIGINT NOT NULL,
  PRIMARY KEY (upload_id, seq)`;

const indexes = `CREATE INDEX supporting_documents_account_id ON supporting_documents (account_sid, id);`;

export const supportingDocumentMigrations: Migration[] = [
  {
    id: '0003_supporting_documents',
    sql: {
      sqlite: `CREATE TABLE supporting_documents (id INTEGER PRIMARY KEY AUTOINCREMENT, ${documentColumns});
        ${indexes}
        CREATE TABLE supporting_document_files (id INTEGER PRIMARY KEY AUTOINCREMENT, ${fileColumns('BLOB')});
        CREATE TABLE supporting_document_uploads (${uploadColumns('BLOB')});`,
      postgres: `CREATE TABLE supporting_documents (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ${documentColumns});
        ${indexes}
        CREATE TABLE supporting_document_files (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ${fileColumns('BYTEA')});
        CREATE TABLE supporting_document_uploads (${uploadColumns('BYTEA')});`,
    },
  },
  {
    // Staged chunks name their account, so that wiping an account (accounts/wipe.ts) takes an
    // upload of its that is still arriving or was left by a crash. NULL: staged before this.
    id: '0013_determinism',
    sql: `ALTER TABLE supporting_document_uploads ADD COLUMN account_sid TEXT REFERENCES accounts (sid) ON DELETE CASCADE;
      CREATE INDEX supporting_document_uploads_account ON supporting_document_uploads (account_sid);`,
  },
];
