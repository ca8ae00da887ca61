import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root, from dist/bench/ or bench/. */
const here = path.dirname(fileURLToPath(import.meta.url));
export const projectRoot = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
export const resultsDir = path.join(projectRoot, 'bench', 'results');

/** A server under test, in its own process. */
export interface ServedProcess {
  origin: string;
  pid: number;
  /** Resident and peak resident memory now, in MiB (Linux; null elsewhere). */
  memory(): ProcessMemory | null;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();

/** Kills every process this module started (on ^C or a failed run). */
export function killAll(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
}

/**
 * Starts `node <script>` and resolves once it prints `listening on <url>`. Its output is
 * kept only for the error message if it fails to start.
 */
export function startProcess(script: string, args: string[], env: Record<string, string>, nodeArgs: string[] = []): Promise<ServedProcess> {
  const child = spawn(process.execPath, [...nodeArgs, path.join(projectRoot, script), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => children.delete(child));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 100_000) output = output.slice(-50_000);
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      // Keep draining, so a chatty child never blocks on a full pipe.
      child.stdout.resume();
      child.stderr.on('data', (more: Buffer) => process.stderr.write(`  [${path.basename(script)}] ${more.toString()}`));
      child.stderr.off('data', onData);
      resolve({
        origin: match[1]!,
        pid: child.pid!,
        memory: () => readMemory(child.pid!),
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${script} exited before listening:\n${output}`));
    });
  });
}

export interface ProcessMemory {
  rssMb: number;
  peakRssMb: number;
  /** Of the RSS: anonymous memory (heaps, buffers), and file pages mapped (Node's own code). */
  anonMb: number;
  fileMb: number;
}

function readMemory(pid: number): ProcessMemory | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024, anonMb: kb('RssAnon') / 1024, fileMb: kb('RssFile') / 1024 };
  } catch {
    return null;
  }
}

/**
 * The server's RSS once idle: read every second until it has not fallen by 1 MB for 12 s (at
 * most 40 s), since how much of a peak V8 and malloc have handed back right after the load
 * varies from run to run. Idling may hand some back, or none: V8 collects when it allocates.
 */
export async function idleRss(server: Pick<ServedProcess, 'memory'>): Promise<{ rssMb: number; afterSec: number } | undefined> {
  const readings: number[] = [];
  for (let second = 0; second <= 40; second++) {
    const now = server.memory();
    if (!now) return undefined;
    readings.push(now.rssMb);
    const before = readings[readings.length - 13];
    if (before !== undefined && before - now.rssMb < 1) return { rssMb: now.rssMb, afterSec: second };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { rssMb: readings[readings.length - 1]!, afterSec: 40 };
}
