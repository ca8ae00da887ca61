import fs from 'node:fs';
import path from 'node:path';

/** How `npm start` runs the server: its environment settings, node flags and script. */
export interface StartCommand {
  env: Record<string, string>;
  nodeArgs: string[];
  script: string;
}

/**
 * Reads package.json's `start` script (`cross-env K=V … node [flags] script`), so the bench
 * measures the server exactly as `npm start` runs it, memory settings included.
 */
export function startCommand(projectRoot: string): StartCommand {
  const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.trim().split(/\s+/);
  const env: Record<string, string> = {};
  if (words[0] === 'cross-env') words.shift();
  while (words[0]?.includes('=')) {
    const [key, ...value] = words.shift()!.split('=');
    env[key!] = value.join('=');
  }
  if (words.shift() !== 'node' || words.length === 0) throw new Error(`package.json start script not understood: ${pkg.scripts.start}`);
  const script = words.pop()!;
  return { env, nodeArgs: words, script };
}
