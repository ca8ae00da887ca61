import { Command, InvalidArgumentError } from 'commander';
import { DEFAULT_DATABASE_URL } from '../config.js';
import type { Db } from '../store/db.js';
import { openAndMigrate } from '../store/open.js';
import { isSid } from '../twilio/sid.js';

/** What every command shares: the program (for the global --database-url) and small helpers. */
export const program = new Command('regcomp')
  .description('Manage a regcomp store (accounts, API keys, data)')
  .option('--database-url <url>', 'the store to work on (default: $DATABASE_URL, else sqlite:./data/regcomp.sqlite)');

export function databaseUrl(): string {
  return program.opts<{ databaseUrl?: string }>().databaseUrl ?? (process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
}

/** Runs `work` on the migrated store and closes it, whatever happens. */
export async function withDb<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const db = await openAndMigrate(databaseUrl());
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

export function print(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function sid(prefix: string) {
  return (value: string): string => {
    if (!isSid(value, prefix)) throw new InvalidArgumentError(`expected ${prefix} followed by 32 hex digits`);
    return value;
  };
}

export function fail(message: string): never {
  process.stderr.write(`regcomp: ${message}\n`);
  process.exit(1);
}

export function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

