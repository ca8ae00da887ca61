import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LoadResult } from './load.js';
import type { BackendName, BenchOptions, ScenarioName } from './options.js';
import { SCENARIOS } from './options.js';
import type { ProcessMemory } from './processes.js';
import { resultsDir } from './processes.js';
import type { HeapFigures } from './scenarios.js';

export interface SuiteResult {
  backend: BackendName;
  rows: number;
  accounts: number;
  loadAccounts: number;
  seedSec: number;
  /**
   * node:http measured before the server and again after it; Fastify hello once; node:http
   * sending the bytes of a first list page the server sent (`pageBytes` long), after it.
   */
  reference: { httpBefore?: LoadResult; fastify?: LoadResult; httpAfter?: LoadResult; page?: LoadResult; pageBytes?: number };
  scenarios: Partial<Record<ScenarioName, LoadResult>>;
  /** Server memory after the last scenario. */
  serverMemory: ServerMemory | null;
  /** Rows in the delete pool and the depth of the deep page, for the record. */
  notes: string[];
}

/** Memory right after the last scenario, what it is made of, and the RSS once the server has idled. */
export type ServerMemory = ProcessMemory & { heap?: HeapFigures; idle?: { rssMb: number; afterSec: number } };

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  memoryGb: number;
  loadAverage: number[];
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

const LABELS: Record<ScenarioName, string> = {
  fetch: 'fetch',
  create: 'create',
  update: 'update',
  delete: 'delete',
  list: 'list (50, first page)',
  deep: 'list (50, deep page)',
  'list-miss': 'list (50, every page in turn)',
  'bundle-fetch': 'bundle fetch',
  assign: 'item assignment create',
  evaluate: 'evaluation',
};

interface Target {
  label: string;
  check(suite: SuiteResult): { value: string; met: boolean } | undefined;
}

/**
 * The reference throughput every ratio divides by: the better of the two node:http runs, so a
 * reference slowed by other work on the machine cannot flatter the ratios.
 */
export function referenceRps(suite: SuiteResult): number | undefined {
  const runs = [suite.reference.httpBefore, suite.reference.httpAfter].filter((r) => r !== undefined);
  return runs.length ? Math.max(...runs.map((r) => r.rps)) : undefined;
}

/**
 * node:http's CPU µs per request for what scenario `s` answers: the list page's bytes for the two
 * list scenarios, the fixed End-User for the rest (the lower of its two runs: less disturbed).
 */
export function referenceCpuUs(suite: SuiteResult, s: ScenarioName): number | undefined {
  if (s === 'list' || s === 'deep' || s === 'list-miss') return suite.reference.page?.serverCpuUs ?? undefined;
  const runs = [suite.reference.httpBefore, suite.reference.httpAfter].map((r) => r?.serverCpuUs).filter((v) => typeof v === 'number');
  return runs.length ? Math.min(...runs) : undefined;
}

const ratio = (suite: SuiteResult, s: ScenarioName) => {
  const r = suite.scenarios[s];
  const ref = referenceRps(suite);
  return r && ref ? r.rps / ref : undefined;
};
const atLeast = (s: ScenarioName, min: number): Target => ({
  label: `${s} ≥ ${min.toFixed(2)}× node:http`,
  check: (suite) => {
    const v = ratio(suite, s);
    return v === undefined ? undefined : { value: `${v.toFixed(2)}×`, met: v >= min };
  },
});
const p99 = (s: ScenarioName, maxMs: number): Target => ({
  label: `${s} p99 ≤ ${maxMs} ms`,
  check: (suite) => {
    const r = suite.scenarios[s];
    return r ? { value: `${r.latencyMs.p99.toFixed(2)} ms`, met: r.latencyMs.p99 <= maxMs } : undefined;
  },
});

const cpuAtMost = (s: ScenarioName, max: number): Target => ({
  label: `${s} CPU ≤ ${max.toFixed(1)}× node:http's`,
  check: (suite) => {
    const own = suite.scenarios[s]?.serverCpuUs;
    const ref = referenceCpuUs(suite, s);
    if (own === undefined || own === null || ref === undefined) return undefined;
    return { value: `${(own / ref).toFixed(1)}×`, met: own / ref <= max };
  },
});

