// Builds the console (console/ → dist/console/) unless nothing it is made of changed since the
// last build, so `npm start` stays fast. Type-checks the console's sources when it builds.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const stamp = join(here, '../dist/console/.built');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const sources = Math.max(newest(here), newest(join(here, '../package-lock.json')));
if (existsSync(stamp) && statSync(stamp).mtimeMs >= sources) process.exit(0);

execFileSync(process.execPath, [join(here, '../node_modules/typescript/bin/tsc'), '-p', join(here, 'tsconfig.json')], { stdio: 'inherit' });
// Loaded only when there is something to build: importing Vite alone takes a while.
const { build } = await import('vite');
await build({ configFile: join(here, 'vite.config.ts') });
writeFileSync(stamp, `${new Date().toISOString()}\n`);
