import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * The storage backends every behavioural test runs against. Each `fresh()` is an empty,
 * isolated store: a new SQLite file, or a new PostgreSQL schema (chosen through the URL's
 * search_path, so in-process apps, spawned servers and the CLI all land in it).
 * PostgreSQL must be reachable (PG_TEST_URL, default the local `test` database): if it is
 * not, these tests fail; they never skip.
 */
export interface Backend {
  name: 'sqlite' | 'postgres';
  fresh(): Promise<string>;
  /** Removes every store this backend made. */
  cleanup(): Promise<void>;
}

export const PG_TEST_URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function sqliteBackend(): Backend {
  const dirs: string[] = [];
  return {
    name: 'sqlite',
    fresh() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regcomp-test-'));
      dirs.push(dir);
      return Promise.resolve(`sqlite:${path.join(dir, 'regcomp.sqlite')}`);
    },
    cleanup() {
      for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

function postgresBackend(): Backend {
  const schemas: string[] = [];
  const admin = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: PG_TEST_URL });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  return {
    name: 'postgres',
    async fresh() {
      const schema = `regcomp_test_${randomBytes(6).toString('hex')}`;
      await admin((c) => c.query(`CREATE SCHEMA ${schema}`));
      schemas.push(schema);
      return withSearchPath(PG_TEST_URL, schema);
    },
    async cleanup() {
      const dropping = schemas.splice(0);
      if (dropping.length === 0) return;
      await admin(async (c) => {
        for (const schema of dropping) await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      });
    },
  };
}

export function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

export const backends: readonly Backend[] = [sqliteBackend(), postgresBackend()];