/** The issue's targets (defined for 1,000,000 end users and 20 connections). */
export const TARGETS: Record<BackendName, Target[]> = {
  sqlite: [
    atLeast('fetch', 0.4),
    cpuAtMost('fetch', 2.5),
    atLeast('create', 0.2),
    atLeast('update', 0.25),
    atLeast('delete', 0.25),
    // A page's cost beyond its bytes: against node:http sending the very same page.
    cpuAtMost('list', 2.5),
    // The same without the list cache's help: every page rendered (see the notes' hit counts).
    cpuAtMost('list-miss', 2.5),
    {
      label: 'deep page ≥ 0.90× first page',
      check: (suite) => {
        const deep = suite.scenarios.deep;
        const first = suite.scenarios.list;
        if (!deep || !first) return undefined;
        const v = deep.rps / first.rps;
        return { value: `${v.toFixed(2)}×`, met: v >= 0.9 };
      },
    },
    p99('fetch', 10),
    p99('create', 10),
    {
      label: 'server RSS after the run ≤ 150 MB',
      check: (suite) => (suite.serverMemory ? { value: `${suite.serverMemory.rssMb.toFixed(0)} MB`, met: suite.serverMemory.rssMb <= 150 } : undefined),
    },
  ],
  postgres: [atLeast('fetch', 0.2), atLeast('create', 0.15)],
};

