import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * `--perf`: Linux perf sampling the server's CPU time (every thread, kernel included), where
 * --cpu-prof samples wall time and so charges a syscall with the time the thread waited in it.
 * The server runs with --perf-basic-prof, so JavaScript frames have names.
 */
export const PERF_NODE_ARGS = ['--perf-basic-prof'];

export interface PerfRecording {
  file: string;
  stop: () => Promise<void>;
}

export function recordPerf(pid: number, resultsDir: string, label: string): Promise<PerfRecording> {
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${label}.perf.data`);
  const perf: ChildProcess = spawn('perf', ['record', '-e', 'cpu-clock', '-F', '2000', '-g', '-p', String(pid), '-o', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  perf.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => perf.once('exit', resolve));
  return new Promise((resolve, reject) => {
    perf.once('error', (err) => reject(new Error(`--perf needs Linux perf (Debian: linux-perf): ${err.message}`)));
    // perf prints nothing once attached: still running after a moment means it is recording.
    const settle = setTimeout(() => resolve({ file, stop }), 500);
    perf.once('exit', (code) => {
      clearTimeout(settle);
      reject(new Error(`perf record exited (${code}): ${errors.trim()}`));
    });
  });

  async function stop(): Promise<void> {
    perf.kill('SIGINT');
    await exited;
  }
}
