import path from 'node:path';

/**
 * Where the proxy's CA lives unless PROXY_CA_DIR says: beside the SQLite file (so one store has
 * one CA), else ./data/ca in the working directory (PostgreSQL: each instance its own, unless
 * they share the directory).
 */
export function defaultCaDir(databaseUrl: string): string {
  const sqlitePath = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '') : undefined;
  if (sqlitePath && sqlitePath !== ':memory:') return path.join(path.dirname(path.resolve(sqlitePath)), 'ca');
  return path.resolve('data', 'ca');
}