function pad(text: string, width: number, left = false): string {
  return left ? text.padEnd(width) : text.padStart(width);
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

export function settingsLine(options: BenchOptions): string {
  return (
    `${options.connections} connections, ${options.durationSec} s measured after ${options.warmupSec} s warm-up per scenario, ` +
    `server LOG_LEVEL=warn, autocannon in its own process; req/s = median of per-second counts`
  );
}

export function machineLine(m: Machine): string {
  return `${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GiB, Node ${m.node}, ${m.platform}, load average ${m.loadAverage.join(' ')} at start`;
}

/** The table for one backend's run, as text. */
export function formatSuite(suite: SuiteResult, options: BenchOptions): string {
  const lines: string[] = [];
  lines.push(
    `${suite.backend}: ${int(suite.rows)} end users over ${int(suite.accounts)} accounts (load on ${suite.loadAccounts}), seeded in ${suite.seedSec.toFixed(0)} s`,
  );
  lines.push(`  ${settingsLine(options)}`);
  const header =
    `  ${pad('scenario', 24, true)}${pad('req/s', 9)}${pad('× http', 8)}${pad('p50 ms', 8)}${pad('p99 ms', 8)}` +
    `${pad('errors', 8)}${pad('CPU µs/req', 12)}${pad('http µs', 9)}${pad('CPU ×', 7)}${pad('other CPU', 11)}`;
  lines.push(header);
  lines.push('  ' + '-'.repeat(header.length - 2));
  const ref = referenceRps(suite);
  const row = (label: string, r: LoadResult | undefined, refCpu?: number) => {
    if (!r) return;
    const cpuRatio = refCpu && r.serverCpuUs !== null ? (r.serverCpuUs / refCpu).toFixed(1) : '-';
    const errors = r.non2xx + r.errors;
    const codes = errors > 0 ? `  (${Object.entries(r.statusCodes).map(([c, n]) => `${c}: ${n}`).join(', ')}${r.errors ? `, socket errors: ${r.errors}` : ''})` : '';
    lines.push(
      `  ${pad(label, 24, true)}${pad(int(r.rps), 9)}${pad(ref ? (r.rps / ref).toFixed(2) : '-', 8)}` +
        `${pad(r.latencyMs.p50.toFixed(2), 8)}${pad(r.latencyMs.p99.toFixed(2), 8)}${pad(int(errors), 8)}` +
        `${pad(r.serverCpuUs === null ? '-' : r.serverCpuUs.toFixed(0), 12)}${pad(refCpu === undefined ? '-' : refCpu.toFixed(0), 9)}${pad(cpuRatio, 7)}` +
        `${pad(r.otherCpu === null ? '-' : `${(r.otherCpu * 100).toFixed(0)}%`, 11)}${codes}` +
        (r.exhausted ? `  (ran out of rows after ${r.durationSec.toFixed(1)} s)` : ''),
    );
  };
  row('node:http, before', suite.reference.httpBefore);
  row('node:http, after', suite.reference.httpAfter);
  row('fastify hello', suite.reference.fastify);
  if (suite.reference.pageBytes !== undefined) row(`node:http, ${(suite.reference.pageBytes / 1024).toFixed(0)} KB page`, suite.reference.page);
  for (const s of SCENARIOS) row(LABELS[s], suite.scenarios[s], referenceCpuUs(suite, s));
  if (suite.serverMemory) {
    lines.push(`  server memory after the run: ${memoryLine(suite.serverMemory)}`);
  }
  for (const note of suite.notes) lines.push(`  ${note}`);
  if (ref) lines.push(`  × http: req/s over the better node:http run (${int(ref)} req/s)`);
  lines.push(
    '  http µs: node:http\'s CPU µs/req sending the same answer (the list page\'s bytes for both lists, else the fixed End-User); CPU ×: the server\'s over it',
  );
  const checks = TARGETS[suite.backend].map((t) => ({ label: t.label, result: t.check(suite) })).filter((c) => c.result);
  if (checks.length) {
    const standard = suite.rows === 1_000_000 && options.connections === 20 ? '' : ' (defined for 1,000,000 end users and 20 connections)';
    lines.push(`  targets${standard}:`);
    for (const c of checks) lines.push(`    ${c.result!.met ? 'met   ' : 'MISSED'} ${pad(c.label, 36, true)} ${c.result!.value}`);
  }
  return lines.join('\n');
}

export interface ScaleResult {
  backend: BackendName;
  small: SuiteResult;
  large: SuiteResult;
}

export const SCALE_SCENARIOS = ['fetch', 'create', 'list', 'deep'] as const;

/** Cost per request on the large store over its cost on the small one (from throughput at equal concurrency). */
export function formatScale(scale: ScaleResult): string {
  const { small, large } = scale;
  const lines = [
    `${scale.backend}: cost on ${int(large.rows)} end users / ${int(large.accounts)} accounts relative to ${int(small.rows)} / ${int(small.accounts)} (target ≤ 1.5×)`,
  ];
  lines.push(`  ${pad('scenario', 24, true)}${pad('small r/s', 11)}${pad('large r/s', 11)}${pad('cost ×', 8)}${pad('p50 ×', 8)}  target`);
  for (const s of SCALE_SCENARIOS) {
    const a = small.scenarios[s];
    const b = large.scenarios[s];
    if (!a || !b) continue;
    const cost = a.rps / b.rps;
    lines.push(
      `  ${pad(LABELS[s], 24, true)}${pad(int(a.rps), 11)}${pad(int(b.rps), 11)}${pad(cost.toFixed(2), 8)}` +
        `${pad((b.latencyMs.p50 / a.latencyMs.p50).toFixed(2), 8)}  ${cost <= 1.5 ? 'met' : 'MISSED'}`,
    );
  }
  return lines.join('\n');
}

/** Writes the run's JSON under bench/results/ and returns its path. */
export function writeResults(record: unknown, backends: readonly string[]): string {
  fs.mkdirSync(resultsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.join(resultsDir, `${stamp}-${backends.join('-')}.json`);
  fs.writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
  return file;
}

function memoryLine(m: ServerMemory): string {
  const mb = (n: number) => `${n.toFixed(0)} MB`;
  const parts = [`RSS ${mb(m.rssMb)} (peak ${mb(m.peakRssMb)}): ${mb(m.anonMb)} anonymous, ${mb(m.fileMb)} of files (Node's code)`];
  if (m.heap) {
    const cache = Number.isNaN(m.heap.listCacheMb) ? 'list cache off' : `list cache ${m.heap.listCacheMb.toFixed(1)} MB`;
    parts.push(`V8 heap ${mb(m.heap.heapTotalMb)} (${mb(m.heap.heapUsedMb)} used), outside it ${mb(m.heap.externalMb)}, ${cache}`);
  }
  if (m.idle) parts.push(`RSS ${mb(m.idle.rssMb)} after ${m.idle.afterSec} s idle`);
  return parts.join('; ');
}
