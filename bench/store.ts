import cliProgress from 'cli-progress';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { seedEndUsers } from '../src/resources/end-users/seed.js';
import type { Db } from '../src/store/db.js';
import { openAndMigrate } from '../src/store/open.js';
import type { BackendName } from './options.js';

/** A throw-away store for one bench run: a temp SQLite file or its own PostgreSQL schema. */
export interface BenchStore {
  backend: BackendName;
  url: string;
  /** The URL the server gets: PostgreSQL connections carry an application_name to be told apart. */
  serverUrl: string;
  /** PostgreSQL's processes serving the server (they work for the bench: their CPU is its own). */
  serverBackendPids(): Promise<number[]>;
  /** Removes the store. */
  drop(): Promise<void>;
}

export async function createStore(backend: BackendName, pgUrl: string): Promise<BenchStore> {
  if (backend === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regcomp-bench-'));
    const url = `sqlite:${path.join(dir, 'regcomp.sqlite')}`;
    return {
      backend,
      url,
      serverUrl: url,
      serverBackendPids: () => Promise.resolve([]),
      drop: () => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true })),
    };
  }
  const schema = `regcomp_bench_${randomBytes(6).toString('hex')}`;
  await admin(pgUrl, (c) => c.query(`CREATE SCHEMA ${schema}`));
  const u = new URL(pgUrl);
  u.searchParams.set('options', `-c search_path=${schema}`);
  const url = u.toString();
  u.searchParams.set('application_name', schema);
  return {
    backend,
    url,
    serverUrl: u.toString(),
    serverBackendPids: () =>
      admin(pgUrl, (c) => c.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [schema])).then((r) =>
        r.rows.map((row) => row.pid),
      ),
    drop: () => admin(pgUrl, (c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).then(() => undefined),
  };
}

async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export interface EndUserRef {
  sid: string;
  accountSid: string;
}

export interface SeededStore {
  token: string;
  accountSids: string[];
  /** The accounts the load uses. */
  loadAccounts: string[];
  /** Every seeded end user of the load accounts, shuffled. */
  endUsers: EndUserRef[];
  seedMs: number;
}

/** A store someone seeded before (`regcomp seed`), used as it is and not removed: for quick iterations. */
export function existingStore(url: string): BenchStore {
  const backend = url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
  return { backend, url, serverUrl: url, serverBackendPids: () => Promise.resolve([]), drop: () => Promise.resolve() };
}

/** The seeded accounts and end users of an existing store; `token` is the one it was seeded with. */
export async function readSeeded(url: string, token: string, loadAccounts: number): Promise<SeededStore & { rows: number; accounts: number }> {
  const db = await openAndMigrate(url);
  try {
    const accountSids = (
      await db.all<{ sid: string }>("SELECT sid FROM accounts WHERE friendly_name LIKE 'Seeded account %' ORDER BY date_created, sid")
    ).map((r) => r.sid);
    if (accountSids.length === 0) throw new Error(`no seeded accounts in ${url}`);
    const load = accountSids.slice(0, loadAccounts);
    const rows = Number((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM end_users'))?.n ?? 0);
    return { token, accountSids, rows, accounts: accountSids.length, seedMs: 0, ...(await sampleLoad(db, load)) };
  } finally {
    await db.close();
  }
}

async function sampleLoad(db: Db, load: string[]): Promise<{ loadAccounts: string[]; endUsers: EndUserRef[] }> {
  const endUsers = (
    await db.all<{ sid: string; account_sid: string }>(
      `SELECT sid, account_sid FROM end_users WHERE account_sid IN (${load.map(() => '?').join(', ')})`,
      load,
    )
  ).map((r) => ({ sid: r.sid, accountSid: r.account_sid }));
  return { loadAccounts: load, endUsers: shuffle(endUsers) };
}

/** Seeds `rows` end users over `accounts` accounts (with a progress bar) and samples the load's. */
export async function seedStore(url: string, rows: number, accounts: number, loadAccounts: number): Promise<SeededStore> {
  const db = await openAndMigrate(url);
  try {
    const bar = new cliProgress.SingleBar(
      { format: '  seeding [{bar}] {percentage}% | {value}/{total} end users | {duration}s', etaBuffer: 20 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(rows, 0);
    const seeded = await seedEndUsers(db, { count: rows, accounts, onProgress: (done) => bar.update(done) }).finally(() =>
      bar.stop(),
    );
    const load = seeded.accountSids.slice(0, loadAccounts);
    return { token: seeded.token, accountSids: seeded.accountSids, seedMs: seeded.ms, ...(await sampleLoad(db, load)) };
  } finally {
    await db.close();
  }
}

export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
