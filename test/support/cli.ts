import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from './paths.js';

const run = promisify(execFile);

/** Runs the real `regcomp` command (bin/regcomp.js) on a store; resolves with its output. */
export async function regcomp(databaseUrl: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [path.join(projectRoot, 'bin/regcomp.js'), ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Like regcomp(), for a command expected to fail: resolves with its exit code and stderr. */
export async function regcompFails(databaseUrl: string, ...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await regcomp(databaseUrl, ...args);
  } catch (err) {
    const failure = err as { code: number; stderr: string };
    return { code: failure.code, stderr: failure.stderr };
  }
  throw new Error(`regcomp ${args.join(' ')} succeeded`);
}
