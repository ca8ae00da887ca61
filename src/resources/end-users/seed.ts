import { hashSecret, newAuthToken } from '../../accounts/secrets.js';
import type { Db, SqlValue } from '../../store/db.js';
import { insertRows } from '../../store/insert-rows.js';
import { piiSealer } from '../../store/pii-seal.js';
import { twilioDate } from '../../twilio/dates.js';
import { newSid } from '../../twilio/sid.js';

/**
 * Synthetic end users for load tests and demos: `count` rows spread round-robin over
 * `accounts` new accounts, so each account's rows interleave with the others' as real
 * traffic would leave them.
 *
 * Every seeded account gets the same auth token, hashed once: hashing a token costs ~50 ms
 * of scrypt, which for 1,000 accounts would dominate the load. The token is returned (and
 * may be chosen); anyone holding it can use every seeded account, so seed only stores that
 * are meant for testing.
 */
export interface SeedOptions {
  count: number;
  accounts: number;
  /** The auth token every seeded account shares (default: a new random one). */
  token?: string;
  /** Rows per transaction (default: see LOAD_SHAPE). */
  chunkRows?: number;
  /** Rows per INSERT statement within a transaction (default: see LOAD_SHAPE). */
  rowsPerStatement?: number;
  /** Called after each committed transaction with the rows inserted so far. */
  onProgress?: (rowsDone: number) => void;
}

export interface SeedResult {
  accountSids: string[];
  token: string;
  endUsers: number;
  ms: number;
}

/**
 * How rows are grouped, per backend, as measured loading 1,000,000 rows over 1,000 accounts:
 * - PostgreSQL pays a round trip per statement: 500-row INSERTs load ~4x faster than one row
 *   per statement (15,000 vs 4,000 rows/s); transactions of 5,000 rows keep each one short.
 * - SQLite pays per page written: each transaction rewrites every index page it touches
 *   (random SIDs touch most of the SID index), then a checkpoint copies them and syncs.
 *   100,000-row transactions load 1M rows in ~52 s, 5,000-row ones in ~115 s. Multi-row
 *   statements bring nothing there (slightly slower), so it inserts one row per statement.
 */
const LOAD_SHAPE = {
  sqlite: { chunkRows: 100_000, rowsPerStatement: 1 },
  postgres: { chunkRows: 5000, rowsPerStatement: 500 },
} as const;

const END_USER_COLUMNS = ['sid', 'account_sid', 'friendly_name', 'type', 'attributes', 'date_created', 'date_updated'];
const ATTRIBUTES = END_USER_COLUMNS.indexOf('attributes');
const ACCOUNT_COLUMNS = ['sid', 'friendly_name', 'auth_token_hash', 'date_created', 'date_updated'];

export async function seedEndUsers(db: Db, options: SeedOptions): Promise<SeedResult> {
  const { count, accounts } = options;
  if (!Number.isInteger(count) || count < 0) throw new RangeError('count must be a whole number');
  if (!Number.isInteger(accounts) || accounts < 1) throw new RangeError('accounts must be at least 1');
  const chunkRows = options.chunkRows ?? LOAD_SHAPE[db.dialect].chunkRows;
  const rowsPerStatement = options.rowsPerStatement ?? LOAD_SHAPE[db.dialect].rowsPerStatement;
  const started = performance.now();

  const token = options.token ?? newAuthToken();
  if (token.length < 8 || token.length > 256) throw new RangeError('an auth token has 8 to 256 characters');
  const hash = await hashSecret(token);
  const now = twilioDate();
  const accountSids = Array.from({ length: accounts }, () => newSid('AC'));
  const accountRows = accountSids.map((sid, i) => [sid, `Seeded account ${i + 1}`, hash, now, now]);
  await insertRows(db, 'accounts', ACCOUNT_COLUMNS, accountRows, rowsPerStatement, chunkRows);

  // Creation times one second apart, ending now, in row (and so id) order.
  const firstCreated = Date.now() - count * 1000;
  // Stored as the server stores them (sealed on PostgreSQL): a seeded store needs no sweep at
  // its first start, which would otherwise rewrite every row while the store is in use.
  const sealer = piiSealer(db.dialect);
  const generator = new EndUserGenerator();
  let done = 0;
  while (done < count) {
    const n = Math.min(chunkRows, count - done);
    const rows: SqlValue[][] = new Array<SqlValue[]>(n);
    for (let i = 0; i < n; i++) {
      const index = done + i;
      const date = twilioDate(new Date(firstCreated + index * 1000));
      const row = generator.row(accountSids[index % accounts]!, date);
      row[ATTRIBUTES] = sealer.seal(row[ATTRIBUTES] as string);
      rows[i] = row;
    }
    await insertRows(db, 'end_users', END_USER_COLUMNS, rows, rowsPerStatement, chunkRows);
    done += n;
    options.onProgress?.(done);
  }
  // PostgreSQL plans from statistics that autovacuum would gather only later.
  if (db.dialect === 'postgres') await db.run('ANALYZE accounts, end_users');
  return { accountSids, token, endUsers: count, ms: performance.now() - started };
}

