import { fork } from 'node:child_process';
import path from 'node:path';
import { otherCpuShare, processTicks, snapshot, TICKS_PER_SECOND } from './cpu.js';
import type { CpuSnapshot } from './cpu.js';
import { projectRoot } from './processes.js';

export interface BenchRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadSpec {
  origin: string;
  connections: number;
  durationSec: number;
  warmupSec: number;
  requests: BenchRequest[];
  /**
   * `rotate`: the requests are dealt out to the connections, each cycling through its share.
   * `partition`: each request is sent once, the connections sharing them out; a connection
   * that runs out stops (for deletes, which cannot repeat).
   */
  mode: 'rotate' | 'partition';
  /** For `partition`: the requests the warm-up uses up (default: none, no warm-up). */
  warmupRequests?: BenchRequest[];
  /** Collect the end users that 201 responses return. */
  collectCreated?: boolean;
}

export interface LoadResult {
  requests: number;
  durationSec: number;
  /** Median of the per-second throughputs: what the tables show and the ratios use. */
  rps: number;
  /** Requests over the whole measured time. */
  meanRps: number;
  /** Responses completed in each whole second of the measured phase. */
  perSecond: number[];
  /** Share of the machine's CPU that other work used meanwhile (null when unknown). */
  otherCpu: number | null;
  /**
   * CPU time the server used per request, in µs (with PostgreSQL, its backends' time too):
   * steadier than req/s on a shared machine, so it is what compares two versions best.
   */
  serverCpuUs: number | null;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  /** Responses with a status outside 2xx. */
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  statusCodes: Record<string, number>;
  /** The request list ran out before the duration was up (partition mode). */
  exhausted: boolean;
  created?: { sid: string; accountSid: string }[];
}

/**
 * Runs one load scenario from a separate process (autocannon in `load-worker.js`), so the
 * load generator never shares the server's event loop, nor this process's.
 */
export function runLoad(spec: LoadSpec, serverPids: () => Promise<number[]>): Promise<LoadResult> {
  const child = fork(path.join(projectRoot, 'dist/bench/load-worker.js'), [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let pids: number[] = [child.pid!];
  let before: Promise<CpuSnapshot | null> = Promise.resolve(null);
  let serverPidsNow: number[] = [];
  let serverTicksBefore = 0;
  const serverTicks = () => serverPidsNow.reduce((sum, pid) => sum + processTicks(pid), 0);
  return new Promise((resolve, reject) => {
    let settled = false;
    type Message = { measuring: true } | { ok: true; result: LoadResult } | { ok: false; error: string };
    child.on('message', (message: Message) => {
      if ('measuring' in message) {
        // Asked now, after the warm-up, when the server has opened all its connections.
        before = serverPids().then((server) => {
          pids = [child.pid!, ...server];
          serverPidsNow = server;
          serverTicksBefore = serverTicks();
          return snapshot(pids);
        });
        return;
      }
      settled = true;
      child.disconnect();
      if (!message.ok) return reject(new Error(`load generator: ${message.error}`));
      const after = snapshot(pids);
      void before.then((b) => {
        const requests = message.result.requests;
        const serverCpuUs = process.platform === 'linux' && requests > 0 ? ((serverTicks() - serverTicksBefore) * (1e6 / TICKS_PER_SECOND)) / requests : null;
        resolve({ ...message.result, otherCpu: otherCpuShare(b, after), serverCpuUs });
      });
    });
    child.once('exit', (code) => {
      if (!settled) reject(new Error(`load generator exited (${code}) without a result`));
    });
    child.send(spec);
  });
}
