import type { Db, Migration } from '../store/db.js';

/**
 * Each account's data version: a number the database itself raises, by trigger, in the same
 * transaction as every insert, update or delete of a listed table's row of that account —
 * whichever instance, CLI or hand-written SQL made it. Two reads of the same version saw the
 * same rows of that account, so a page rendered at a version may be sent again while the
 * version stands. Rows are never deleted (a wipe keeps them: a number is not personal data),
 * so a version never comes back after it has moved on.
 */
export const accountVersionsMigration: Migration = {
  id: '0900_account_versions',
  sql: {
    sqlite: 'CREATE TABLE account_versions (account_sid TEXT PRIMARY KEY, version INTEGER NOT NULL)',
    // Deferred to COMMIT, when the transaction holds every other lock it takes: so a version
    // row is locked last and briefly, and two transactions of one account cannot deadlock on it.
    postgres: `CREATE TABLE account_versions (account_sid TEXT PRIMARY KEY, version BIGINT NOT NULL);
      CREATE FUNCTION regcomp_bump_account_version() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE account TEXT;
      BEGIN
        IF TG_OP = 'DELETE' THEN account := OLD.account_sid; ELSE account := NEW.account_sid; END IF;
        INSERT INTO account_versions AS v (account_sid, version) VALUES (account, 1)
          ON CONFLICT (account_sid) DO UPDATE SET version = v.version + 1;
        RETURN NULL;
      END $$;`,
  },
};

const BUMP_SQLITE = (row: 'NEW' | 'OLD') =>
  `INSERT INTO account_versions (account_sid, version) VALUES (${row}.account_sid, 1)
     ON CONFLICT (account_sid) DO UPDATE SET version = version + 1;`;

/** The trigger's name on `table` (the start-up check looks for it). */
export const versionTriggerName = (table: string, event = 'insert') => `${table}_version_${event}`;

/** The triggers that raise an account's version on every change to `table` (which has account_sid). */
export function versionTriggersMigration(table: string): Migration {
  const sqlite = (['insert', 'update', 'delete'] as const)
    .map((event) => `CREATE TRIGGER ${versionTriggerName(table, event)} AFTER ${event.toUpperCase()} ON ${table}
       BEGIN ${BUMP_SQLITE(event === 'delete' ? 'OLD' : 'NEW')} END;`)
    .join('\n');
  const postgres = `CREATE CONSTRAINT TRIGGER ${versionTriggerName(table)} AFTER INSERT OR UPDATE OR DELETE ON ${table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION regcomp_bump_account_version();`;
  return { id: `0901_account_versions_${table}`, sql: { sqlite, postgres } };
}

/** Reads versions; and checks at start-up that every table it is asked to trust has its trigger. */
export class AccountVersions {
  private readonly sql = 'SELECT version FROM account_versions WHERE account_sid = ?';

  constructor(private readonly db: Db) {}

  async read(accountSid: string): Promise<number> {
    const row = await this.db.get<{ version: number | string }>(this.sql, [accountSid]);
    // PostgreSQL's BIGINT arrives as text; a version is compared, never computed with.
    return row === undefined ? 0 : Number(row.version);
  }

  /**
   * The tables among `tables` without their trigger (a later migration that rebuilt a table
   * drops its triggers with it): pages of those must never be reused.
   */
  async untriggered(tables: readonly string[]): Promise<string[]> {
    const missing: string[] = [];
    for (const table of tables) {
      const names = this.db.dialect === 'sqlite' ? ['insert', 'update', 'delete'].map((e) => versionTriggerName(table, e)) : [versionTriggerName(table)];
      const sql =
        this.db.dialect === 'sqlite'
          ? "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?"
          : // The table as the search path resolves it: the store's own schema.
            'SELECT tgname AS name FROM pg_trigger WHERE tgrelid = to_regclass(?)';
      const found = new Set((await this.db.all<{ name: string }>(sql, [table])).map((r) => r.name));
      if (!names.every((n) => found.has(n))) missing.push(table);
    }
    return missing;
  }
}