const FIRST_NAMES = [
  'Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Dennis', 'Frances', 'Ken', 'Radia', 'Linus',
  'Katherine', 'Tim', 'Hedy', 'John', 'Sophie', 'Niklaus', 'Anita', 'Guido', 'Mary', 'Bjarne', 'Joan', 'James',
  'Shafi', 'Leslie', 'Karen', 'Vint', 'Lynn', 'Whitfield', 'Adele', 'Robert', 'Evelyn', 'Carlos', 'Amara', 'Yuki',
  'Priya', 'Mateo', 'Chiara', 'Oluwaseun',
];
const LAST_NAMES = [
  'Lovelace', 'Turing', 'Hopper', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Ritchie', 'Allen', 'Thompson',
  'Perlman', 'Torvalds', 'Johnson', 'Berners-Lee', 'Lamarr', 'McCarthy', 'Wilson', 'Wirth', 'Borg', 'van Rossum',
  'Keller', 'Stroustrup', 'Clarke', 'Gosling', 'Goldwasser', 'Lamport', 'Spärck Jones', 'Cerf', 'Conway', 'Diffie',
  'Goldberg', 'Kahn', 'Berezin', 'Fernández', 'Okafor', 'Tanaka', 'Raman', 'García', 'Rossi', 'Adeyemi',
];
const BUSINESS_WORDS = [
  'Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Wonka', 'Tyrell', 'Cyberdyne', 'Soylent', 'Hooli',
  'Vandelay', 'Pied Piper', 'Aperture', 'Black Mesa', 'Oscorp', 'Gringotts', 'Monarch', 'Nakatomi', 'Dunder Mifflin',
];
const BUSINESS_KINDS = ['Holdings', 'Industries', 'Labs', 'Logistics', 'Telecom', 'Partners', 'Foods', 'Health', 'Systems'];
const BUSINESS_SUFFIXES = ['LLC', 'Inc.', 'Ltd', 'GmbH', 'S.A.', 'Corp.'];
const INDUSTRIES = ['TECHNOLOGY', 'HEALTHCARE', 'RETAIL', 'FINANCIAL', 'EDUCATION', 'HOSPITALITY', 'REAL_ESTATE'];
const BUSINESS_TYPES = ['Corporation', 'Limited Liability Corporation', 'Partnership', 'Sole Proprietorship'];
const REGIONS = ['USA_AND_CANADA', 'EUROPE', 'LATIN_AMERICA', 'ASIA', 'AFRICA'];

export interface SyntheticEndUser {
  friendlyName: string;
  type: 'individual' | 'business';
  /** Compact JSON object text. */
  attributes: string;
}

/** One end user shaped like a real one: about 60 % individuals, 40 % businesses. */
export function syntheticEndUser(n: number): SyntheticEndUser {
  return Math.random() < 0.6 ? individual(n) : business(n);
}

class EndUserGenerator {
  private serial = 0;

  row(accountSid: string, date: string): SqlValue[] {
    const { friendlyName, type, attributes } = syntheticEndUser(++this.serial);
    return [newSid('IT'), accountSid, friendlyName, type, attributes, date, date];
  }
}

function individual(n: number): SyntheticEndUser {
  const first = pick(FIRST_NAMES);
  const last = pick(LAST_NAMES);
  const email = `${first}.${last}${n % 1000}@example.com`.toLowerCase().replace(/[^a-z0-9.@-]/g, '');
  const attributes = {
    first_name: first,
    last_name: last,
    email,
    phone_number: `+1${digits(10)}`,
  };
  return { friendlyName: `${first} ${last}`, type: 'individual', attributes: JSON.stringify(attributes) };
}

function business(n: number): SyntheticEndUser {
  const name = `${pick(BUSINESS_WORDS)} ${pick(BUSINESS_KINDS)} ${pick(BUSINESS_SUFFIXES)}`;
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/-+$/, '');
  const attributes = {
    business_name: name,
    business_registration_identifier: 'EIN',
    business_registration_number: digits(9),
    business_type: pick(BUSINESS_TYPES),
    business_industry: pick(INDUSTRIES),
    business_regions_of_operation: pick(REGIONS),
    business_identity: 'direct_customer',
    website_url: `https://www.${slug}.example.com`,
    email: `compliance+${n % 1000}@${slug}.example.com`,
  };
  return { friendlyName: name, type: 'business', attributes: JSON.stringify(attributes) };
}

function pick<T>(list: readonly T[]): T {
  return list[Math.floor(Math.random() * list.length)]!;
}

function digits(n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += Math.floor(Math.random() * 10);
  return out;
}
