import { spawn } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from './paths.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `regcomp` command (`node bin/regcomp.js …`) on `databaseUrl`, feeding `input`
 * to stdin (none: stdin is closed). Killed, and the test failed, after `timeoutMs`.
 */
export function runCli(
  databaseUrl: string,
  args: readonly string[],
  options: { input?: string | Buffer; timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [path.join(projectRoot, 'bin/regcomp.js'), ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.on('error', () => {}); // the command may exit before reading all of its input
  child.stdin.end(options.input ?? '');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`regcomp ${args.join(' ')} took longer than ${options.timeoutMs ?? 20_000} ms\n${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Like runCli, but the command must succeed; resolves to its stdout. */
export async function cli(databaseUrl: string, args: readonly string[], options: Parameters<typeof runCli>[2] = {}): Promise<string> {
  const result = await runCli(databaseUrl, args, options);
  if (result.code !== 0) throw new Error(`regcomp ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
  return result.stdout;
}
